/**
 * The fields of Marketo's Company object, in the order Describe Company lists them ("Companies",
 * https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies):
 * what the sandbox describes and what the source's companies stream carries.
 */
export const COMPANY_FIELD_NAMES = [
  'externalCompanyId',
  'id',
  'company',
  'annualRevenue',
  'numberOfEmployees',
  'industry',
  'sicCode',
  'website',
  'mainPhone',
  'billingCity',
  'billingCountry',
  'createdAt',
  'updatedAt',
];
