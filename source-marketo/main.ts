import { parseArgs, readJsonFile, runCommand } from '../protocol/cli';
import { MessageWriter } from '../protocol/output';
import { check } from './check';
import { discover } from './discover';
import { read } from './read';
import { loadSourceSpec } from './spec';
import { failureTypeOf } from '../marketo/errors';

const COMMANDS = { spec: [], check: ['config'], discover: ['config'], read: ['config', 'catalog'] };

export async function main(argv: string[]): Promise<never> {
  const writer = new MessageWriter();
  return runCommand(writer, async () => {
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
  }, failureTypeOf);
}

if (require.main === module) void main(process.argv.slice(2));
