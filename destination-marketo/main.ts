import { failureTypeOf } from '../marketo/errors';
import { ParsedArgs, parseArgs, printHelp, readJsonFile, runCommand, wantsHelp } from '../protocol/cli';
import { MessageWriter } from '../protocol/output';
import { check } from './check';
import { readLines } from './input';
import { loadDestinationSpec } from './spec';
import { write } from './write';

type Command = (args: ParsedArgs, writer: MessageWriter) => Promise<number | void>;

/** The destination's commands (docs/interface.md) and the files each needs. */
const COMMANDS: Record<string, { files: string[]; run: Command }> = {
  spec: { files: [], run: (_args, writer) => Promise.resolve(writer.write({ type: 'SPEC', spec: loadDestinationSpec() })) },
  check: { files: ['config'], run: (args, writer) => check(readJsonFile(args.config!, 'config'), writer) },
  write: {
    files: ['config', 'catalog'],
    run: (args, writer) => write(readJsonFile(args.config!, 'config'), readJsonFile(args.catalog!, 'catalog'), readLines(process.stdin), writer),
  },
};

const USAGE = `Usage: destination-marketo <command> [options]

Airbyte destination for Adobe Marketo Engage: writes warehouse rows into Marketo leads, companies
and custom objects. Each command prints Airbyte protocol messages, one JSON per line.

Commands:
  spec                                                print the settings this destination takes (JSON Schema)
  check    --config <config.json>                     check the settings and the connection to Marketo
  write    --config <config.json> --catalog <configured_catalog.json>
                                                      write the RECORD messages read on standard input, and
                                                      print each STATE once everything before it is written

Example (integration_tests/ holds sample files):
  destination-marketo write --config secrets/config.json \\
    --catalog integration_tests/destination-marketo/configured_catalog.json < integration_tests/destination-marketo/sample_input.jsonl

Settings: docs/destination-marketo.md.
`;

export async function main(argv: string[]): Promise<never> {
  if (wantsHelp(argv)) return printHelp(argv, USAGE);
  const writer = new MessageWriter();
  const files = Object.fromEntries(Object.entries(COMMANDS).map(([name, command]) => [name, command.files]));
  return runCommand(
    writer,
    () => {
      const args = parseArgs(argv, files);
      return COMMANDS[args.command].run(args, writer);
    },
    failureTypeOf,
  );
}

if (require.main === module) void main(process.argv.slice(2));
