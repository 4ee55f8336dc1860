/**
 * exceptions.csv and exceptions.json, written from one stream of rows (the findings are never all in memory):
 * the JSON head (summary) first, then one finding per line, so a large run stays diffable and streamable.
 */
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

function csvCells(row: ExceptionRow): string[] {
  return EXCEPTION_COLUMNS.map((column) => {
    const value = row[column];
    if (value === null) return '';
    return typeof value === 'number' ? String(value) : neutralizeFormula(value);
  });
}

export function csvHeader(): string {
  return stringify([[...EXCEPTION_COLUMNS]], { record_delimiter: 'unix' });
}

export function csvRecord(row: ExceptionRow): string {
  return stringify([csvCells(row)], { record_delimiter: 'unix', quoted_match: /^\s|\s$/ });
}

/** One finding on one line, keys in the schema's order. */
export function jsonRecord(row: ExceptionRow): string {
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
export function writeChunk(out: Writable, chunk: string): Promise<void> | undefined {
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

/** Streams both exception files from the rows, in the order given. */
export async function writeExceptionFiles(
  head: ExceptionReportHead,
  rows: AsyncIterable<ExceptionRow>,
  csvOut: Writable,
  jsonOut: Writable,
  validate?: (row: ExceptionRow) => void,
): Promise<void> {
  await writeChunk(csvOut, csvHeader());
  await writeChunk(jsonOut, jsonHead(head));
  let first = true;
  for await (const row of rows) {
    validate?.(row);
    const pendingCsv = writeChunk(csvOut, csvRecord(row));
    const pendingJson = writeChunk(jsonOut, `${first ? '' : ','}\n    ${jsonRecord(row)}`);
    first = false;
    if (pendingCsv) await pendingCsv;
    if (pendingJson) await pendingJson;
  }
  await writeChunk(jsonOut, first ? JSON_TAIL_EMPTY : JSON_TAIL);
}
