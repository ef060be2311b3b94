import { assertMatchesSpec, MarketoConnection, parseConnection } from '../marketo/config';
import { MarketoConfigError } from '../marketo/errors';
import { loadDestinationSpec, specDefault } from './spec';

export type ConflictPolicy = 'warehouse_wins' | 'newest_wins';
const CONFLICT_POLICIES: ConflictPolicy[] = ['warehouse_wins', 'newest_wins'];

/** The destination's settings (docs/interface.md), validated, with the spec's defaults filled in. */
export interface DestinationConfig {
  connection: MarketoConnection;
  leadLookupField: string;
  /** Share of rows (0..1) that may be rejected before the run fails at its end. */
  rejectedRowThreshold: number;
  writeOnlyChanges: boolean;
  conflictPolicy: ConflictPolicy;
  rowChangedAtField: string;
  /** lead_partition_name: the partition Sync Leads creates leads in; undefined = let Marketo decide (one partition). */
  leadPartitionName?: string;
}

function optionalString(config: Record<string, unknown>, key: string): string {
  const value = config[key];
  if (value === undefined || value === null) return specDefault<string>(key);
  if (typeof value !== 'string' || value.trim() === '') throw new MarketoConfigError(`'${key}' must be a non-empty string (got ${JSON.stringify(value)}).`);
  return value.trim();
}

/** Validates the destination config, first against the spec's JSON Schema; every problem is a config error with a message a person can act on. */
export function parseDestinationConfig(raw: unknown): DestinationConfig {
  assertMatchesSpec(raw, loadDestinationSpec().connectionSpecification);
  const config = raw as Record<string, unknown>;
  const connection = parseConnection(config);

  let rejectedRowThreshold = specDefault<number>('rejected_row_threshold');
  if (config.rejected_row_threshold !== undefined && config.rejected_row_threshold !== null) {
    const value = config.rejected_row_threshold;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new MarketoConfigError(`'rejected_row_threshold' must be a share between 0 and 1, e.g. 0.1 for 10% (got ${JSON.stringify(value)}).`);
    }
    rejectedRowThreshold = value;
  }

  let writeOnlyChanges = specDefault<boolean>('write_only_changes');
  if (config.write_only_changes !== undefined && config.write_only_changes !== null) {
    if (typeof config.write_only_changes !== 'boolean') throw new MarketoConfigError("'write_only_changes' must be true or false.");
    writeOnlyChanges = config.write_only_changes;
  }

  const conflictPolicy = optionalString(config, 'conflict_policy') as ConflictPolicy;
  if (!CONFLICT_POLICIES.includes(conflictPolicy)) {
    throw new MarketoConfigError(`'conflict_policy' must be one of ${CONFLICT_POLICIES.join(', ')} (got '${conflictPolicy}').`);
  }

  let leadPartitionName: string | undefined;
  if (config.lead_partition_name !== undefined && config.lead_partition_name !== null && config.lead_partition_name !== '') {
    if (typeof config.lead_partition_name !== 'string' || config.lead_partition_name.trim() === '') {
      throw new MarketoConfigError(`'lead_partition_name' must be a partition name such as "Default" (got ${JSON.stringify(config.lead_partition_name)}).`);
    }
    leadPartitionName = config.lead_partition_name.trim();
  }

  return {
    connection,
    leadLookupField: optionalString(config, 'lead_lookup_field'),
    rejectedRowThreshold,
    writeOnlyChanges,
    conflictPolicy,
    rowChangedAtField: optionalString(config, 'row_changed_at_field'),
    ...(leadPartitionName === undefined ? {} : { leadPartitionName }),
  };
}
