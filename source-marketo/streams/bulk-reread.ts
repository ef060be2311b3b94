// What the read of a bulk file has covered, kept in the state, so that when a file is lost half
// read (its job expired, failed, or Marketo no longer has the file) and its window is exported
// again, the new file emits what the lost one had not, and nothing it had.
//
// A new export of the same window and filter is a new snapshot: Marketo documents neither the
// order of a file's rows nor that two exports of a window hold the same rows (activities can be
// added late with an earlier date; leads' last-change times move). So nothing is assumed:
//  1. a new file with the checksum of the lost one is the same file: it resumes at the lost read's
//     byte offset (a ranged download);
//  2. a new file whose first rows carry the same keys, in the same order, as the rows the lost read
//     covered (a chained hash of their keys) starts with exactly those rows: they are skipped;
//  3. otherwise, when the lost read found its rows in position order (activity date, lead id), the
//     rows at or before its last position are the ones it covered, except rows whose sequence
//     (numeric activity ids grow as Marketo stores activities) is beyond the highest it saw: those
//     were added since, and are read;
//  4. otherwise the lost rows cannot be told apart: the new file is read whole and a WARN says how
//     many records may come twice (deduplicating on the primary key removes them).
// https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract

/** What identifies a row of a file and places it in the file's order. */
export interface RowIdentity {
  /** The record's primary key (marketoGUID, lead id). */
  key: string;
  /** Where the row sorts when the file is in order (activity date in ms, lead id). */
  position: number;
  /** A number that grows as Marketo stores records (numeric activity ids), when there is one. */
  seq?: number;
}

/** How far a file was read, as the state keeps it. */
export interface FileProgress {
  /** Data rows read (every one handled: emitted, or left out by the stream). */
  rows: number;
  /** Chained hash of the keys of those rows, in file order (hex). */
  keysHash: string;
  /** Whether their positions never went down. */
  ordered: boolean;
  /** The highest position read, and the keys of the rows read at it. */
  at?: number;
  atKeys: string[];
  /** The highest sequence number read. */
  maxSeq?: number;
}

/** A read of a file that was lost, kept until the window's current file covers what it did. */
export interface LostRead extends FileProgress {
  /** The lost file's checksum, byte offset after the rows read, and header. */
  checksum?: string;
  offset?: number;
  columns?: string[];
  /**
   * How rows of later files are matched against it: undefined while the next file's first rows
   * may still be the same (then it is dropped, the new file's own progress covering it),
   * `position` or `none` (nothing matches: possible duplicates) once they were not.
   */
  mode?: 'position' | 'none';
}

const FNV_OFFSET_A = 0x811c9dc5;
const FNV_OFFSET_B = 0x01000193 ^ 0x5bd1e995;
const FNV_PRIME = 0x01000193;

export function newProgress(): FileProgress {
  return { rows: 0, keysHash: hashHex(FNV_OFFSET_A, FNV_OFFSET_B), ordered: true, atKeys: [] };
}

function hashHex(a: number, b: number): string {
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * Adds a row to a file's progress. The key hash is two FNV-1a lanes (64 bits) chained over the
 * keys, so that it can be carried in the state and continued by a resumed read.
 */
export function advance(progress: FileProgress, row: RowIdentity | undefined): void {
  let a = parseInt(progress.keysHash.slice(0, 8), 16);
  let b = parseInt(progress.keysHash.slice(8, 16), 16);
  const text = `${row?.key ?? ''}\n`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, FNV_PRIME);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  progress.keysHash = hashHex(a, b);
  progress.rows++;
  if (!row) return;
  if (progress.at === undefined || row.position > progress.at) {
    progress.at = row.position;
    progress.atKeys = [row.key];
  } else if (row.position === progress.at) {
    progress.atKeys.push(row.key);
  } else {
    progress.ordered = false;
  }
  if (row.seq !== undefined) progress.maxSeq = Math.max(progress.maxSeq ?? row.seq, row.seq);
}

/** The read of a file that is lost, to carry over to its window's next file; undefined when nothing was read. */
export function lostRead(progress: FileProgress | undefined, file: { checksum?: string; offset?: number; columns?: string[] }): LostRead | undefined {
  if (!progress || progress.rows === 0) return undefined;
  return { ...progress, atKeys: [...progress.atKeys], ...file };
}

/** Whether a lost read matched by position covered this row. */
export function coveredByPosition(lost: LostRead, row: RowIdentity): boolean {
  if (lost.at === undefined) return false;
  // A row stored after the lost file was written carries a higher sequence than any it held.
  if (row.seq !== undefined && lost.maxSeq !== undefined && row.seq > lost.maxSeq) return false;
  return row.position < lost.at || (row.position === lost.at && lost.atKeys.includes(row.key));
}

export type Decision =
  /** The row is new: emit it. */
  | { kind: 'emit' }
  /** A lost read covered it: skip it. */
  | { kind: 'skip' }
  /**
   * The file's first rows are not those of a lost read that was undecided: it now matches by
   * position or not at all; `decided` are the lost reads for reading the file again from its start.
   */
  | { kind: 'restart'; decided: LostRead[] };

/**
 * Decides, row by row, what a window's current file emits, given the reads of its lost files.
 * While a lost read is undecided, the file's first rows are skipped tentatively (nothing is
 * emitted, no state saved) until as many rows as it covered are read: same keys in the same
 * order, and they were exactly its rows (skipped for good); otherwise the file is read again from
 * its start, matching by position.
 */
export class RereadFilter {
  private readonly undecided: LostRead[];
  private readonly decided: LostRead[];
  /** Lost reads found to be this file's first rows. */
  private readonly confirmed: LostRead[] = [];
  /** The file's first rows that a lost read is known to have covered. */
  private coveredRows = 0;

  constructor(
    lost: LostRead[],
    private readonly progress: FileProgress,
  ) {
    this.undecided = lost.filter((l) => l.mode === undefined);
    this.decided = lost.filter((l) => l.mode === 'position');
  }

  /** Whether rows are being skipped tentatively: no state may be saved meanwhile. */
  get tentative(): boolean {
    return this.undecided.length > 0;
  }

  /** The lost reads the window still carries (one found to be the file's first rows is dropped: the file's progress covers it). */
  get remaining(): LostRead[] {
    return [...this.decided, ...this.undecided];
  }

  /** Call after `advance(progress, row)`, for each data row in file order. */
  decide(row: RowIdentity | undefined): Decision {
    const index = this.progress.rows;
    for (const lost of [...this.undecided]) {
      if (lost.rows !== index) continue;
      if (lost.keysHash !== this.progress.keysHash) return this.restart(lost);
      this.undecided.splice(this.undecided.indexOf(lost), 1);
      this.confirmed.push(lost);
      this.coveredRows = Math.max(this.coveredRows, lost.rows);
    }
    if (index <= this.coveredRows || this.undecided.length > 0) return { kind: 'skip' };
    if (row && this.decided.some((lost) => coveredByPosition(lost, row))) return { kind: 'skip' };
    return { kind: 'emit' };
  }

  /** At the end of the file: a lost read still undecided covered more rows than the file has, so the file does not start with them. */
  finish(): Decision {
    return this.undecided.length > 0 ? this.restart(...this.undecided) : { kind: 'emit' };
  }

  /** The lost reads for a new read of the file: those that failed match by position (or not at all); the rest as they were. */
  private restart(...failed: LostRead[]): Decision {
    const others = [...this.confirmed, ...this.undecided.filter((l) => !failed.includes(l))];
    const decided = failed.map((l): LostRead => ({ ...l, mode: l.ordered ? 'position' : 'none' }));
    return { kind: 'restart', decided: [...this.decided, ...decided, ...others] };
  }
}

// Marketo documentation cited above by page name:
// - Bulk Extract: https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-extract
