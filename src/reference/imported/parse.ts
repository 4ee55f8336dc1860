/**
 * Row readers for the three CMS layouts. Each yields checked rows with their 1-based line numbers and throws
 * ReferenceDataError (REF_*) naming the file, the line and what is wrong; nothing here touches the database.
 */
import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import type { IsoDate } from '../../encounter/model.js';
import { ReferenceDataError } from '../errors.js';

export interface MueRow {
  line: number;
  code: string;
  value: number;
  mai: 1 | 2 | 3;
  rationale: string;
}

export interface PtpRow {
  line: number;
  column1: string;
  column2: string;
  effective: IsoDate;
  deletion: IsoDate | null;
  modifier: 0 | 1 | 9;
  rationale: string;
}

export interface IcdRow {
  line: number;
  position: number;
  code: string;
  header: boolean;
  description: string;
}

const PROCEDURE_CODE = /^[0-9A-Z]{5}$/;
const ICD_CODE = /^[A-Z][0-9][0-9A-Z]{1,5}$/;
const MUE_HEADER = 'HCPCS/CPT Code';
const UTF8_BOM_AS_LATIN1 = '\u00ef\u00bb\u00bf';
/** Title lines a PTP file may carry before its first edit. */
const MAX_PTP_HEADER_LINES = 20;

function bad(name: string, line: number, reason: string): ReferenceDataError {
  return new ReferenceDataError('REF_BAD_ROW', `${name} line ${line}: ${reason}`, line);
}

/** A csv-parse error (an unclosed quote, …) as a refusal naming its line. */
function csvProblem(name: string, error: unknown): unknown {
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines ?? 0;
    return bad(name, line, `not readable as CSV (${error.message})`);
  }
  return error;
}

/** Dates seen, checked once each: a PTP file repeats a few thousand dates over a million rows. */
const compactDates = new Map<string, IsoDate | undefined>();

/** YYYYMMDD as an ISO date, or undefined when it is not a calendar date. */
export function compactDate(text: string): IsoDate | undefined {
  const known = compactDates.get(text);
  if (known !== undefined || compactDates.has(text)) return known;
  let iso: IsoDate | undefined;
  if (/^\d{8}$/.test(text)) {
    iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
    const date = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) iso = undefined;
  }
  if (compactDates.size < 100_000) compactDates.set(text, iso);
  return iso;
}

/** The Practitioner Services MUE CSV: notice lines, the header row (first cell `HCPCS/CPT Code`), then one row per code. */
export async function* readMue(file: string, name: string): AsyncGenerator<MueRow> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }),
  );
  let header = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = record.map((cell) => cell.trim());
      const line = info.lines;
      if (!header) {
        if (cells[0] === MUE_HEADER) {
          if (cells.length < 3) throw bad(name, line, `the header row has ${cells.length} columns, expected at least 3 (code, MUE value, adjudication indicator)`);
          header = true;
        }
        continue;
      }
      if (cells.length === 1 && cells[0] === '') continue;
      if (cells.length < 3) throw bad(name, line, `${cells.length} columns, expected at least 3 (code, MUE value, adjudication indicator)`);
      const [code, value, indicator] = cells as [string, string, string];
      if (!PROCEDURE_CODE.test(code)) throw bad(name, line, `"${code}" is not a 5-character HCPCS/CPT code`);
      if (!/^\d+$/.test(value)) throw bad(name, line, `MUE value "${value}" of ${code} is not a whole number`);
      const mai = indicator.charAt(0);
      if (mai !== '1' && mai !== '2' && mai !== '3') throw bad(name, line, `adjudication indicator "${indicator}" of ${code} does not start with 1, 2 or 3`);
      yield { line, code, value: Number(value), mai: Number(mai) as 1 | 2 | 3, rationale: cells[3] ?? '' };
    }
  } catch (error) {
    throw csvProblem(name, error);
  }
  if (!header) throw new ReferenceDataError('REF_NO_HEADER', `${name}: no header row (a row whose first cell is "${MUE_HEADER}")`);
}

/**
 * The lines of a text file without their line ends (LF or CRLF), a read's worth at a time, with the number of the
 * first. A plain split: the PTP file has no quoting (its rationale is free text), and a million lines read several
 * times faster this way than through a CSV parser.
 */
async function* textLines(file: string, encoding: BufferEncoding): AsyncGenerator<{ lines: string[]; first: number }> {
  let rest = '';
  let next = 1;
  let start = true;
  for await (const chunk of createReadStream(file, { encoding, highWaterMark: 256 * 1024 })) {
    let text = rest + (chunk as string);
    if (start) {
      // A UTF-8 byte order mark, as latin1 reads it.
      if (text.startsWith(UTF8_BOM_AS_LATIN1)) text = text.slice(UTF8_BOM_AS_LATIN1.length);
      start = false;
    }
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
    yield { lines, first: next };
    next += lines.length;
  }
  if (rest !== '') yield { lines: [rest.endsWith('\r') ? rest.slice(0, -1) : rest], first: next };
}

/** The NCCI practitioner PTP edits: tab-delimited, title lines first, then one edit per line (in batches). */
export async function* readPtp(file: string, name: string): AsyncGenerator<PtpRow[]> {
  let started = false;
  let titleLines = 0;
  for await (const { lines, first: firstLine } of textLines(file, 'latin1')) {
    const batch: PtpRow[] = [];
    for (let index = 0; index < lines.length; index++) {
      const text = lines[index]!;
      const line = firstLine + index;
      const record = text.split('\t');
      const first = record[0]!.trim();
      if (!started) {
        if (!PROCEDURE_CODE.test(first)) {
          if (++titleLines > MAX_PTP_HEADER_LINES) throw bad(name, line, `no edit in the first ${MAX_PTP_HEADER_LINES} lines (a row that starts with a 5-character code)`);
          continue;
        }
        started = true;
      }
      if (text.trim() === '') continue;
      if (record.length < 6) throw bad(name, line, `${record.length} columns, expected 7 (column 1, column 2, *, effective, deletion, modifier, rationale)`);
      const column2 = record[1]!.trim();
      if (!PROCEDURE_CODE.test(first)) throw bad(name, line, `column 1 "${first}" is not a 5-character HCPCS/CPT code`);
      if (!PROCEDURE_CODE.test(column2)) throw bad(name, line, `column 2 "${column2}" is not a 5-character HCPCS/CPT code`);
      const prior = record[2]!.trim();
      if (prior !== '' && prior !== '*') throw bad(name, line, `the "in existence prior to 1996" column holds "${prior}", expected * or nothing`);
      const effectiveText = record[3]!.trim();
      const effective = compactDate(effectiveText);
      if (effective === undefined) throw bad(name, line, `effective date "${effectiveText}" of ${first}/${column2} is not a date YYYYMMDD`);
      const deletionText = record[4]!.trim();
      const deletion = deletionText === '*' ? null : compactDate(deletionText);
      if (deletion === undefined) throw bad(name, line, `deletion date "${deletionText}" of ${first}/${column2} is neither * nor a date YYYYMMDD`);
      const modifier = record[5]!.trim();
      if (modifier !== '0' && modifier !== '1' && modifier !== '9') throw bad(name, line, `modifier indicator "${modifier}" of ${first}/${column2} is not 0, 1 or 9`);
      batch.push({ line, column1: first, column2, effective, deletion, modifier: Number(modifier) as 0 | 1 | 9, rationale: (record[6] ?? '').trim() });
    }
    yield batch;
  }
}

/**
 * The ICD-10-CM order file, fixed width: order number (1-5), code (7-13), 0 header / 1 billable (15), short
 * description (17-76), long description (78-).
 */
export async function* readIcd(file: string, name: string): AsyncGenerator<IcdRow[]> {
  for await (const { lines, first } of textLines(file, 'latin1')) {
    const batch: IcdRow[] = [];
    for (let index = 0; index < lines.length; index++) {
      const text = lines[index]!;
      const number = first + index;
      if (text.trim() === '') continue;
      if (text.length < 16) throw bad(name, number, `${text.length} characters, expected at least 16 (order number, code, header flag)`);
      const position = text.slice(0, 5);
      if (!/^\d{5}$/.test(position) || text[5] !== ' ') throw bad(name, number, `columns 1-5 hold "${position}", expected a zero-filled order number and a blank`);
      const code = text.slice(6, 13).trimEnd();
      if (!ICD_CODE.test(code) || text[13] !== ' ') throw bad(name, number, `columns 7-13 hold "${text.slice(6, 13)}", expected an ICD-10-CM code without its dot`);
      const flag = text[14];
      if ((flag !== '0' && flag !== '1') || text[15] !== ' ') throw bad(name, number, `column 15 holds "${flag}" for ${code}, expected 0 (header) or 1 (billable)`);
      const description = (text.length > 77 ? text.slice(77) : text.slice(16, 76)).trim();
      batch.push({ line: number, position: Number(position), code, header: flag === '0', description });
    }
    yield batch;
  }
}
