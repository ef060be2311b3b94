// A lead as Get Leads / Get Lead by Id serve it (Leads): `id` first, then every requested
// field, with explicit `null` for fields without a value (as recorded), booleans never null
// (an unset boolean reads false (seen in recorded Marketo responses)), and the company fields of a lead linked to a company read
// from the company record (Leads).

import type { CompanyStore } from './companies';
import { COMPANY_KEY_FIELD } from './companies';
import type { Lead, LeadStore, LeadValue } from './leads';
import * as MarketoFacts from './marketo-facts';

export class LeadView {
  constructor(
    private readonly leads: LeadStore,
    private readonly companies: CompanyStore,
  ) {}

  /** The lead with these fields, in this order after `id`. */
  record(lead: Readonly<Lead>, fields: readonly string[]): Record<string, LeadValue> {
    const out: Record<string, LeadValue> = { id: lead.id };
    const company = this.companies.linkedTo(lead[COMPANY_KEY_FIELD]);
    const companyFields = company ? new Set(this.companies.companyFieldNames()) : undefined;
    for (const field of fields) {
      if (field in out) continue;
      out[field] = this.value(lead, field, company && companyFields?.has(field) ? company : undefined);
    }
    return out;
  }

  private value(lead: Readonly<Lead>, field: string, company: Readonly<Record<string, LeadValue>> | undefined): LeadValue {
    const stored = company ? company[field] : lead[field];
    if (stored !== undefined && stored !== null) return stored;
    if (MarketoFacts.UNSET_BOOLEAN_READS_FALSE && this.leads.fields.getAny(field)?.dataType === 'boolean') return false;
    return null;
  }
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
