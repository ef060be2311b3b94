import { COMPANY_LINK_FIELD } from './constants';
import { CompanyDescription } from './endpoints';

/**
 * The lead fields a lead linked to a company shows from the company record: the company's
 * updateable fields (Describe Company), the link itself excepted. Sync Leads refuses them on a
 * linked lead (1021, "Company update not allowed"), and a change of the company changes them on
 * every linked lead (Companies, https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies;
 * Leads, https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads).
 */
export function companyFieldsOnLeads(description: CompanyDescription | undefined): Set<string> {
  return new Set((description?.fields ?? []).filter((f) => f.updateable && f.name !== COMPANY_LINK_FIELD).map((f) => f.name));
}
