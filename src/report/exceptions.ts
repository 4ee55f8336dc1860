/**
 * exceptions.csv and exceptions.json, written from one stream of rows (the findings are never all in memory):
 * the JSON head (summary) first, then one finding per line, so a large run stays diffable and streamable.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { EXCEPTION_COLUMNS, type ExceptionReportHead, type ExceptionRow } from './types.js';

/**
 * Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return as a formula (CSV injection):
 * such cells get a leading apostrophe, which spreadsheets show as text and do not evaluate.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvHeader(): string {
  return stringify([[...EXCEPTION_COLUMNS]], { record_delimiter: 'unix' });
}

/** csv-stringify's `quoted_match` for the records: a cell that starts or ends with white space is quoted. */
const EDGE_SPACE = /^\s|\s$/;

/**
 * One cell as csv-stringify writes it with `record_delimiter: 'unix'` and quoted_match EDGE_SPACE (written by hand:
 * the library's per-record setup cost more than the rest of the report; test/report checks both agree): quoted
 * when it holds a quote, a comma, a newline or edge white space; quotes doubled.
 */
function csvCell(value: string): string {
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
    record += csvCell(typeof value === 'number' ? String(value) : neutralizeFormula(value));
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

export const JSON_TAIL_EMPTY = ']\n}\n';
export const JSON_TAIL = '\n  ]\n}\n';

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

/** The rows of spill files (lines of spillLine), in order, a read chunk at a time, each with its JSON record. */
async function* spilledBatches(spills: readonly string[]): AsyncGenerator<RowBatch> {
  // One 64 KiB buffer for every read: a read stream's new buffer per chunk left tens of MB of dead buffers for the
  // collector at the end of a large run (its peak RSS). 1 MiB reads raised that peak by ~75 MB.
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (const spill of spills) {
    const fd = openSync(spill, 'r');
    try {
      const decoder = new StringDecoder('utf8');
      let rest = '';
      for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) {
        const text = rest + decoder.write(buffer.subarray(0, read));
        const rows: ExceptionRow[] = [];
        const json: string[] = [];
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          if (end > start) {
            const line = text.slice(start, end);
            rows.push(JSON.parse(line) as ExceptionRow);
            json.push(line);
          }
          start = end + 1;
        }
        rest = text.slice(start);
        if (rows.length) yield { rows, json };
      }
      rest += decoder.end();
      if (rest) yield { rows: [JSON.parse(rest) as ExceptionRow], json: [rest] };
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Both exception files from the spill files of the run's input files (written with spillLine), in order. A
 * spilled line parses back to the same row and serializes back to the same line, so it is written as it is.
 */
export async function writeExceptionFilesFromSpills(
  head: ExceptionReportHead,
  spills: readonly string[],
  csvOut: Writable,
  jsonOut: Writable,
  validate?: (row: ExceptionRow) => void,
): Promise<void> {
  await writeBatches(head, spilledBatches(spills), csvOut, jsonOut, validate);
}
