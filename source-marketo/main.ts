import { parseArgs, printHelp, readJsonFile, runCommand, wantsHelp } from '../protocol/cli';
import { MessageWriter } from '../protocol/output';
import { check } from './check';
import { discover } from './discover';
import { read } from './read';
import { loadSourceSpec } from './spec';
import { failureTypeOf } from '../marketo/errors';

const COMMANDS = { spec: [], check: ['config'], discover: ['config'], read: ['config', 'catalog'] };

const USAGE = `Usage: source-marketo <command> [options]

Airbyte source for Adobe Marketo Engage. Each command prints Airbyte protocol messages, one JSON per line.

Commands:
  spec                                                print the settings this source takes (JSON Schema)
  check    --config <config.json>                     check the settings and the connection to Marketo
  discover --config <config.json>                     list the streams and their columns
  read     --config <config.json> --catalog <configured_catalog.json> [--state <state.json>]
                                                      read the streams of the catalog; with --state, only what
                                                      is new since the state a previous read ended with

Examples (integration_tests/ holds sample files):
  source-marketo check --config secrets/config.json
  source-marketo read --config secrets/config.json --catalog integration_tests/source-marketo/configured_catalog.json > messages.jsonl

Settings and streams: docs/source-marketo.md.
`;

export async function main(argv: string[]): Promise<never> {
  if (wantsHelp(argv)) return printHelp(argv, USAGE);
  const writer = new MessageWriter();
  return runCommand(
    writer,
    async () => {
      const args = parseArgs(argv, COMMANDS);
      switch (args.command) {
        case 'spec':
          writer.write({ type: 'SPEC', spec: loadSourceSpec() });
          return 0;
        case 'check':
          await check(readJsonFile(args.config!, 'config'), writer);
          return 0;
        case 'discover':
          await discover(readJsonFile(args.config!, 'config'), writer);
          return 0;
        default:
          return read(
            readJsonFile(args.config!, 'config'),
            readJsonFile(args.catalog!, 'catalog'),
            args.state ? readJsonFile(args.state, 'state') : undefined,
            writer,
          );
      }
    },
    failureTypeOf,
  );
}

if (require.main === module) void main(process.argv.slice(2));
