import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Every temp folder of the project (the sandbox's export files, the bench's and the tests'
// config files, which hold the sandbox secret) is made here, so that none is left in the system's
// temp folder. A folder is removed when its maker exits, or is stopped by SIGINT, SIGTERM or
// SIGHUP; a maker killed outright (SIGKILL, a crash of the machine) cannot clean up, so its pid is
// in the folder's name and the next test run, demo or bench removes the folders of dead pids.
// Folders of live processes are never touched: several runs may be going at once on one machine.

/** Prefix of every temp folder the project makes, so that one can tell ours in the system's temp folder. */
export const TEMP_PREFIX = 'marketo-airbyte-';

/** `marketo-airbyte-<pid>-<label>-<random>`: the pid of the process that made it. */
const OWNED_NAME = new RegExp(`^${TEMP_PREFIX}([1-9]\\d{0,9})-`);

/** Signals a user or a supervisor stops a run with; SIGKILL cannot be caught (the sweep covers it). */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Folders this process made and has not removed yet. */
const made = new Set<string>();

function removeAll(): void {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/**
 * Removes our folders on a stop signal, then lets the signal do what it would have done: when
 * nobody else listens (Node's default is to die of it), the signal is raised again without us,
 * so the exit status still says how the process ended; when someone else listens (the sandbox's
 * CLI closes its server and exits), that listener decides.
 */
function onStopSignal(signal: NodeJS.Signals): void {
  removeAll();
  if (process.listenerCount(signal) > 1) return;
  for (const s of STOP_SIGNALS) process.removeListener(s, onStopSignal);
  process.kill(process.pid, signal);
}

let registered = false;

function registerCleanup(): void {
  if (registered) return;
  registered = true;
  process.on('exit', removeAll);
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
}

/** Makes `marketo-airbyte-<pid>-<label>-XXXXXX` in the system's temp folder, removed when this process ends. */
export function makeTempFolder(label: string): string {
  registerCleanup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-${label}-`));
  made.add(dir);
  return dir;
}

/** Removes a folder made by `makeTempFolder` now (a sandbox closing, a test done with it). */
export function removeTempFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

/** Whether a process of that id exists (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp folders of ours whose maker is gone (killed before it could clean up), and
 * returns them. A folder named with our own pid that this process did not make was left by an
 * earlier process that had the same id. Folders without a pid in their name are left alone: their
 * maker cannot be told.
 */
export function sweepOrphanTempFolders(): string[] {
  const tmp = os.tmpdir();
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = OWNED_NAME.exec(name)?.[1];
    if (pid === undefined) continue;
    const dir = path.join(tmp, name);
    const orphan = Number(pid) === process.pid ? !made.has(dir) : !isAlive(Number(pid));
    if (!orphan) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's folder, or one being removed meanwhile: not ours to insist on.
    }
  }
  return removed;
}
