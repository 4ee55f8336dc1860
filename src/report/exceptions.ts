/**
 * exceptions.csv and exceptions.json (the findings are never all in memory): the JSON head (summary) first, then one
 * finding per line, so a large run stays diffable and streamable. A run serializes each row once, as its file is
 * checked (spillLine, csvRecord into the file's spills), and writes both files from the spills as bytes
 * (writeExceptionFilesFromSpills); writeExceptionFiles writes them from a stream of rows.
 */
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { formatCents } from '../encounter/money.js';
import type { HeldClaim } from './types.js';
import { ANY_ASCII, asciiRejecting, readChunks, type SpillFile, SyncFileWriter } from './sync-file.js';
import { EXCEPTION_COLUMNS, type ExceptionReportHead, type ExceptionRow } from './types.js';

/** The UTF-8 byte order mark `--csv-bom` puts first in the CSV files (Excel on Windows then reads them as UTF-8). */
export const UTF8_BOM = '\ufeff';

/** The header of exceptions.csv: the finding's keys, `chargeCents` named `charge` (written in dollars). */
export const CSV_HEADERS = EXCEPTION_COLUMNS.map((column) => (column === 'chargeCents' ? 'charge' : column));
const CHARGE_COLUMN = EXCEPTION_COLUMNS.indexOf('chargeCents');

/**
 * Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return as a formula (CSV injection):
 * such cells get a leading apostrophe, which spreadsheets show as text and do not evaluate.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvHeader(): string {
  return stringify([CSV_HEADERS], { record_delimiter: 'unix' });
}

/** csv-stringify's `quoted_match` for the records: a cell that starts or ends with white space is quoted. */
const EDGE_SPACE = /^\s|\s$/;

/**
 * One cell as csv-stringify writes it with `record_delimiter: 'unix'` and quoted_match EDGE_SPACE (written by hand:
 * the library's per-record setup cost more than the rest of the report; test/report checks both agree): quoted
 * when it holds a quote, a comma, a newline or edge white space; quotes doubled.
 */
export function csvCell(value: string): string {
  if (value === '') return value;
  const hasQuote = value.includes('"');
  if (hasQuote || value.includes(',') || value.includes('\n') || EDGE_SPACE.test(value)) {
    return `"${hasQuote ? value.replaceAll('"', '""') : value}"`;
  }
  return value;
}

export function csvRecord(row: ExceptionRow): string {
  let record = '';
  for (let i = 0; i < EXCEPTION_COLUMNS.length; i++) {
    if (i !== 0) record += ',';
    const value = row[EXCEPTION_COLUMNS[i]!] as string | number | null | undefined;
    if (value === null || value === undefined) continue;
    if (i === CHARGE_COLUMN && typeof value === 'number') record += formatCents(value);
    else record += csvCell(typeof value === 'number' ? String(value) : neutralizeFormula(value));
  }
  return `${record}\n`;
}

/** `"file":` … : each column's key as it opens its member in a JSON object. */
const JSON_KEYS = EXCEPTION_COLUMNS.map((column) => `${JSON.stringify(column)}:`);

/** One finding on one line, keys in the schema's order (JSON.stringify of the row with its keys in that order). */
export function jsonRecord(row: ExceptionRow): string {
  let record = '{';
  for (let i = 0; i < EXCEPTION_COLUMNS.length; i++) {
    const value = row[EXCEPTION_COLUMNS[i]!] as unknown;
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') return jsonRecordOf(row);
    record += `${record.length === 1 ? '' : ','}${JSON_KEYS[i]}${JSON.stringify(value)}`;
  }
  return `${record}}`;
}

/** The general form (a value that is not a string, number or null). */
function jsonRecordOf(row: ExceptionRow): string {
  const ordered: Record<string, unknown> = {};
  for (const column of EXCEPTION_COLUMNS) ordered[column] = row[column];
  return JSON.stringify(ordered);
}

/** `{ … "summary": {…}, "findings": [` — the head, pretty-printed, left open for the findings. */
export function jsonHead(head: ExceptionReportHead): string {
  const text = JSON.stringify({ ...head, findings: [] }, null, 2);
  const open = text.lastIndexOf('"findings": []');
  return `${text.slice(0, open)}"findings": [`;
}

/** The end of the findings array: empty, or after the last finding's line. */
export const FINDINGS_CLOSE_EMPTY = ']';
export const FINDINGS_CLOSE = '\n  ]';
/** Between the findings and the held claims; the end of the held claims (empty, or after the last one's line). */
export const HELD_OPEN = ',\n  "heldClaims": [';
export const HELD_TAIL_EMPTY = ']\n}\n';
export const HELD_TAIL = '\n  ]\n}\n';
/** What follows the findings when no held claim is written (writeExceptionFiles). */
export const JSON_TAIL_EMPTY = `${FINDINGS_CLOSE_EMPTY}${HELD_OPEN}${HELD_TAIL_EMPTY}`;
export const JSON_TAIL = `${FINDINGS_CLOSE}${HELD_OPEN}${HELD_TAIL_EMPTY}`;

/** A held claim's entry of `heldClaims`, on its own line (keys in the schema's order). */
export function jsonHeldEntry(claim: HeldClaim, first: boolean): string {
  return `${first ? '' : ','}\n    ${JSON.stringify(claim)}`;
}

/** Writes a chunk, waiting for 'drain' when the stream asks for it. */
export function writeChunk(out: Writable, chunk: string | Uint8Array): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/** Text is handed to the streams in pieces of about this size (a write per row costs a Buffer and a call each). */
const WRITE_BATCH = 64 * 1024;

/**
 * Rows for the exception files: `json[i]`, when given, is jsonRecord(rows[i]) already (a spilled row's line), so
 * it is not serialized again.
 */
export interface RowBatch {
  rows: readonly ExceptionRow[];
  json?: readonly string[];
}

async function writeBatches(
  head: ExceptionReportHead,
  batches: AsyncIterable<RowBatch>,
  csvOut: Writable,
  jsonOut: Writable,
  validate?: (row: ExceptionRow) => void,
): Promise<void> {
  let csvText = csvHeader();
  let jsonText = jsonHead(head);
  let first = true;
  for await (const { rows, json } of batches) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      validate?.(row);
      csvText += csvRecord(row);
      jsonText += `${first ? '' : ','}\n    ${json ? json[i]! : jsonRecord(row)}`;
      first = false;
      if (csvText.length + jsonText.length >= WRITE_BATCH) {
        const pendingCsv = writeChunk(csvOut, csvText);
        const pendingJson = writeChunk(jsonOut, jsonText);
        csvText = '';
        jsonText = '';
        if (pendingCsv) await pendingCsv;
        if (pendingJson) await pendingJson;
      }
    }
  }
  jsonText += first ? JSON_TAIL_EMPTY : JSON_TAIL;
  const pendingCsv = csvText ? writeChunk(csvOut, csvText) : undefined;
  const pendingJson = writeChunk(jsonOut, jsonText);
  if (pendingCsv) await pendingCsv;
  if (pendingJson) await pendingJson;
}

async function* oneByOne(rows: AsyncIterable<ExceptionRow>): AsyncGenerator<RowBatch> {
  for await (const row of rows) yield { rows: [row] };
}

/** Streams both exception files from the rows, in the order given. */
export async function writeExceptionFiles(
  head: ExceptionReportHead,
  rows: AsyncIterable<ExceptionRow>,
  csvOut: Writable,
  jsonOut: Writable,
  validate?: (row: ExceptionRow) => void,
): Promise<void> {
  await writeBatches(head, oneByOne(rows), csvOut, jsonOut, validate);
}

/** A row as a spill file keeps it: its JSON record on one line. */
export function spillLine(row: ExceptionRow): string {
  return `${jsonRecord(row)}\n`;
}

/** JSON string content copied as it is: no control char, quote or backslash (JSON.stringify escapes those). */
const JSON_PLAIN = asciiRejecting((code) => code < 0x20 || code === 0x22 || code === 0x5c);
/** A CSV cell copied as it is (controls, quotes and commas: csvCell's general form). */
const CSV_PLAIN = asciiRejecting((code) => code < 0x20 || code === 0x22 || code === 0x2c);
/** `"file":`, `,"claimId":` …: each member's opening when every column has a value (the fast path's case). */
const JSON_OPENINGS = EXCEPTION_COLUMNS.map((column, i) => `${i === 0 ? '' : ','}${JSON.stringify(column)}:`);

/**
 * Encoded values of the `source` column (a rule's citation: the same few long strings on every row of the rule),
 * so that each is escaped and encoded once, not per row. Bounded: cleared when full.
 */
class EncodedValues {
  private readonly values = new Map<string, Uint8Array>();
  constructor(private readonly encode: (value: string) => string) {}

  get(value: string): Uint8Array {
    let bytes = this.values.get(value);
    if (bytes === undefined) {
      if (this.values.size >= 256) this.values.clear();
      bytes = Buffer.from(this.encode(value), 'utf8');
      this.values.set(value, bytes);
    }
    return bytes;
  }
}

const SOURCE_COLUMN = EXCEPTION_COLUMNS.indexOf('source');
const jsonSources = new EncodedValues((value) => JSON.stringify(value));
const csvSources = new EncodedValues((value) => csvCell(neutralizeFormula(value)));

/**
 * spillLine(row) written into a spill as bytes (the same bytes): plain ASCII strings, null and safe integers are
 * copied as they are, other strings as JSON.stringify gives them; a row with another value is written as spillLine.
 */
export function spillJsonRecord(row: ExceptionRow, spill: SpillFile): void {
  spill.begin();
  if (!jsonRecordBytes(row, spill)) {
    spill.rewind();
    spill.text(spillLine(row));
  }
}

function jsonRecordBytes(row: ExceptionRow, spill: SpillFile): boolean {
  if (!spill.byte(0x7b)) return false;
  for (let i = 0; i < EXCEPTION_COLUMNS.length; i++) {
    const value = row[EXCEPTION_COLUMNS[i]!] as unknown;
    if (!spill.ascii(JSON_OPENINGS[i]!, ANY_ASCII)) return false;
    if (typeof value === 'string') {
      if (i === SOURCE_COLUMN) {
        if (!spill.bytes(jsonSources.get(value))) return false;
        continue;
      }
      const at = spill.mark();
      if (spill.byte(0x22) && spill.ascii(value, JSON_PLAIN) && spill.byte(0x22)) continue;
      spill.reset(at);
      if (!spill.utf8(JSON.stringify(value))) return false;
    } else if (value === null) {
      if (!spill.ascii('null', ANY_ASCII)) return false;
    } else if (typeof value !== 'number' || !spill.integer(value)) {
      return false;
    }
  }
  return spill.byte(0x7d) && spill.byte(0x0a);
}

/** csvRecord(row) written into a spill as bytes (the same way as spillJsonRecord; other cells as csvCell gives them). */
export function spillCsvRecord(row: ExceptionRow, spill: SpillFile): void {
  spill.begin();
  if (!csvRecordBytes(row, spill)) {
    spill.rewind();
    spill.text(csvRecord(row));
  }
}

function csvRecordBytes(row: ExceptionRow, spill: SpillFile): boolean {
  for (let i = 0; i < EXCEPTION_COLUMNS.length; i++) {
    if (i !== 0 && !spill.byte(0x2c)) return false;
    const value = row[EXCEPTION_COLUMNS[i]!] as unknown;
    if (value === null || value === undefined || value === '') continue;
    if (typeof value === 'number') {
      if (i === CHARGE_COLUMN) {
        if (!Number.isSafeInteger(value) || !spill.ascii(formatCents(value), ANY_ASCII)) return false;
      } else if (!spill.integer(value)) {
        return false;
      }
      continue;
    }
    if (typeof value !== 'string') return false;
    if (i === SOURCE_COLUMN) {
      if (!spill.bytes(csvSources.get(value))) return false;
      continue;
    }
    const at = spill.mark();
    const first = value.charCodeAt(0);
    // Edge space is quoted; a formula's first char gets neutralizeFormula's apostrophe.
    if (first !== 0x20 && value.charCodeAt(value.length - 1) !== 0x20) {
      const formula = first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40;
      if ((!formula || spill.byte(0x27)) && spill.ascii(value, CSV_PLAIN)) continue;
    }
    spill.reset(at);
    if (!spill.utf8(csvCell(neutralizeFormula(value)))) return false;
  }
  return spill.byte(0x0a);
}

/** A file's exception rows as spilled while it is checked: JSON records (spillLine) and CSV records (csvRecord). */
export interface ExceptionSpill {
  json: string;
  csv: string;
}

export interface ExceptionFileOptions {
  /** Put a UTF-8 byte order mark first in exceptions.csv. */
  csvBom?: boolean;
}

/** exceptions.csv from the spills of the run's input files, in order, as bytes (the header first). */
export function writeExceptionCsvFromSpills(spills: readonly ExceptionSpill[], csvFile: string, options: ExceptionFileOptions = {}): void {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const csv = new SyncFileWriter(csvFile);
  try {
    csv.text(`${options.csvBom ? UTF8_BOM : ''}${csvHeader()}`);
    for (const spill of spills) readChunks(spill.csv, buffer, (bytes) => csv.bytes(bytes));
  } finally {
    csv.close();
  }
}

/**
 * exceptions.json's head and findings into `json`, from the spills as bytes: the JSON records are each put on
 * their line of the findings array, which is closed; the caller writes HELD_OPEN, the held claims and the tail.
 * Nothing is parsed or serialized again (the rows were checked against the schema when they were spilled).
 */
export function writeJsonFindingsFromSpills(head: ExceptionReportHead, spills: readonly ExceptionSpill[], json: SyncFileWriter): void {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  json.text(jsonHead(head));
  // Spilled records are one a line; in the array each opens its own line, after a comma from the second on.
  let first = true;
  const separator = Buffer.from(',\n    ');
  for (const spill of spills) {
    let lineOpen = false;
    readChunks(spill.json, buffer, (bytes) => {
      let start = 0;
      while (start < bytes.length) {
        if (!lineOpen && bytes[start] === 0x0a) {
          start++; // an empty line: no record
          continue;
        }
        if (!lineOpen) {
          json.bytes(first ? separator.subarray(1) : separator);
          first = false;
          lineOpen = true;
        }
        const end = bytes.indexOf(0x0a, start);
        if (end === -1) {
          json.bytes(bytes.subarray(start));
          return;
        }
        json.bytes(bytes.subarray(start, end));
        lineOpen = false;
        start = end + 1;
      }
    });
  }
  json.text(first ? FINDINGS_CLOSE_EMPTY : FINDINGS_CLOSE);
}

/**
 * Both exception files from the spills of the run's input files, in order, as bytes, with the held claims given
 * (in the order given), written with synchronous calls through reused buffers, like junit.xml.
 */
export function writeExceptionFilesFromSpills(
  head: ExceptionReportHead,
  spills: readonly ExceptionSpill[],
  csvFile: string,
  jsonFile: string,
  options: ExceptionFileOptions = {},
  heldClaims: Iterable<HeldClaim> = [],
): void {
  writeExceptionCsvFromSpills(spills, csvFile, options);
  const json = new SyncFileWriter(jsonFile);
  try {
    writeJsonFindingsFromSpills(head, spills, json);
    json.text(HELD_OPEN);
    let first = true;
    for (const claim of heldClaims) {
      json.text(jsonHeldEntry(claim, first));
      first = false;
    }
    json.text(first ? HELD_TAIL_EMPTY : HELD_TAIL);
  } finally {
    json.close();
  }
}
