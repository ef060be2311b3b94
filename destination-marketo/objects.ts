import { SEARCHABLE_CUSTOM_FIELD_TYPES, STANDARD_SEARCHABLE_LEAD_FIELDS } from '../marketo/constants';
import { LeadField } from '../marketo/endpoints';
import { companyFieldsOnLeads } from '../marketo/company-fields';
import { COMPANY_LINK_FIELD } from '../marketo/constants';
import { MarketoAccessDeniedError, MarketoRequestError } from '../marketo/errors';
import { COMPANY_UPDATE_NOT_ALLOWED, customObjectName, MarketoWriteEndpoints, ObjectDescription } from '../marketo/write-endpoints';
import { ConnectorError } from '../protocol/cli';
import { ConfiguredAirbyteCatalog, DestinationSyncMode } from '../protocol/types';
import { DestinationConfig } from './config';
import { checkLeadPartition } from './partitions';
import type { Log } from '../protocol/output';

// Routing (which Marketo object each stream writes to) and what Describe says about each target.

export const LEADS_STREAM = 'leads';
export const COMPANIES_STREAM = 'companies';
/** The company key every company write carries, and the field that links a lead to its company (Leads; Companies). */
export const COMPANY_KEY_FIELD = COMPANY_LINK_FIELD;
/** Marketo's own lead id: only Sync Leads with updateOnly and lookupField id may carry it (Leads). */
export const LEAD_ID_FIELD = 'id';

/** Upserting by key never drops what the sync does not mention, so the overwrite modes cannot be honoured. */
const SUPPORTED_SYNC_MODES: DestinationSyncMode[] = ['append', 'append_dedup'];

export type ObjectKind = 'lead' | 'company' | 'customObject';

export interface FieldSpec {
  name: string;
  dataType: string;
  updateable: boolean;
  /** Why a field Marketo calls writable is still not written, when it is not simply read-only. */
  notWritten?: string;
}

export interface WriteTarget {
  kind: ObjectKind;
  /** 'leads', 'companies', or the custom object's API name (also its path segment). */
  name: string;
  /** The fields that match a row to a record: lead_lookup_field, or the object's dedupe fields. */
  keyFields: string[];
  /** Every field Describe reports, writable or not, so that a dropped column gets the right reason. */
  fields: Map<string, FieldSpec>;
  /** Leads only: the company's fields, which Marketo refuses on a lead linked to a company (1021). */
  companyFields: Set<string>;
}

export interface ConfiguredStream {
  name: string;
  namespace?: string;
}

/** The LOG writer both connectors share. */
export type { Log };

/** The streams of the configured catalog; sync modes this destination cannot honour are the user's to fix. */
export function configuredStreams(catalog: unknown): ConfiguredStream[] {
  const streams = (catalog as ConfiguredAirbyteCatalog)?.streams;
  if (!Array.isArray(streams)) throw new ConnectorError('The configured catalog has no "streams" list.', 'config_error');
  return streams.map((configured) => {
    const name = configured?.stream?.name;
    if (typeof name !== 'string' || name === '') throw new ConnectorError('The configured catalog has a stream without a name.', 'config_error');
    const mode = configured.destination_sync_mode;
    if (mode && !SUPPORTED_SYNC_MODES.includes(mode)) {
      throw new ConnectorError(
        `Stream '${name}' asks for destination sync mode '${mode}', which Marketo cannot honour: records are upserted by key and never dropped wholesale. Use ${SUPPORTED_SYNC_MODES.join(' or ')}.`,
        'config_error',
      );
    }
    return configured.stream.namespace ? { name, namespace: configured.stream.namespace } : { name };
  });
}

/** Why `lookupField` cannot match leads, or undefined when it can. */
export function leadLookupProblem(fields: LeadField[], lookupField: string): string | undefined {
  const field = fields.find((f) => f.rest?.name === lookupField);
  if (!field)
    return `'lead_lookup_field' is '${lookupField}', which is not a lead field Marketo's REST API knows (Describe Lead). Use email or the REST name of a custom field.`;
  if (!STANDARD_SEARCHABLE_LEAD_FIELDS.includes(lookupField) && !SEARCHABLE_CUSTOM_FIELD_TYPES.includes(field.dataType)) {
    return `'lead_lookup_field' is '${lookupField}', a ${field.dataType} field; Marketo only matches leads on email, the standard ids, or a custom string, email or integer field.`;
  }
  return undefined;
}

/** Describes only what the catalog needs, each Marketo metadata call at most once. */
class TargetDescriber {
  private leadFields?: Promise<LeadField[]>;
  private companyDescription?: Promise<ObjectDescription | undefined>;
  private customObjects?: Promise<{ list: ObjectDescription[]; problem?: string }>;

  constructor(
    private readonly endpoints: MarketoWriteEndpoints,
    private readonly config: DestinationConfig,
    private readonly log: Log,
  ) {}

  /** The object a stream writes to, by its name; undefined when none matches. */
  target(streamName: string): Promise<WriteTarget | undefined> {
    if (streamName === LEADS_STREAM) return this.lead();
    if (streamName === COMPANIES_STREAM) return this.company();
    return this.customObject(streamName);
  }

  private async lead(): Promise<WriteTarget> {
    const lookupField = this.config.leadLookupField;
    const described = await (this.leadFields ??= this.endpoints.describeLead());
    const problem = leadLookupProblem(described, lookupField);
    if (problem) throw new ConnectorError(problem, 'config_error');
    const partition = await checkLeadPartition(this.endpoints, this.config, false);
    if (partition.problem) throw new ConnectorError(partition.problem, 'config_error');
    if (partition.warning) this.log('WARN', partition.warning);
    const fields = new Map<string, FieldSpec>();
    for (const f of described) {
      if (!f.rest?.name) continue; // not usable through REST
      const spec: FieldSpec = { name: f.rest.name, dataType: f.dataType, updateable: !f.rest.readOnly };
      // Describe reports `id` writable, but Sync Leads takes it only as the updateOnly lookup field.
      if (f.rest.name === LEAD_ID_FIELD && lookupField !== LEAD_ID_FIELD) {
        Object.assign(spec, {
          updateable: false,
          notWritten: `is Marketo's own lead id, which Sync Leads only takes when lead_lookup_field is id; it is not written.`,
        });
      }
      fields.set(f.rest.name, spec);
    }
    return { kind: 'lead', name: LEADS_STREAM, keyFields: [lookupField], fields, companyFields: await this.companyFieldsOnLeads() };
  }

  private async company(): Promise<WriteTarget> {
    const description = await this.describeCompany();
    if (!description) throw new ConnectorError('Marketo answered Describe Company with no description, so companies cannot be written.', 'system_error');
    return objectTarget('company', COMPANIES_STREAM, description, [COMPANY_KEY_FIELD]);
  }

  private async customObject(streamName: string): Promise<WriteTarget | undefined> {
    const { list } = await this.listCustomObjects();
    const listed = list.find((o) => customObjectName(o) === streamName);
    if (!listed) return undefined;
    const description = (await this.endpoints.describeCustomObject(streamName)) ?? listed;
    return objectTarget('customObject', streamName, description, listed.dedupeFields ?? []);
  }

  async customObjectNames(): Promise<{ names: string[]; problem?: string }> {
    const { list, problem } = await this.listCustomObjects();
    return { names: list.map(customObjectName).filter((n) => n !== ''), problem };
  }

  private describeCompany(): Promise<ObjectDescription | undefined> {
    return (this.companyDescription ??= this.endpoints.describeCompany());
  }

  /**
   * A lead linked to a company takes its company fields from the company record; Sync Leads
   * refuses them (1021). Without Describe Company (CRM-managed companies, or no permission) the
   * rows are sent as they are and Marketo's answer says which are refused.
   */
  private async companyFieldsOnLeads(): Promise<Set<string>> {
    try {
      const description = await this.describeCompany();
      return companyFieldsOnLeads(description);
    } catch (err) {
      if (!(err instanceof MarketoRequestError || err instanceof MarketoAccessDeniedError)) throw err;
      this.log(
        'WARN',
        `Describe Company failed (${err.message}); company fields on leads linked to a company are sent as they are, and Marketo may skip those leads (${COMPANY_UPDATE_NOT_ALLOWED}).`,
      );
      return new Set();
    }
  }

  /** Subscriptions without custom objects answer with an error (1026, 616 or 603): that means "none". */
  private listCustomObjects(): Promise<{ list: ObjectDescription[]; problem?: string }> {
    return (this.customObjects ??= this.endpoints.listCustomObjects().then(
      (list) => ({ list }),
      (err: unknown) => {
        if (err instanceof MarketoRequestError || err instanceof MarketoAccessDeniedError) return { list: [], problem: err.message };
        throw err;
      },
    ));
  }
}

function objectTarget(kind: ObjectKind, name: string, description: ObjectDescription, fallbackKey: string[]): WriteTarget {
  const fields = new Map<string, FieldSpec>();
  for (const f of description.fields ?? []) fields.set(f.name, { name: f.name, dataType: f.dataType, updateable: f.updateable === true });
  const keyFields = description.dedupeFields?.length ? description.dedupeFields : fallbackKey;
  if (keyFields.length === 0) throw new ConnectorError(`Marketo reports no dedupe fields for '${name}', so its rows cannot be matched.`, 'system_error');
  return { kind, name, keyFields, fields, companyFields: new Set() };
}

/**
 * Maps every configured stream to its Marketo object: `leads`, `companies`, or a custom object
 * of the same API name. A stream that maps to nothing fails the run before any row is read.
 */
export async function resolveTargets(
  streams: ConfiguredStream[],
  endpoints: MarketoWriteEndpoints,
  config: DestinationConfig,
  log: Log,
): Promise<Map<string, WriteTarget>> {
  const describer = new TargetDescriber(endpoints, config, log);
  const targets = new Map<string, WriteTarget>();
  const unknown: string[] = [];
  for (const name of new Set(streams.map((s) => s.name))) {
    const target = await describer.target(name);
    if (target) targets.set(name, target);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    const { names, problem } = await describer.customObjectNames();
    const existing = names.length > 0 ? names.map((n) => `'${n}'`).join(', ') : `none${problem ? ` (List Custom Objects: ${problem})` : ''}`;
    throw new ConnectorError(
      `${unknown.length === 1 ? 'Stream' : 'Streams'} ${unknown.map((n) => `'${n}'`).join(', ')} ${unknown.length === 1 ? 'matches' : 'match'} no Marketo object. ` +
        `This destination writes '${LEADS_STREAM}', '${COMPANIES_STREAM}' and streams named like a custom object's API name; this subscription's custom objects: ${existing}.`,
      'config_error',
    );
  }
  return targets;
}

// Marketo documentation cited above by page name:
// - Leads: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
// - Companies: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/companies
