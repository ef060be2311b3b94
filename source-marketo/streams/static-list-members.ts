import { AssetEndpoints } from '../../marketo/asset-endpoints';
import { MAX_BATCH_SIZE } from '../../marketo/constants';
import { MarketoRequestError } from '../../marketo/errors';
import { JsonSchema, SyncMode } from '../../protocol/types';
import { secondOf, toMarketoSecond } from '../dates';
import { CDC_DELETED_AT } from './lead-schema';
import { SWEEP_OVERLAP_SECONDS } from './object-cursor';
import { ReadContext, SourceStream, StreamEvent } from './stream';
import { walkActivities } from './walk';

const ADD_TO_LIST = { name: 'Add to List', id: 24 };
const REMOVE_FROM_LIST = { name: 'Remove from List', id: 25 };
/**
 * Marketo keeps Add to List activities 90 days (https://experienceleague.adobe.com/en/docs/marketo/using/product-docs/administration/field-management/data-retention-policy):
 * a cursor older than this reads every list whole again.
 */
const ACTIVITY_RETENTION_DAYS = 85;
const STATIC_LISTS_PATH = '/rest/asset/v1/staticLists.json';

const SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: true,
  properties: {
    listId: { type: 'integer' },
    leadId: { type: 'integer' },
    changedAt: {
      type: 'string',
      format: 'date-time',
      description: 'When the membership last changed (the Add to List / Remove from List activity), or when a full read found it',
    },
    [CDC_DELETED_AT]: {
      type: ['null', 'string'],
      format: 'date-time',
      description: 'Set when the lead left the list; deduplicating destinations delete the row',
    },
  },
};

interface PairChange {
  listId: number;
  leadId: number;
  date: string;
}

/**
 * Which leads are in which static list. The first sync reads every list whole (Get Leads by List
 * Id, 300 a call); later syncs read the Add to List and Remove from List activities since the
 * cursor to learn which lists changed, read those lists whole again, and emit the members whose
 * membership changed, and tombstones (`_ab_cdc_deleted_at`) for the leads that left. Reading the
 * changed lists again, not only trusting the activities, keeps the table exact when a lead was
 * added and removed in one sync interval, or deleted.
 */
export class StaticListMembersStream implements SourceStream {
  readonly name = 'static_list_members';
  readonly primaryKey = [['listId'], ['leadId']];
  readonly cursorField = ['changedAt'];
  readonly syncModes: SyncMode[] = ['full_refresh', 'incremental'];
  readonly permission = 'Read-Only Lead';

  schema(): Promise<JsonSchema> {
    return Promise.resolve(SCHEMA);
  }

  async *read(ctx: ReadContext, rawState: Record<string, unknown> | undefined): AsyncGenerator<StreamEvent> {
    const startedAt = secondOf(Date.now());
    const previous = ctx.syncMode === 'incremental' && typeof rawState?.changedAt === 'string' ? toMarketoSecond(rawState.changedAt) : undefined;
    // The state's cursor is named like the records' cursor column: the activities are read from it.
    const next = { changedAt: secondOf(Date.parse(startedAt) - SWEEP_OVERLAP_SECONDS * 1000) };
    const stale = previous !== undefined && Date.parse(previous) < Date.now() - ACTIVITY_RETENTION_DAYS * 86_400_000;
    if (stale)
      ctx.log('WARN', `static_list_members: the cursor ${previous} is older than Marketo keeps Add to List activities; every list is read whole again.`);
    if (previous === undefined || stale) {
      const assets = new AssetEndpoints(ctx.endpoints.client);
      for await (const lists of assets.browse(STATIC_LISTS_PATH)) {
        for (const list of lists) {
          const members = await listMembers(ctx, list.id);
          if (members.length > 0) yield { records: members.map((leadId) => ({ listId: list.id, leadId, changedAt: startedAt, [CDC_DELETED_AT]: null })) };
        }
      }
      yield { state: next };
      return;
    }

    const changes = await membershipChanges(ctx, previous);
    const byList = new Map<number, Map<number, PairChange>>();
    for (const change of changes) {
      const pairs = byList.get(change.listId) ?? new Map<number, PairChange>();
      const known = pairs.get(change.leadId);
      if (!known || change.date >= known.date) pairs.set(change.leadId, change);
      byList.set(change.listId, pairs);
    }
    ctx.log(
      'INFO',
      `static_list_members: ${changes.length} Add to List / Remove from List activities since ${previous}; reading ${byList.size} changed lists whole.`,
    );
    for (const [listId, pairs] of byList) {
      const members = new Set(await listMembers(ctx, listId));
      const records = [...pairs.values()].map((p) =>
        members.has(p.leadId)
          ? { listId, leadId: p.leadId, changedAt: p.date, [CDC_DELETED_AT]: null }
          : { listId, leadId: p.leadId, changedAt: p.date, [CDC_DELETED_AT]: p.date },
      );
      yield { records };
    }
    yield { state: previous > next.changedAt ? { changedAt: previous } : next };
  }
}

/** Every lead id in a list, 300 a call; a list deleted since (1013, or 702) has none. */
async function listMembers(ctx: ReadContext, listId: number): Promise<number[]> {
  const ids: number[] = [];
  let nextPageToken: string | undefined;
  try {
    do {
      const envelope = await ctx.endpoints.client.get<{ id: number }>(`/rest/v1/lists/${listId}/leads.json`, {
        query: { fields: 'id', batchSize: MAX_BATCH_SIZE, nextPageToken },
      });
      ids.push(...envelope.result.map((l) => Number(l.id)));
      nextPageToken = envelope.moreResult ? envelope.nextPageToken : undefined;
    } while (nextPageToken);
  } catch (err) {
    if (err instanceof MarketoRequestError && (err.code === '1013' || err.code === '702')) return [];
    throw err;
  }
  return ids;
}

/** The Add to List / Remove from List activities since the cursor, as (list, lead, date). */
async function membershipChanges(ctx: ReadContext, since: string): Promise<PairChange[]> {
  const types = await ctx.metadata.activityTypes();
  const typeIds = [ADD_TO_LIST, REMOVE_FROM_LIST].map((t) => types.find((x) => x.name === t.name)?.id ?? t.id);
  const walk = { keys: ['static_list_members'], fetchPage: (token: string) => ctx.endpoints.getLeadActivities(token, typeIds) };
  const changes: PairChange[] = [];
  for await (const page of walkActivities(walk, since, (s) => ctx.endpoints.getPagingToken(s))) {
    for (const a of page.activities) {
      const date = typeof a.activityDate === 'string' ? toMarketoSecond(a.activityDate) : undefined;
      if (!date || date < since || !typeIds.includes(a.activityTypeId) || typeof a.primaryAttributeValueId !== 'number') continue;
      changes.push({ listId: a.primaryAttributeValueId, leadId: a.leadId, date });
    }
  }
  return changes;
}
