import * as fs from 'fs';
import * as path from 'path';
import { makeTempFolder } from '../../sandbox/temp-folders';

/**
 * Writes `obj` as JSON into a new temp folder (removed when this process ends) and returns the file
 * path, ready for `--config`, `--catalog` or `--state`. Like Airbyte, the file holds exactly
 * `JSON.stringify(obj)`.
 */
export function writeJsonTemp(obj: unknown, name = 'data.json'): string {
  const file = path.join(makeTempFolder('test'), name);
  fs.writeFileSync(file, JSON.stringify(obj));
  return file;
}
