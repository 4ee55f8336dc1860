/**
 * createCsvWriter: claims back to CSV in the input's own shape — its header bytes (names, order, quoting, BOM),
 * its line endings, its trailing blank lines. An untouched claim's rows are written byte for byte; in a changed
 * claim only rows whose cells changed are re-serialized (csv-stringify, quoting all fields when the row did),
 * and in them only the changed cells, in the style the cell had.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { Claim, ServiceLine } from '../encounter/model.js';
import type { ClaimWriter, ReadClaim } from '../formats/types.js';
import { changedColumns, formatCell, type RowContext } from './claim.js';
import { decodeField, encodeField } from './rows.js';
import type { CsvLayout, CsvRawClaim, CsvRawRow } from './reader.js';
import { bindHeader, type CsvColumnMap } from './columns.js';

/** Bytes gathered before one write to the stream (one write a claim made an fs write request a claim). */
const FLUSH_AT = 65_536;

/** How a row quotes: every field, every non-empty field, or only where needed (csv-stringify's default). */
type Quoting = 'all' | 'non-empty' | 'needed';

function serialize(fields: readonly string[], delimiter: string, quoting: Quoting): string {
  return stringify([fields as string[]], {
    delimiter,
    quoted: quoting !== 'needed',
    quoted_empty: quoting === 'all',
    record_delimiter: '\n',
    eof: false,
  });
}

function quotingOf(row: CsvRawRow, delimiter: string, encoding: BufferEncoding): Quoting {
  const content = contentOf(row, encoding);
  // Both quoted styles write a quote for a non-empty field: a row without one was quoted where needed.
  if (!content.includes('"') && row.fields.some((field) => field !== '')) return 'needed';
  if (content === serialize(row.fields, delimiter, 'all')) return 'all';
  if (content === serialize(row.fields, delimiter, 'non-empty')) return 'non-empty';
  return 'needed';
}

function contentOf(row: CsvRawRow, encoding: BufferEncoding): string {
  return row.bytes.subarray(row.leadLength, row.bytes.length - row.ending.length).toString(encoding);
}

/** A row with every cell empty: the base of lines written for a claim that has no rows of its own. */
function emptyRow(layout: CsvLayout): CsvRawRow {
  return { key: '', fields: layout.header.map(() => ''), bytes: Buffer.alloc(0), leadLength: 0, ending: '' };
}

/**
 * A layout for a new file (no input to copy): `header` bound through `map`. Claims written with it need
 * `raw: { rows: [] }` and `changed: true`; every cell is formatted in the map's style (its first date format,
 * money style, pointer style).
 */
export function newCsvLayout(file: string, header: string[], map: CsvColumnMap = {}, options: { eol?: string; bom?: boolean } = {}): CsvLayout {
  const { binding, problems } = bindHeader(header, map);
  const duplicate = problems.find((problem) => problem.code === 'CSV_DUPLICATE_COLUMN');
  if (duplicate !== undefined) throw new TypeError(`Expected \`header\` to bind each field once: ${duplicate.message}`);
  const delimiter = map.delimiter ?? ',';
  const eol = options.eol ?? '\n';
  const headerText = serialize(header, delimiter, 'needed') + eol;
  return {
    file,
    headerBytes: Buffer.from((options.bom ? '\ufeff' : '') + headerText, 'utf8'),
    header,
    delimiter,
    encoding: options.bom ? 'utf8' : 'latin1',
    eol,
    bom: options.bom ?? false,
    trailer: Buffer.alloc(0),
    binding,
    map,
  };
}

/**
 * A writer for claims read from one CSV file. `layout` is the reader's `layout` promise (or its value), so a run
 * can create its ready and held writers before reading starts; write()/close() wait for it.
 */
export function createCsvWriter(out: Writable, layout: CsvLayout | Promise<CsvLayout>): ClaimWriter {
  let headerWritten = false;
  /** The last bytes written end without a line ending (the input's last row had none). */
  let needSeparator = false;
  let claims = 0;

  const header = (current: CsvLayout, parts: Buffer[]): void => {
    if (headerWritten) return;
    headerWritten = true;
    if (current.headerBytes.length === 0) return;
    parts.push(current.headerBytes);
    const last = current.headerBytes[current.headerBytes.length - 1];
    needSeparator = last !== 10 && last !== 13;
  };

  const row = (current: CsvLayout, parts: Buffer[], bytes: Buffer, ending: string): void => {
    if (needSeparator) parts.push(Buffer.from(current.eol));
    parts.push(bytes);
    needSeparator = ending === '';
  };

  const rewrite = (
    context: RowContext,
    current: CsvLayout,
    base: CsvRawRow,
    claim: Claim,
    line: ServiceLine,
    changedColumns: (column: number) => boolean,
  ): string => {
    const fields = [...base.fields];
    while (fields.length < current.header.length) fields.push('');
    current.binding.fieldOfColumn.forEach((field, column) => {
      if (field === undefined || !changedColumns(column)) return;
      const text = formatCell(context, field, claim, line, context.decode(base.fields[column] ?? ''));
      fields[column] = current.encoding === 'utf8' ? text : encodeField(text);
    });
    return serialize(fields, current.delimiter, quotingOf(base, current.delimiter, current.encoding));
  };

  /** The layout once known (write() waits for it; writeNow() needs it, else it falls back to write()). */
  let resolved: CsvLayout | undefined = layout instanceof Promise ? undefined : layout;
  if (layout instanceof Promise) {
    void layout.then((value) => {
      resolved = value;
    }, () => undefined);
  }
  let decodeOf: ((text: string) => string) | undefined;

  /** Bytes gathered for the stream: handed over in one write once FLUSH_AT is reached (and at close). */
  let gathered: Buffer[] = [];
  let gatheredLength = 0;

  /** Hand the gathered bytes to the stream: true when the stream asks to wait for 'drain'. */
  const flush = (): boolean => {
    if (gatheredLength === 0) return false;
    const chunk = gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredLength);
    gathered = [];
    gatheredLength = 0;
    return !out.write(chunk);
  };

  /** Gather the claim's bytes: true when they were handed over and the stream asks to wait for 'drain'. */
  const put = (current: CsvLayout, read: ReadClaim, claim: Claim, changed: boolean): boolean => {
    const raw = read.raw as CsvRawClaim;
    const parts: Buffer[] = [];
    header(current, parts);
    claims++;
    // The claim's parts are gathered only once all are made: a refused claim (a throw) leaves nothing of it.
    if (changed) changedRows(current, parts, read, raw, claim);
    else for (const original of raw.rows) row(current, parts, original.bytes, original.ending);
    for (const part of parts) {
      gathered.push(part);
      gatheredLength += part.length;
    }
    return gatheredLength >= FLUSH_AT && flush();
  };

  const changedRows = (current: CsvLayout, parts: Buffer[], read: ReadClaim, raw: CsvRawClaim, claim: Claim): void => {
    decodeOf ??= current.encoding === 'utf8' ? (text) => text : decodeField;
    const context: RowContext = {
      file: current.file,
      header: current.header,
      decode: decodeOf,
      binding: current.binding,
      map: current.map,
    };
    const lineByKey = new Map(claim.lines.map((line) => [line.key, line]));
    // The claim as read (fixes make copies, never mutate it) says what each row's cells held.
    const readLineByKey = new Map(read.claim.lines.map((line) => [line.key, line]));
    const rowKeys = new Set(raw.rows.map((original) => original.key));
    for (const original of raw.rows) {
      const line = lineByKey.get(original.key);
      const readLine = readLineByKey.get(original.key);
      if (line === undefined) continue; // removed by a fix
      const changed = changedColumns(context, claim, line, read.claim, readLine);
      if (changed === undefined) {
        row(current, parts, original.bytes, original.ending);
        continue;
      }
      const text = rewrite(context, current, original, claim, line, (column) => changed[column] === true);
      const lead = original.bytes.subarray(0, original.leadLength);
      row(current, parts, Buffer.concat([lead, Buffer.from(text + original.ending, current.encoding)]), original.ending);
    }
    // Lines added by fixes ("3+1") go after the claim's last row, built from the row they came from.
    const lastRow = raw.rows[raw.rows.length - 1];
    for (const line of claim.lines) {
      if (rowKeys.has(line.key)) continue;
      const origin = raw.rows.find((original) => original.key === line.key.split('+')[0]) ?? lastRow ?? emptyRow(current);
      const text = rewrite(context, current, origin, claim, line, () => true);
      row(current, parts, Buffer.from(text + current.eol, current.encoding), current.eol);
    }
  };

  const write = async (read: ReadClaim, claim: Claim, changed: boolean): Promise<void> => {
    const current = await layout;
    if (put(current, read, claim, changed)) await once(out, 'drain');
  };

  return {
    write,

    /** write() without a promise once the layout is known and the stream is below its mark. */
    writeNow(read: ReadClaim, claim: Claim, changed: boolean): Promise<void> | undefined {
      if (resolved === undefined) return write(read, claim, changed);
      return put(resolved, read, claim, changed) ? once(out, 'drain').then(() => undefined) : undefined;
    },

    async close(): Promise<{ claims: number }> {
      const current = await layout;
      const parts: Buffer[] = [];
      header(current, parts);
      if (current.trailer.length > 0) parts.push(current.trailer);
      for (const part of parts) {
        gathered.push(part);
        gatheredLength += part.length;
      }
      if (flush()) await once(out, 'drain');
      out.end();
      await finished(out);
      return { claims };
    },
  };
}
