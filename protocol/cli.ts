import * as fs from 'node:fs';
import { MessageWriter } from './output';
import { FailureType } from './types';

/** An error whose message is written for a person and whose failure type Airbyte should see. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType,
    readonly internal?: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export interface ParsedArgs {
  command: string;
  config?: string;
  catalog?: string;
  state?: string;
}

const HELP_FLAGS = new Set(['--help', '-h', 'help']);

/**
 * `--help`, `-h`, `help` or no argument at all: a person at a terminal, not the platform (which
 * always names a command). They get the usage text, the one output that is not AirbyteMessages.
 */
export function wantsHelp(argv: string[]): boolean {
  return argv.length === 0 || HELP_FLAGS.has(argv[0]);
}

/** Prints `usage` and exits: 0 when help was asked for, 1 when no command was given. */
export function printHelp(argv: string[], usage: string): Promise<never> {
  return new Promise(() => process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`, () => process.exit(argv.length === 0 ? 1 : 0)));
}

/** Parses `<command> [--config F] [--catalog F] [--state F]` as the Airbyte platform passes it. */
export function parseArgs(argv: string[], commands: Record<string, string[]>): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || !(command in commands)) {
    throw new ConnectorError(
      `Unknown command '${command ?? ''}'. Expected one of: ${Object.keys(commands).join(', ')} (--help lists them with their options).`,
      'system_error',
    );
  }
  const parsed: ParsedArgs = { command };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const key = flag.replace(/^--/, '') as 'config' | 'catalog' | 'state';
    if (!flag.startsWith('--') || !['config', 'catalog', 'state'].includes(key) || rest[i + 1] === undefined) {
      throw new ConnectorError(`Unexpected argument '${flag}' for command '${command}'.`, 'system_error');
    }
    parsed[key] = rest[++i];
  }
  for (const required of commands[command]) {
    if (!parsed[required as 'config']) throw new ConnectorError(`Command '${command}' needs --${required} <file>.`, 'system_error');
  }
  return parsed;
}

/** Reads a JSON file given on the command line, with an error that names the file and the problem. */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConnectorError(`Cannot read the ${what} file '${file}': ${(err as Error).message}`, 'config_error');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConnectorError(`The ${what} file '${file}' is not valid JSON: ${(err as Error).message}`, 'config_error');
  }
}

/**
 * Runs a connector command: stdout carries only AirbyteMessages, an unexpected failure becomes one
 * TRACE error with its failure type (never a bare stack trace), and the exit code says whether the
 * command failed.
 */
export async function runCommand(
  writer: MessageWriter,
  body: () => Promise<number | void>,
  classify: (err: unknown) => FailureType | undefined = () => undefined,
): Promise<never> {
  let exitCode: number;
  // A failure outside the awaited chain still ends as one TRACE error, never as a bare stack trace.
  const crash = (err: unknown) => {
    writer.error(`Unexpected error: ${(err as Error)?.message ?? String(err)}`, 'system_error', { internal: (err as Error)?.stack });
    void writer.end().finally(() => process.exit(1));
  };
  process.once('uncaughtException', crash);
  process.once('unhandledRejection', crash);
  try {
    exitCode = (await body()) ?? 0;
  } catch (err) {
    exitCode = 1;
    const e = err as Error;
    if (err instanceof ConnectorError) {
      writer.error(e.message, err.failureType, { internal: err.internal });
    } else if (classify(err)) {
      writer.error(e.message, classify(err)!, { internal: e.stack });
    } else {
      writer.error(`Unexpected error: ${e?.message ?? String(err)}`, 'system_error', { internal: e?.stack });
    }
  }
  await writer.end();
  process.exit(exitCode);
}
