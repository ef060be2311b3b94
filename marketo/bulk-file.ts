import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { MarketoTransientError } from './errors';

// Reads a bulk export file as a stream of rows, so that memory stays flat whatever its size.
// Marketo writes RFC 4180 CSV: values with commas, quotes or line breaks quoted (quotes doubled),
// empty values as the literal `null` (an empty cell is read as null too), a header row of REST
// names.
// https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/bulk-extract/bulk-lead-extract

/** How Marketo writes an empty value in a bulk file. */
export const BULK_FILE_NULL = 'null';

export type BulkRow = Record<string, string | null>;

export interface BulkFileRow {
  row: BulkRow;
  /** Byte offset just after this row in the whole file: where a download resumes after it. */
  endOffset: number;
}

/**
 * The rows of a file (or of its tail from `startOffset`, when `columns` is the header read
 * before). `onColumns` receives the header when the file starts at byte 0. With `size` (the
 * job's `fileSize`), a download that ends before the file does (a connection cut mid-file, whose
 * last line may look like a whole row) fails as transient instead of passing a cut row on; the
 * rows before it were yielded, so the read resumes after the last of them.
 */
export async function* readBulkFile(
  body: Readable,
  opts: { startOffset?: number; columns?: string[]; onColumns?: (columns: string[]) => void; size?: number } = {},
): AsyncGenerator<BulkFileRow> {
  const startOffset = opts.startOffset ?? 0;
  let columns = startOffset > 0 ? opts.columns : undefined;
  if (startOffset > 0 && !columns) throw new Error('Resuming a bulk file in the middle needs its header columns');
  const parser = parse({ info: true, raw: true, bom: startOffset === 0, skip_empty_lines: true, relax_column_count: false });
  let received = 0;
  body.on('data', (chunk: Buffer) => (received += chunk.length));
  body.on('error', (err) => parser.destroy(err));
  body.pipe(parser);
  const truncated = (): MarketoTransientError | undefined => {
    const end = startOffset + received;
    return opts.size !== undefined && end < opts.size
      ? new MarketoTransientError(`The bulk file ended at byte ${end} of ${opts.size}: the download was cut; the next read resumes after the last whole row.`)
      : undefined;
  };
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { bytes: number } }>) {
      const { record, info } = item;
      // A row without its line break is the last of the download: whole only if the file ends there.
      if (!item.raw.endsWith('\n')) {
        const cut = truncated();
        if (cut) throw cut;
      }
      if (!columns) {
        columns = record;
        opts.onColumns?.(columns);
        continue;
      }
      const row: BulkRow = {};
      for (let i = 0; i < columns.length; i++) {
        const value = record[i];
        row[columns[i]] = value === undefined || value === '' || value === BULK_FILE_NULL ? null : value;
      }
      yield { row, endOffset: startOffset + info.bytes };
    }
  } catch (err) {
    // A quote left open or a short last row at a cut: the download, not the file, is at fault.
    throw err instanceof MarketoTransientError ? err : (truncated() ?? err);
  }
  const cut = truncated();
  if (cut) throw cut;
}
