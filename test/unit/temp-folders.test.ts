import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive, makeTempFolder, removeTempFolder, sweepOrphanTempFolders, TEMP_PREFIX } from '../../sandbox/temp-folders';

/** The id of a process that has ended (spawned and waited for). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

describe('temp folders: named after their maker, swept when the maker is gone', () => {
  let outer: string;
  let tmp: string;
  let savedTmpdir: string | undefined;
  beforeEach(() => {
    outer = makeTempFolder('unit');
    tmp = path.join(outer, 'tmp');
    fs.mkdirSync(tmp);
    savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // what os.tmpdir() reads
  });
  afterEach(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    removeTempFolder(outer);
  });

  it('makeTempFolder names the folder marketo-airbyte-<pid>-<label>-XXXXXX in the system temp folder', () => {
    const dir = makeTempFolder('bench');
    expect(path.dirname(dir)).to.equal(os.tmpdir());
    expect(path.basename(dir)).to.match(new RegExp(`^${TEMP_PREFIX}${process.pid}-bench-[A-Za-z0-9]{6}$`));
    removeTempFolder(dir);
    expect(fs.existsSync(dir)).to.equal(false);
  });

  it('the sweep removes the folders of dead pids and of an earlier holder of our pid; keeps live ones, ours and folders it cannot attribute', () => {
    const dead = deadPid();
    expect(isAlive(dead)).to.equal(false);
    expect(isAlive(process.ppid)).to.equal(true);
    const mkdir = (name: string): string => {
      fs.mkdirSync(path.join(tmp, name, 'inner'), { recursive: true });
      fs.writeFileSync(path.join(tmp, name, 'inner', 'config.json'), '{"client_secret":"s"}');
      return path.join(tmp, name);
    };
    const orphans = [mkdir(`${TEMP_PREFIX}${dead}-test-aaaaaa`), mkdir(`${TEMP_PREFIX}${process.pid}-sandbox-bulk-bbbbbb`)];
    const kept = [
      mkdir(`${TEMP_PREFIX}${process.ppid}-test-cccccc`), // a live process's
      mkdir(`${TEMP_PREFIX}dddddd`), // the old naming, without a pid: its maker cannot be told
      mkdir(`${TEMP_PREFIX}0-test-eeeeee`), // pid 0 is no process of ours (kill(0) would address our group)
      mkdir(`other-${dead}-ffffff`), // not ours
    ];
    const mine = makeTempFolder('test');
    expect(sweepOrphanTempFolders().sort()).to.deep.equal(orphans.sort());
    expect(fs.readdirSync(tmp).sort()).to.deep.equal([...kept, mine].map((d) => path.basename(d)).sort());
    removeTempFolder(mine);
  });
});
