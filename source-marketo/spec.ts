import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectorSpecification } from '../protocol/types';

// The spec file is the single source of the source's settings: `spec` prints it and config.ts
// validates every config against its JSON Schema, so the form and the behaviour cannot drift apart.

const SPEC_FILE = path.join(__dirname, '..', '..', 'specs', 'source-marketo.json');

let cached: ConnectorSpecification | undefined;

export function loadSourceSpec(): ConnectorSpecification {
  return (cached ??= JSON.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as ConnectorSpecification);
}
