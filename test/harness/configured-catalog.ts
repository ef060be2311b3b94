import { ConfiguredCatalogLike, ConfiguredStreamLike } from './checks/read';
import { isObject } from './json-walk';

/**
 * Builds configured catalogs the way CAT does from a discovered catalog (conftest.py):
 * sync_mode = the first supported mode (or `syncMode` for the full-refresh / incremental suites,
 * keeping only streams that support it), destination_sync_mode = append, cursor_field =
 * default_cursor_field, primary_key = source_defined_primary_key. CAT serialises the catalog
 * with pydantic, so every optional field absent from the stream is written as an explicit
 * `null`; doing the same here makes the tests prove the connector accepts those nulls.
 */

const OPTIONAL_STREAM_FIELDS = ['namespace', 'source_defined_cursor', 'default_cursor_field', 'source_defined_primary_key', 'is_resumable'];

export interface ConfiguredCatalogOptions {
  syncMode?: 'full_refresh' | 'incremental';
  /** Keep only these stream names. */
  streams?: string[];
}

export function configuredCatalogFromDiscovered(catalog: unknown, opts: ConfiguredCatalogOptions = {}): ConfiguredCatalogLike {
  const source = isObject(catalog) && catalog.type === 'CATALOG' ? catalog.catalog : catalog;
  const streams = isObject(source) && Array.isArray(source.streams) ? source.streams.filter(isObject) : [];
  return {
    streams: streams
      .filter((s) => !opts.streams || opts.streams.includes(String(s.name)))
      .filter((s) => !opts.syncMode || (Array.isArray(s.supported_sync_modes) && s.supported_sync_modes.includes(opts.syncMode)))
      .map((s) => {
        const stream: Record<string, unknown> = { ...s };
        for (const field of OPTIONAL_STREAM_FIELDS) stream[field] = s[field] ?? null;
        return {
          stream: stream as ConfiguredStreamLike['stream'],
          sync_mode: opts.syncMode ?? (s.supported_sync_modes as unknown[])[0],
          cursor_field: s.default_cursor_field ?? null,
          destination_sync_mode: 'append',
          primary_key: (s.source_defined_primary_key ?? null) as string[][] | null,
          generation_id: null,
          minimum_generation_id: null,
          sync_id: null,
        };
      }),
  };
}

/** CAT B9's catalog: an unknown stream with invalid modes, which must produce a TRACE ERROR. */
export function invalidStreamCatalog(): ConfiguredCatalogLike {
  return {
    streams: [
      {
        stream: {
          name: '__AIRBYTE__stream_that_does_not_exist',
          json_schema: { type: 'object', properties: { f1: { type: 'string' } } },
          supported_sync_modes: ['full_refresh'],
        },
        sync_mode: 'INVALID',
        destination_sync_mode: 'INVALID',
      },
    ],
  };
}
