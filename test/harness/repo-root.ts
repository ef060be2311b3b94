import * as fs from 'fs';
import * as path from 'path';

/**
 * The folder holding package.json, found by walking up from `start`.
 *
 * Walking up (instead of a fixed `../..`) keeps this right both from the TypeScript sources
 * (test/harness) and from the compiled copy (dist/test/harness), which sit at different depths.
 */
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json found in ${start} or any folder above it`);
    dir = parent;
  }
}
