import { MarketoClient } from './client';
import { MAX_BATCH_SIZE, MAX_FILTER_VALUES, NO_DATA_FOUND } from './constants';
import { MarketoRequestError } from './errors';

// Program members (https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/program-members):
// Describe Program Member and Get Program Members, a Lead Database read per program that always
// needs a filter: the values (at most 300) of a searchable field, or `updatedAt` with a range of
// `startAt` / `endAt` of at most 7 days.

export const PROGRAM_MEMBERS_DESCRIBE_PATH = '/rest/v1/programs/members/describe.json';
/** The dedupe key of a membership, as Describe Program Member gives it (Program Members). */
export const PROGRAM_MEMBER_KEY = ['programId', 'leadId'];
/**
 * Marketo answers a missing record with 1013 "Object not found" on Lead Database reads (Error
 * Codes, https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes).
 * What Get Program Members answers for a program deleted since it was listed is undocumented: 1013,
 * 702 or an empty result are all taken as "no members".
 */
const NOT_FOUND_CODES = new Set(['1013', NO_DATA_FOUND]);

export interface ProgramMemberField {
  name: string;
  displayName?: string;
  dataType: string;
  length?: number;
  updateable?: boolean;
}

export interface ProgramMemberDescription {
  name?: string;
  dedupeFields?: string[];
  searchableFields?: string[][];
  fields: ProgramMemberField[];
}

/** Which members one Get Program Members call selects. */
export type MemberFilter = { field: string; values: Array<string | number> } | { startAt: string; endAt: string };

export interface MemberPage {
  records: Record<string, unknown>[];
  nextPageToken?: string;
}

function pathOf(programId: number): string {
  return `/rest/v1/programs/${programId}/members.json`;
}

export class ProgramMemberEndpoints {
  constructor(private readonly client: MarketoClient) {}

  async describe(): Promise<ProgramMemberDescription> {
    const description = (await this.client.get<ProgramMemberDescription>(PROGRAM_MEMBERS_DESCRIBE_PATH)).result[0];
    if (!description || !Array.isArray(description.fields)) throw new Error('Describe Program Member answered no field list');
    return description;
  }

  /**
   * One page of a program's members. With `updatedAt`, filterValues is sent too (the API reference
   * marks it required; the range is in startAt / endAt): the two bounds, so that a server that reads
   * them finds what the range says. Paging goes on while a token comes with `moreResult` true, or
   * with no `moreResult` at all and records (Get Leads by Program answers so).
   */
  async page(programId: number, filter: MemberFilter, fields: string[], nextPageToken?: string): Promise<MemberPage> {
    const query =
      'field' in filter
        ? { filterType: filter.field, filterValues: filter.values.slice(0, MAX_FILTER_VALUES) }
        : { filterType: 'updatedAt', filterValues: [filter.startAt, filter.endAt], startAt: filter.startAt, endAt: filter.endAt };
    try {
      const envelope = await this.client.get(pathOf(programId), { query: { ...query, fields, batchSize: MAX_BATCH_SIZE, nextPageToken } });
      const more = envelope.moreResult === true || (envelope.moreResult === undefined && envelope.result.length > 0);
      return { records: envelope.result, nextPageToken: more && envelope.nextPageToken ? envelope.nextPageToken : undefined };
    } catch (err) {
      if (err instanceof MarketoRequestError && err.code !== undefined && NOT_FOUND_CODES.has(err.code)) return { records: [] };
      throw err;
    }
  }

  /** Every member a filter selects, page after page. */
  async all(programId: number, filter: MemberFilter, fields: string[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let token: string | undefined;
    do {
      const page = await this.page(programId, filter, fields, token);
      out.push(...page.records);
      token = page.nextPageToken;
    } while (token);
    return out;
  }
}
