import { failureTypeOf } from '../marketo/errors';
import { ParsedArgs, parseArgs, readJsonFile, runCommand } from '../protocol/cli';
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

export async function main(argv: string[]): Promise<never> {
  const writer = new MessageWriter();
  const files = Object.fromEntries(Object.entries(COMMANDS).map(([name, command]) => [name, command.files]));
  return runCommand(writer, () => {
    const args = parseArgs(argv, files);
    return COMMANDS[args.command].run(args, writer);
  }, failureTypeOf);
}

if (require.main === module) void main(process.argv.slice(2));
