import * as fs from 'node:fs';

/** The lines of a JSONL file (expected records, what the demo keeps), each parsed; blank lines are skipped. */
export function readJsonLines<T = any>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}
