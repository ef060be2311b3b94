import * as fs from 'fs';
import * as path from 'path';
import { compile, Options } from 'json-schema-to-typescript';
import { findRepoRoot } from '../test/harness/repo-root';

/**
 * `npm run generate`: writes protocol/airbyte-protocol.generated.ts, the TypeScript types of our
 * own Airbyte protocol schema (protocol/airbyte-protocol.schema.json), with json-schema-to-typescript.
 *
 * The generated file is committed, so `tsc` alone builds the connectors (and an image needs no
 * generator), and test/unit/protocol-schema.test.ts fails when it is not what this script writes
 * from the schema today.
 */

export const SCHEMA_FILE = 'protocol/airbyte-protocol.schema.json';
export const GENERATED_FILE = 'protocol/airbyte-protocol.generated.ts';

const BANNER = `// Generated from ${SCHEMA_FILE} by \`npm run generate\` (json-schema-to-typescript). Do not edit:
// change the schema and run the script again. protocol/types.ts is what the connectors import.`;

/** The generated file's text for the schema as it is now. */
export async function protocolTypesSource(root: string = findRepoRoot()): Promise<string> {
  const schema: unknown = JSON.parse(fs.readFileSync(path.join(root, SCHEMA_FILE), 'utf8'));
  const options: Partial<Options> = {
    bannerComment: BANNER,
    // Every definition becomes a named type, also those only protocol/types.ts refers to.
    unreachableDefinitions: true,
    // `minItems: 1` would turn supported_sync_modes into a tuple type; the schema still checks it.
    ignoreMinAndMaxItems: true,
    cwd: path.join(root, 'protocol'),
    style: prettierOptions(root),
  };
  return compile(schema as Parameters<typeof compile>[0], 'AirbyteProtocol', options);
}

/** The project's Prettier settings, so the generated file is already formatted as `npm run format` would. */
function prettierOptions(root: string): Options['style'] {
  const file = path.join(root, '.prettierrc.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Options['style']) : { singleQuote: true, printWidth: 160 };
}

async function main(): Promise<void> {
  const root = findRepoRoot();
  const target = path.join(root, GENERATED_FILE);
  const source = await protocolTypesSource(root);
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  if (before === source) {
    console.log(`${GENERATED_FILE} is up to date`);
    return;
  }
  fs.writeFileSync(target, source);
  console.log(`wrote ${GENERATED_FILE}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
