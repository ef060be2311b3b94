import { FIELD_NOT_SUPPORTED, MAX_FILTER_VALUES } from '../marketo/constants';
import { MarketoRequestError } from '../marketo/errors';
import {
  ALREADY_GONE_CODES,
  LeadAction,
  MAX_RECORDS_PER_WRITE,
  MarketoWriteEndpoints,
  PARTITION_ACCESS_DENIED,
  PARTITION_NAME_REQUIRED,
  PARTITION_UPDATE_NOT_ALLOWED,
  RecordResult,
} from '../marketo/write-endpoints';
import { ConnectorError } from '../protocol/cli';
import { PendingRow } from './batcher';
import { ChangeFilter } from './changes';
import { pairByValue, pairingKey } from './keys';
import { FieldSpec, LEAD_ID_FIELD, Log, WriteTarget } from './objects';

/**
 * What became of a row: `absent` is a delete of something Marketo does not have (already gone);
 * `unchanged` an upsert Marketo already holds (write_only_changes), not sent and counted as written.
 */
export type RowStatus = 'created' | 'updated' | 'deleted' | 'absent' | 'unchanged' | 'rejected';

export interface RowOutcome {
  row: PendingRow;
  status: RowStatus;
  /** For rejected rows: Marketo's reasons, or ours. */
  reason?: string;
  /** Fields newest_wins left as Marketo has them. */
  kept?: number;
}

/** Marketo's 1003 message repeats the refused value ("… and value 'x'"): personal data stays out of logs. */
const VALUE_IN_MESSAGE = /\band value '[\s\S]*'$/;
/** Get Leads by Filter Type takes its values comma-separated, so a value holding a comma cannot be looked up (Leads). */
const FILTER_VALUE_SEPARATOR = ',';

/** What to do about a refusal, where the setting that causes it is ours. */
const REASON_HINTS: Record<string, string> = {
  [PARTITION_NAME_REQUIRED]: 'this Marketo instance has several lead partitions: set lead_partition_name to the one new leads belong in',
  [PARTITION_UPDATE_NOT_ALLOWED]: 'the lead lives in another partition than lead_partition_name',
  [PARTITION_ACCESS_DENIED]: "the API user's role cannot reach lead_partition_name",
};

function describeReasons(reasons: RecordResult['reasons']): string {
  if (!reasons || reasons.length === 0) return 'skipped by Marketo without a reason';
  return reasons
    .map((r) => {
      const hint = REASON_HINTS[String(r.code)];
      return `${r.code} ${String(r.message ?? '').replace(VALUE_IN_MESSAGE, 'and value (not logged)')}${hint ? ` (${hint})` : ''}`;
    })
    .join('; ');
}

/**
 * Sends one batch of one object to Marketo and says what became of each row. Marketo answers
 * per record in input order (companies and custom objects also number them with `seq`); each
 * answer is mapped back to its row. A call that fails after the client's retries throws: the
 * batch's fate is then unknown and the caller must not confirm anything after it.
 */
export class TargetWriter {
  constructor(
    private readonly endpoints: MarketoWriteEndpoints,
    private readonly log: Log,
    private readonly changes?: ChangeFilter,
    /** lead_partition_name, sent with creating Sync Leads calls. */
    private readonly leadPartitionName?: string,
  ) {}

  async write(target: WriteTarget, rows: PendingRow[]): Promise<RowOutcome[]> {
    const upserts = rows.filter((r) => r.op === 'upsert');
    const deletes = rows.filter((r) => r.op === 'delete');
    const outcomes: RowOutcome[] = [];
    if (upserts.length > 0) outcomes.push(...(await this.upsert(target, upserts)));
    if (deletes.length > 0) outcomes.push(...(await (target.kind === 'lead' ? this.deleteLeads(target, deletes) : this.deleteObjects(target, deletes))));
    return outcomes;
  }

  private async upsert(target: WriteTarget, pending: PendingRow[]): Promise<RowOutcome[]> {
    const plan = this.changes ? await this.changes.plan(target, pending) : { send: pending, unchanged: [], kept: new Map<PendingRow, number>() };
    const keptOf = (row: PendingRow) => (plan.kept.has(row) ? { kept: plan.kept.get(row) } : {});
    const outcomes: RowOutcome[] = plan.unchanged.map((row) => ({ row, status: 'unchanged', ...keptOf(row) }));
    if (plan.send.length > 0) outcomes.push(...(await this.send(target, plan.send)).map((o) => ({ ...o, ...keptOf(o.row) })));
    return outcomes;
  }

  private async send(target: WriteTarget, rows: PendingRow[]): Promise<RowOutcome[]> {
    const input = rows.map((r) => r.payload);
    let results: RecordResult[];
    if (target.kind === 'lead') results = await this.syncLeads(target.keyFields[0], input);
    else if (target.kind === 'company') results = await this.endpoints.syncCompanies(input);
    else results = await this.endpoints.syncCustomObjects(target.name, input);
    return matchResults(rows, results, `Sync ${target.name}`).map(([row, result]) => outcomeOf(row, result));
  }

  /** `id` as lookup field only works with updateOnly; a lookup field Marketo refuses is the user's to fix. */
  private async syncLeads(lookupField: string, input: Record<string, unknown>[]): Promise<RecordResult[]> {
    const action: LeadAction = lookupField === LEAD_ID_FIELD ? 'updateOnly' : 'createOrUpdate';
    try {
      // Marketo honours partitionName only where a lead may be created.
      return await this.endpoints.syncLeads(input, lookupField, action, action === 'updateOnly' ? undefined : this.leadPartitionName);
    } catch (err) {
      if (err instanceof MarketoRequestError && err.code === FIELD_NOT_SUPPORTED) {
        throw new ConnectorError(
          `Marketo does not accept '${lookupField}' as lead_lookup_field (${err.message}). Use email or a custom string, email or integer field.`,
          'config_error',
        );
      }
      throw err;
    }
  }

  private async deleteObjects(target: WriteTarget, rows: PendingRow[]): Promise<RowOutcome[]> {
    const input = rows.map((r) => r.payload);
    const results = target.kind === 'company' ? await this.endpoints.deleteCompanies(input) : await this.endpoints.deleteCustomObjects(target.name, input);
    return matchResults(rows, results, `Delete ${target.name}`).map(([row, result]) => outcomeOf(row, result));
  }

  /**
   * Delete Leads takes Marketo ids, so the rows' lookup values are first turned into ids (Get
   * Leads by Filter Type). Every lead holding the value is deleted: the warehouse row stands for
   * all of them. A value no lead holds is already gone.
   */
  private async deleteLeads(target: WriteTarget, rows: PendingRow[]): Promise<RowOutcome[]> {
    const lookupField = target.keyFields[0];
    const outcomes: RowOutcome[] = [];
    const idsOf = new Map<PendingRow, number[]>();
    const lookable: PendingRow[] = [];
    for (const row of rows) {
      // Rows that carry the Marketo id (lead_lookup_field id, or the source's own tombstones) name their lead already.
      if (LEAD_ID_FIELD in row.payload) idsOf.set(row, [Number(row.payload[LEAD_ID_FIELD])]);
      else if (String(row.payload[lookupField]).includes(FILTER_VALUE_SEPARATOR)) {
        outcomes.push({
          row,
          status: 'rejected',
          reason: `its ${lookupField} holds a comma, which Marketo's lead lookup cannot search for; delete this lead in Marketo by hand`,
        });
      } else lookable.push(row);
    }
    if (lookable.length > 0) {
      const field = target.fields.get(lookupField);
      const idsByValue = await this.findLeadIds(
        lookupField,
        lookable.map((r) => String(r.payload[lookupField])),
        field,
      );
      for (const row of lookable) idsOf.set(row, idsByValue.get(pairingKey(row.payload[lookupField], field)) ?? []);
    }

    const results = await this.deleteLeadIds([...new Set([...idsOf.values()].flat())]);
    for (const [row, ids] of idsOf) {
      if (ids.length > 1)
        this.log('INFO', `Stream '${target.name}', ${row.label}: ${ids.length} Marketo leads hold this ${lookupField}; all of them are deleted.`);
      const statuses = ids.map((id) => outcomeOf(row, results.get(id)!));
      const rejected = statuses.find((s) => s.status === 'rejected');
      if (rejected) outcomes.push(rejected);
      else outcomes.push({ row, status: statuses.some((s) => s.status === 'deleted') ? 'deleted' : 'absent' });
    }
    return outcomes;
  }

  /** Lead ids by lookup value, paired as keys.ts says (ignoring case only where Marketo does). */
  private async findLeadIds(lookupField: string, values: string[], field: FieldSpec | undefined): Promise<Map<string, number[]>> {
    const idsByValue = new Map<string, number[]>();
    for (let i = 0; i < values.length; i += MAX_FILTER_VALUES) {
      const asked = values.slice(i, i + MAX_FILTER_VALUES);
      const leads = await this.endpoints.findLeads(lookupField, asked, [LEAD_ID_FIELD, lookupField]);
      for (const [value, found] of pairByValue(asked, leads, (lead) => lead[lookupField], field)) {
        idsByValue.set(value, [...(idsByValue.get(value) ?? []), ...found.map((lead) => Number(lead[LEAD_ID_FIELD]))]);
      }
    }
    return idsByValue;
  }

  private async deleteLeadIds(ids: number[]): Promise<Map<number, RecordResult>> {
    const byId = new Map<number, RecordResult>();
    for (let i = 0; i < ids.length; i += MAX_RECORDS_PER_WRITE) {
      const chunk = ids.slice(i, i + MAX_RECORDS_PER_WRITE);
      const results = await this.endpoints.deleteLeads(chunk);
      const pseudoRows = chunk.map((id) => ({ id }));
      for (const [{ id }, result] of matchResults(pseudoRows, results, 'Delete leads')) byId.set(id, result);
    }
    return byId;
  }
}

/**
 * Pairs each input with its answer: by `seq` when Marketo numbers them, else by position. An
 * answer missing means the batch's outcome is unknown, which must fail the run, not pass as success.
 */
function matchResults<T>(inputs: T[], results: RecordResult[], call: string): Array<[T, RecordResult]> {
  const numbered = results.length > 0 && results.every((r) => Number.isInteger(r.seq));
  const bySeq = new Map(results.map((r, i) => [numbered ? r.seq! : i, r]));
  return inputs.map((input, i) => {
    const result = bySeq.get(i);
    if (!result) {
      throw new MarketoRequestError(
        `${call}: Marketo answered ${results.length} results for ${inputs.length} records, none for record ${i}; the batch's outcome is unknown.`,
      );
    }
    return [input, result];
  });
}

function outcomeOf(row: PendingRow, result: RecordResult): RowOutcome {
  switch (result.status) {
    case 'created':
    case 'updated':
    case 'deleted':
      return { row, status: result.status };
    case 'skipped':
      if (row.op === 'delete' && (result.reasons ?? []).length > 0 && result.reasons!.every((r) => ALREADY_GONE_CODES.has(String(r.code)))) {
        return { row, status: 'absent' };
      }
      return { row, status: 'rejected', reason: describeReasons(result.reasons) };
    default:
      return { row, status: 'rejected', reason: `Marketo answered status '${String(result.status)}'` };
  }
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
