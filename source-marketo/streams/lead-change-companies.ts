import { COMPANY_LINK_FIELD, MAX_FILTER_VALUES } from '../../marketo/constants';
import { companyFieldsOnLeads } from '../../marketo/company-fields';
import { MarketoError } from '../../marketo/errors';
import { textOf } from '../../protocol/text';
import { ReadContext } from './stream';

/**
 * Emitted records remembered for correction at most: a bound on memory in a first sync of a long
 * history, where a record past it keeps the company its lead had when the sync read it.
 */
const MAX_CORRECTABLE = 10_000;

type ChangeRecord = Record<string, unknown> & { leadId?: unknown; activityDate?: unknown; fields?: unknown };
type FieldChange = { name?: unknown; newValue?: unknown; oldValue?: unknown };

/**
 * Gives each Change Data Value of a company field (`company`, `annualRevenue`, ...) the
 * `externalCompanyId` of the lead's company when the change was made, so that a warehouse can
 * apply the change to the company record (join `companies` on `externalCompanyId`). Marketo's
 * change carries no company: the lead's company at that time comes, in this order, from
 *
 * 1. a change of the lead's `externalCompanyId` read earlier in this sync (its new value);
 * 2. the next such change in the same page (its old value);
 * 3. otherwise Get Leads by id (the lead's current `externalCompanyId`), 300 leads per call, at
 *    most one call per page. When a later page of the same sync shows the lead moved to another
 *    company after the change, the change is emitted again with the company it had then (same
 *    `marketoGUID`, so deduplication keeps the corrected row; up to MAX_CORRECTABLE records).
 *
 * Describe Company (once per sync, and only once a page holds a Change Data Value) says which
 * fields are company fields; without it (no permission, CRM-managed companies) nothing is added.
 */
export class LeadChangeCompanies {
  private fields: Promise<Set<string>> | undefined;
  /** A lead's externalCompanyId after the last change of it read in this sync. */
  private readonly linkAfter = new Map<number, string | null>();
  /** A lead's current externalCompanyId, as Get Leads answered in this sync. */
  private readonly current = new Map<number, string | null>();
  /** Records emitted with the current company (step 3), per lead, until a change of its link shows what it was. */
  private readonly fromCurrent = new Map<number, ChangeRecord[]>();
  private correctable = 0;
  constructor(private readonly ctx: ReadContext) {}

  /**
   * Attributes the company changes among a page's records (all of them, oldest first, also those
   * not `emitted`: a change of the link made by an ignored API user still says what the link was)
   * and returns the corrections of records emitted by earlier pages.
   */
  async attribute(records: ChangeRecord[], emitted: (record: ChangeRecord) => boolean): Promise<ChangeRecord[]> {
    if (!records.some((r) => Array.isArray(r.fields))) return [];
    const companyFields = await this.companyFields();
    if (companyFields.size === 0) return [];
    const corrections: ChangeRecord[] = [];
    const open = new Map<number, ChangeRecord[]>(); // this page's company changes without a company yet
    for (const record of records) {
      const leadId = Number(record.leadId);
      const changes = Array.isArray(record.fields) ? (record.fields as FieldChange[]) : [];
      if (changes.some((c) => typeof c.name === 'string' && companyFields.has(c.name))) {
        if (this.linkAfter.has(leadId)) record[COMPANY_LINK_FIELD] = this.linkAfter.get(leadId);
        else if (this.current.has(leadId)) this.withCurrent(leadId, record, this.current.get(leadId)!, emitted(record));
        else open.set(leadId, [...(open.get(leadId) ?? []), record]);
      }
      const link = changes.find((c) => c.name === COMPANY_LINK_FIELD);
      if (link) {
        const before = textOrNull(link.oldValue);
        for (const waiting of open.get(leadId) ?? []) waiting[COMPANY_LINK_FIELD] = before;
        open.delete(leadId);
        for (const emitted of this.fromCurrent.get(leadId) ?? []) {
          if (emitted[COMPANY_LINK_FIELD] !== before) corrections.push({ ...emitted, [COMPANY_LINK_FIELD]: before });
        }
        this.correctable -= this.fromCurrent.get(leadId)?.length ?? 0;
        this.fromCurrent.delete(leadId);
        this.current.delete(leadId);
        this.linkAfter.set(leadId, textOrNull(link.newValue));
      }
    }
    if (open.size > 0) await this.lookUp([...open.keys()]);
    for (const [leadId, waiting] of open) for (const record of waiting) this.withCurrent(leadId, record, this.current.get(leadId) ?? null, emitted(record));
    return corrections;
  }

  /** Sets the lead's current company, and remembers an emitted record for correction (up to MAX_CORRECTABLE). */
  private withCurrent(leadId: number, record: ChangeRecord, company: string | null, emitted: boolean): void {
    record[COMPANY_LINK_FIELD] = company;
    if (!emitted || this.correctable >= MAX_CORRECTABLE) return;
    this.correctable++;
    this.fromCurrent.set(leadId, [...(this.fromCurrent.get(leadId) ?? []), record]);
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

function textOrNull(value: unknown): string | null {
  return value === undefined || value === null || value === '' ? null : textOf(value);
}
