import { MarketoAccessDeniedError, MarketoRequestError } from '../marketo/errors';
import { MarketoWriteEndpoints, PARTITION_NAME_REQUIRED } from '../marketo/write-endpoints';
import { DestinationConfig } from './config';
import { LEAD_ID_FIELD } from './objects';

// lead_partition_name against the instance's lead partitions (Get Lead Partitions). On an instance
// with several partitions Marketo refuses to create a lead without `partitionName` (1009), so a
// name that is not a partition would reject every new lead: the run stops before writing instead.

export interface PartitionCheck {
  /** Why the setting cannot work: a config error. */
  problem?: string;
  /** Worth a WARN, not fatal. */
  warning?: string;
}

const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * Checks lead_partition_name against Get Lead Partitions (one call). Without the setting, the
 * call is made only when `adviseWhenUnset` (the connection check): several partitions then deserve
 * a warning, since creates will be refused.
 */
export async function checkLeadPartition(endpoints: MarketoWriteEndpoints, config: DestinationConfig, adviseWhenUnset: boolean): Promise<PartitionCheck> {
  const wanted = config.leadPartitionName;
  if (wanted === undefined && !adviseWhenUnset) return {};
  let names: string[];
  try {
    names = (await endpoints.getLeadPartitions()).map((p) => p.name);
  } catch (err) {
    if (!(err instanceof MarketoRequestError || err instanceof MarketoAccessDeniedError)) throw err;
    return wanted === undefined
      ? {}
      : { warning: `Get Lead Partitions failed (${err.message}); lead_partition_name '${wanted}' is sent without being checked.` };
  }
  if (wanted === undefined) {
    if (names.length <= 1) return {};
    return {
      warning: `This Marketo instance has ${names.length} lead partitions (${quoted(names)}): Marketo refuses to create a lead without a partition name (${PARTITION_NAME_REQUIRED}). Set lead_partition_name to the one new leads belong in.`,
    };
  }
  if (!names.includes(wanted)) {
    return { problem: `'lead_partition_name' is '${wanted}', which is not a lead partition of this Marketo instance. Its partitions: ${quoted(names)}.` };
  }
  if (config.leadLookupField === LEAD_ID_FIELD) {
    return {
      warning: `lead_partition_name '${wanted}' has no effect with lead_lookup_field id: rows only update existing leads, and Marketo takes a partition name only where it creates leads.`,
    };
  }
  return {};
}
