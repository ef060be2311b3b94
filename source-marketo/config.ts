import { assertMatchesSpec, MarketoConnection, parseConnection } from '../marketo/config';
import { MarketoConfigError } from '../marketo/errors';
import { BULK_DEFAULT_DAILY_EXPORT_MB } from '../marketo/constants';
import { toMarketoSecond } from './dates';
import { loadSourceSpec } from './spec';
import { ExtractionMethod } from './extraction-planner';

export interface SourceConfig {
  connection: MarketoConnection;
  startDate: string; // canonical ISO second, UTC
  activityTypeIds?: number[];
  leadChangeFields?: string[];
  ignoreChangesByApiUsers: string[];
  emitLeadTombstones: boolean;
  /** How far before its cursor each activity walk starts again, for activities Marketo commits late. */
  lookbackSeconds: number;
  /** How often the platform runs the sync: only to project the daily API cost in the closing LOG. */
  expectedSyncsPerDay?: number;
  /** How history is read: bulk exports, REST pages, or planned between them. */
  extractionMethod: ExtractionMethod;
  /** The bulk export megabytes the connector may produce per US Central day. */
  bulkExportMbPerDay: number;
}

function stringArray(value: unknown, key: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new MarketoConfigError(`'${key}' must be a list of non-empty strings.`);
  }
  return value.map((v: string) => v.trim());
}

/**
 * Validates the source config: first against the spec's JSON Schema, then what a schema cannot say.
 * Every problem is a config error with a message a person can act on.
 */
export function parseSourceConfig(raw: unknown): SourceConfig {
  assertMatchesSpec(raw, loadSourceSpec().connectionSpecification);
  const config = raw as Record<string, unknown>;
  const connection = parseConnection(config);
  if (typeof config.start_date !== 'string' || config.start_date.trim() === '') {
    throw new MarketoConfigError("'start_date' is required: the earliest date to extract, e.g. 2024-01-01T00:00:00Z.");
  }
  const startDate = toMarketoSecond(config.start_date.trim());
  if (!startDate) {
    throw new MarketoConfigError(`'start_date' is not an ISO 8601 date-time: '${config.start_date}'. Use e.g. 2024-01-01T00:00:00Z.`);
  }
  let activityTypeIds: number[] | undefined;
  if (config.activity_type_ids !== undefined && config.activity_type_ids !== null) {
    const ids = config.activity_type_ids;
    if (!Array.isArray(ids) || ids.some((id) => !Number.isInteger(id) || (id as number) < 1)) {
      throw new MarketoConfigError("'activity_type_ids' must be a list of positive whole numbers (see the activity_types stream for the ids).");
    }
    activityTypeIds = ids.length > 0 ? [...new Set(ids as number[])].sort((a, b) => a - b) : undefined;
  }
  const leadChangeFields = stringArray(config.lead_change_fields, 'lead_change_fields');
  return {
    connection,
    startDate,
    activityTypeIds,
    leadChangeFields: leadChangeFields && leadChangeFields.length > 0 ? leadChangeFields : undefined,
    ignoreChangesByApiUsers: (stringArray(config.ignore_changes_by_api_users, 'ignore_changes_by_api_users') ?? []).map((u) => u.toLowerCase()),
    emitLeadTombstones: config.emit_lead_tombstones !== false,
    lookbackSeconds: lookbackMinutes(config.activity_lookback_minutes) * 60,
    expectedSyncsPerDay: syncsPerDay(config.expected_syncs_per_day),
    extractionMethod: extractionMethod(config.extraction_method),
    bulkExportMbPerDay: exportMb(config.bulk_export_mb_per_day),
  };
}

/** Marketo keeps late-committed activities within minutes; a day is the most worth re-reading. */
const MAX_LOOKBACK_MINUTES = 1440;

function lookbackMinutes(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LOOKBACK_MINUTES) {
    throw new MarketoConfigError(`'activity_lookback_minutes' must be a whole number from 0 to ${MAX_LOOKBACK_MINUTES} (got ${JSON.stringify(value)}).`);
  }
  return value;
}

/** Every minute is the most often a platform schedules a sync. */
const MAX_SYNCS_PER_DAY = 1440;

function syncsPerDay(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_SYNCS_PER_DAY) {
    throw new MarketoConfigError(
      `'expected_syncs_per_day' must be a number above 0 and at most ${MAX_SYNCS_PER_DAY} (got ${JSON.stringify(value)}); 288 is every five minutes, 24 hourly.`,
    );
  }
  return value;
}

const EXTRACTION_METHODS: readonly ExtractionMethod[] = ['auto', 'rest', 'bulk'];

function extractionMethod(value: unknown): ExtractionMethod {
  if (value === undefined || value === null) return 'auto';
  if (typeof value !== 'string' || !EXTRACTION_METHODS.includes(value as ExtractionMethod)) {
    throw new MarketoConfigError(`'extraction_method' must be one of ${EXTRACTION_METHODS.join(', ')} (got ${JSON.stringify(value)}).`);
  }
  return value as ExtractionMethod;
}

function exportMb(value: unknown): number {
  if (value === undefined || value === null) return BULK_DEFAULT_DAILY_EXPORT_MB;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new MarketoConfigError(`'bulk_export_mb_per_day' must be a whole number of megabytes, at least 1 (got ${JSON.stringify(value)}).`);
  }
  return value;
}
