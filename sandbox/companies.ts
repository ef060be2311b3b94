// Companies (Companies): the Company object of the sandbox and how leads take their company
// fields from it.
//
// A lead whose `externalCompanyId` names an existing company is linked to it: its company fields
// (company, annualRevenue, ...; every updateable Company field that is also a lead field) read
// from the company record, and Sync Leads may not change them (1021) (Leads).

import type { FieldValue } from './field-values';
import { COMPANY_KEY_FIELD, MSG_RECORD_NOT_FOUND } from './marketo-facts';
import { ObjectStore, type ObjectDefinition, type ObjectField } from './object-store';

export { COMPANY_KEY_FIELD };

/** Describe Company's fields (Companies): the documented example's, with the usual firmographics. */
const COMPANY_FIELDS: ObjectField[] = [
  { name: 'externalCompanyId', displayName: 'External Company Id', dataType: 'string', length: 100, updateable: false },
  { name: 'id', displayName: 'Id', dataType: 'integer', updateable: false },
  { name: 'company', displayName: 'Company Name', dataType: 'string', length: 255, updateable: true },
  { name: 'annualRevenue', displayName: 'Annual Revenue', dataType: 'currency', updateable: true },
  { name: 'numberOfEmployees', displayName: 'Num Employees', dataType: 'integer', updateable: true },
  { name: 'industry', displayName: 'Industry', dataType: 'string', length: 255, updateable: true },
  { name: 'sicCode', displayName: 'SIC Code', dataType: 'string', length: 40, updateable: true },
  { name: 'website', displayName: 'Website', dataType: 'url', length: 255, updateable: true },
  { name: 'mainPhone', displayName: 'Main Phone', dataType: 'phone', length: 255, updateable: true },
  { name: 'billingCity', displayName: 'Billing City', dataType: 'string', length: 255, updateable: true },
  { name: 'billingCountry', displayName: 'Billing Country', dataType: 'string', length: 255, updateable: true },
  { name: 'createdAt', displayName: 'Created At', dataType: 'datetime', updateable: false },
  { name: 'updatedAt', displayName: 'Updated At', dataType: 'datetime', updateable: false },
];

export const COMPANY_DEFINITION: ObjectDefinition = {
  name: 'Company',
  description: 'Company object',
  // The documented example's metadata dates (Companies).
  createdAt: '2015-05-11T17:11:32Z',
  updatedAt: '2015-05-11T17:11:32Z',
  idField: 'id',
  dedupeFields: [COMPANY_KEY_FIELD],
  searchableFields: [[COMPANY_KEY_FIELD], ['id'], ['company']],
  fields: COMPANY_FIELDS,
  notFoundMessage: MSG_RECORD_NOT_FOUND, // Delete Companies' documented text (Companies)
  // dedupeBy=idField is "not valid with createOnly" (Companies).
  idFieldActions: ['createOrUpdate', 'updateOnly'],
  defaultFields: ['id', COMPANY_KEY_FIELD, 'updatedAt', 'createdAt'], // id, dedupe fields, updatedAt, createdAt (Companies)
};

/** The subscription's companies; ids are assigned 1, 2, 3, ... */
export class CompanyStore extends ObjectStore {
  constructor() {
    let nextId = 1;
    super(COMPANY_DEFINITION, () => nextId++);
  }

  /** The company a lead links to through its externalCompanyId, if that company exists. */
  linkedTo(externalCompanyId: FieldValue | undefined): Record<string, FieldValue> | undefined {
    if (externalCompanyId === null || externalCompanyId === undefined || externalCompanyId === '') return undefined;
    return this.byKey({ [COMPANY_KEY_FIELD]: externalCompanyId });
  }

  /** Names of the company fields a linked lead reads from its company (the updateable ones). */
  companyFieldNames(): string[] {
    return this.definition.fields.filter((f) => f.updateable).map((f) => f.name);
  }
}

// Marketo documentation cited above by page name:
// - Companies: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
