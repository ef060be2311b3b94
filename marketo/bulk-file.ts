import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

// Reads a bulk export file as a stream of rows, so that memory stays flat whatever its size.
// Marketo writes RFC 4180 CSV: values with commas, quotes or line breaks quoted (quotes doubled),
// empty values as the literal `null`, a header row of REST names.
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
 * before). `onColumns` receives the header when the file starts at byte 0.
 */
export async function* readBulkFile(
  body: Readable,
  opts: { startOffset?: number; columns?: string[]; onColumns?: (columns: string[]) => void } = {},
): AsyncGenerator<BulkFileRow> {
  const startOffset = opts.startOffset ?? 0;
  let columns = startOffset > 0 ? opts.columns : undefined;
  if (startOffset > 0 && !columns) throw new Error('Resuming a bulk file in the middle needs its header columns');
  const parser = parse({ info: true, bom: startOffset === 0, skip_empty_lines: true, relax_column_count: false });
  body.on('error', (err) => parser.destroy(err));
  body.pipe(parser);
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
    const { record, info } = item;
    if (!columns) {
      columns = record;
      opts.onColumns?.(columns);
      continue;
    }
    const row: BulkRow = {};
    for (let i = 0; i < columns.length; i++) {
      const value = record[i];
      row[columns[i]] = value === undefined || value === BULK_FILE_NULL ? null : value;
    }
    yield { row, endOffset: startOffset + info.bytes };
  }
}
