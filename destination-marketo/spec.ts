import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectorSpecification } from '../protocol/types';

// The spec file is the single source of the destination's settings and their defaults: config.ts
// reads the defaults from here, so the form the user sees and the behaviour cannot drift apart.

const SPEC_FILE = path.join(__dirname, '..', '..', 'specs', 'destination-marketo.json');

let cached: ConnectorSpecification | undefined;

export function loadDestinationSpec(): ConnectorSpecification {
  return (cached ??= JSON.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as ConnectorSpecification);
}

/** The `default` the spec declares for a config key. */
export function specDefault<T>(key: string): T {
  const properties = loadDestinationSpec().connectionSpecification.properties as Record<string, { default?: unknown }>;
  const value = properties[key]?.default;
  if (value === undefined) throw new Error(`specs/destination-marketo.json declares no default for '${key}'`);
  return value as T;
}
