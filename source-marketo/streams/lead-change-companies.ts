import { COMPANY_LINK_FIELD, MAX_FILTER_VALUES } from '../../marketo/constants';
import { companyFieldsOnLeads } from '../../marketo/company-fields';
import { MarketoError } from '../../marketo/errors';
import { textOf } from '../../protocol/text';
import { ReadContext } from './stream';

/**
 * Emitted records remembered for correction at most: a bound on memory in a first sync of a long
 * history, where a record past it keeps the company found when it was emitted.
 */
const MAX_CORRECTABLE = 10_000;

type ChangeRecord = Record<string, unknown> & { leadId?: unknown; activityDate?: unknown; fields?: unknown };
type FieldChange = { name?: unknown; newValue?: unknown; oldValue?: unknown };

/** Where an activity sits in Marketo's order: its second, then its id within the second. */
type Position = [string, number];

/** A change of a lead's externalCompanyId. */
interface LinkChange {
  at: Position;
  before: string | null;
  after: string | null;
}

/**
 * Gives each Change Data Value of a company field (`company`, `annualRevenue`, ...) the
 * `externalCompanyId` of the lead's company when the change was made, so that a warehouse can
 * apply the change to the company record (join `companies` on `externalCompanyId`). Marketo's
 * change carries no company. The lead's company at that time is, from the changes of its
 * `externalCompanyId` this sync has read (in any page, any time window): the old value of the
 * first one after the change, else the new value of the last one before it; with none, its current
 * `externalCompanyId` from Get Leads by id (300 leads per call, at most one call per page).
 *
 * Pages of parallel time windows come in any order: when a page shows a change of a lead's link
 * that alters the company of a change already emitted, that change is emitted again, corrected
 * (same `marketoGUID`: deduplication keeps the last row).
 *
 * Describe Company (once per sync, and only once a page holds a Change Data Value) says which
 * fields are company fields; without it (no permission, CRM-managed companies) nothing is added.
 */
export class LeadChangeCompanies {
  private fields: Promise<Set<string>> | undefined;
  /** Per lead, the changes of its link read in this sync, in Marketo's order. */
  private readonly links = new Map<number, LinkChange[]>();
  /** A lead's current externalCompanyId, as Get Leads answered in this sync. */
  private readonly current = new Map<number, string | null>();
  /** Emitted company changes per lead, for correction. */
  private readonly emittedByLead = new Map<number, Array<{ at: Position; record: ChangeRecord }>>();
  private remembered = 0;

  constructor(private readonly ctx: ReadContext) {}

  /**
   * Attributes the company changes among a page's records (all of them, also those not `emitted`:
   * a change of the link made by an ignored API user still says what the link was) and returns
   * the corrections of records emitted by earlier pages.
   */
  async attribute(records: ChangeRecord[], emitted: (record: ChangeRecord) => boolean): Promise<ChangeRecord[]> {
    if (!records.some((r) => Array.isArray(r.fields))) return [];
    const companyFields = await this.companyFields();
    if (companyFields.size === 0) return [];
    const changesOf = (record: ChangeRecord): FieldChange[] => (Array.isArray(record.fields) ? (record.fields as FieldChange[]) : []);

    // The page's changes of links first: they may come after a company change of the same page.
    const moved = new Set<number>();
    for (const record of records) {
      const link = changesOf(record).find((c) => c.name === COMPANY_LINK_FIELD);
      if (!link) continue;
      const leadId = Number(record.leadId);
      const list = this.links.get(leadId) ?? [];
      list.push({ at: positionOf(record), before: textOrNull(link.oldValue), after: textOrNull(link.newValue) });
      list.sort((a, b) => compare(a.at, b.at));
      this.links.set(leadId, list);
      moved.add(leadId);
    }
    const corrections: ChangeRecord[] = [];
    for (const leadId of moved) {
      for (const { at, record } of this.emittedByLead.get(leadId) ?? []) {
        const company = this.knownCompany(leadId, at);
        if (company !== undefined && company !== record[COMPANY_LINK_FIELD]) {
          record[COMPANY_LINK_FIELD] = company;
          corrections.push({ ...record });
        }
      }
    }

    const companyChanges = records.filter((r) => changesOf(r).some((c) => typeof c.name === 'string' && companyFields.has(c.name)));
    const unknown = companyChanges.filter((r) => this.knownCompany(Number(r.leadId), positionOf(r)) === undefined).map((r) => Number(r.leadId));
    await this.lookUp([...new Set(unknown)]);
    for (const record of companyChanges) {
      const leadId = Number(record.leadId);
      const at = positionOf(record);
      const company = this.knownCompany(leadId, at);
      record[COMPANY_LINK_FIELD] = company === undefined ? null : company;
      if (emitted(record) && this.remembered < MAX_CORRECTABLE) {
        this.remembered++;
        this.emittedByLead.set(leadId, [...(this.emittedByLead.get(leadId) ?? []), { at, record }]);
      }
    }
    return corrections;
  }

  /** The lead's company at `at` from the link changes read so far (undefined: none read), else its current one. */
  private knownCompany(leadId: number, at: Position): string | null | undefined {
    const list = this.links.get(leadId);
    if (!list || list.length === 0) return this.current.get(leadId);
    const next = list.find((l) => compare(l.at, at) > 0);
    if (next) return next.before;
    return list[list.length - 1].after;
  }

  /** The leads' current externalCompanyId; a lead Marketo no longer holds (deleted, merged away) has none. */
  private async lookUp(leadIds: number[]): Promise<void> {
    for (let i = 0; i < leadIds.length; i += MAX_FILTER_VALUES) {
      const batch = leadIds.slice(i, i + MAX_FILTER_VALUES);
      const leads = await this.ctx.endpoints.getLeadsByIds(batch, ['id', COMPANY_LINK_FIELD]);
      for (const id of batch) this.current.set(id, null);
      for (const lead of leads) this.current.set(Number(lead.id), textOrNull(lead[COMPANY_LINK_FIELD]));
    }
  }

  private companyFields(): Promise<Set<string>> {
    return (this.fields ??= this.ctx.endpoints.describeCompany().then(
      (description) => companyFieldsOnLeads(description),
      (err: unknown) => {
        if (!(err instanceof MarketoError)) throw err;
        this.ctx.log('INFO', `lead_changes: Describe Company failed (${err.message}); changes of company fields carry no externalCompanyId.`);
        return new Set<string>();
      },
    ));
  }
}

/** An activity's second and id (Marketo pages by date, then id); without an id, its marketoGUID when numeric. */
function positionOf(record: ChangeRecord): Position {
  const id = Number(record.id ?? record.marketoGUID);
  return [String(record.activityDate), Number.isFinite(id) ? id : 0];
}

function compare(a: Position, b: Position): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1];
}

function textOrNull(value: unknown): string | null {
  return value === undefined || value === null || value === '' ? null : textOf(value);
}
