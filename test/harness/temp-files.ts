import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Temp folders made by this process; removed when it exits so test runs leave no litter. */
const madeDirs: string[] = [];
let cleanupRegistered = false;

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.on('exit', () => {
    for (const dir of madeDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Writes `obj` as JSON into a new temp folder and returns the file path, ready for
 * `--config`, `--catalog` or `--state`. Like Airbyte, the file holds exactly `JSON.stringify(obj)`.
 */
export function writeJsonTemp(obj: unknown, name = 'data.json'): string {
  registerCleanup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketo-airbyte-test-'));
  madeDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(obj));
  return file;
}
