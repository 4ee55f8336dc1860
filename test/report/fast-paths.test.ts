/**
 * The report's hand-written fast paths give exactly the bytes of the general forms they replace: csvRecord as
 * csv-stringify writes the row's cells, jsonRecord as JSON.stringify of the row with its keys in schema order,
 * escapeXml's shortcut as the two replace passes, and the spill files read back row for row.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvRecord, jsonHead, jsonRecord, neutralizeFormula, spillLine, writeExceptionFiles, writeExceptionFilesFromSpills } from '../../src/report/exceptions.js';
import { escapeXml } from '../../src/report/junit.js';
import { EXCEPTION_COLUMNS, type ExceptionReportHead, type ExceptionRow } from '../../src/report/types.js';

/** The forms the fast paths replace (the code as it was before them). */
function csvRecordByLibrary(row: ExceptionRow): string {
  const cells = EXCEPTION_COLUMNS.map((column) => {
    const value = row[column];
    if (value === null) return '';
    return typeof value === 'number' ? String(value) : neutralizeFormula(value);
  });
  return stringify([cells], { record_delimiter: 'unix', quoted_match: /^\s|\s$/ });
}

function jsonRecordByStringify(row: ExceptionRow): string {
  const ordered: Record<string, unknown> = {};
  for (const column of EXCEPTION_COLUMNS) ordered[column] = row[column];
  return JSON.stringify(ordered);
}

function escapeXmlByReplace(value: string): string {
  return value
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Text rich in what CSV, JSON and XML treat specially: quotes, commas, newlines, edge spaces, formulas, surrogates. */
const trickyText = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r', ' ', '\t', '=', '+', '-', '@', '×', '\u00a0', '\ud83d', '\ude00', '&', '<', "'", '\u0001', '\ufffe') }),
  fc.string({ unit: 'grapheme' }),
  fc.string(),
);
const textOrNull = fc.option(trickyText, { nil: null });

const rowArb: fc.Arbitrary<ExceptionRow> = fc.record({
  file: trickyText,
  claimId: trickyText,
  memberId: textOrNull,
  serviceDate: textOrNull,
  line: fc.option(fc.integer({ min: -5, max: 60 }), { nil: null }),
  procedure: textOrNull,
  ruleId: trickyText,
  severity: fc.constantFrom('error', 'warning', 'info'),
  action: fc.constantFrom('corrected', 'held', 'flagged', 'noted'),
  message: trickyText,
  before: textOrNull,
  after: textOrNull,
  source: trickyText,
  location: textOrNull,
}) as fc.Arbitrary<ExceptionRow>;

describe('report fast paths', () => {
  it('csvRecord writes what csv-stringify writes', () => {
    fc.assert(fc.property(rowArb, (row) => csvRecord(row) === csvRecordByLibrary(row)), { numRuns: 3000 });
    const edge = { ...fc.sample(rowArb, 1)[0]!, message: ' lead', before: 'trail\u00a0', after: 'a\rb', location: '' };
    expect(csvRecord(edge)).toBe(csvRecordByLibrary(edge));
  });

  it('jsonRecord writes what JSON.stringify writes, and a spilled line reads back to itself', () => {
    fc.assert(
      fc.property(rowArb, (row) => {
        const line = jsonRecord(row);
        return line === jsonRecordByStringify(row) && spillLine(row) === `${line}\n` && jsonRecord(JSON.parse(line) as ExceptionRow) === line;
      }),
      { numRuns: 3000 },
    );
  });

  it('escapeXml gives what the two replace passes give', () => {
    fc.assert(fc.property(trickyText, (text) => escapeXml(text) === escapeXmlByReplace(text)), { numRuns: 5000 });
    expect(escapeXml('claim \ud83d\ude00 ok')).toBe('claim \ud83d\ude00 ok');
    expect(escapeXml('lone \ud83d')).toBe('lone \ufffd');
    expect(escapeXml('a\ufffeb')).toBe('a\ufffdb');
    expect(escapeXml(42)).toBe('42');
    expect(escapeXml(null)).toBe('');
  });

  it('writes the same files from spill files (JSON and CSV records) as from the rows', async () => {
    const head = { tool: 'spinescrub', schemaVersion: 1, asOf: '2026-11-27', summary: {} } as unknown as ExceptionReportHead;
    const rows = fc.sample(rowArb, 400);
    const work = mkdtempSync(path.join(tmpdir(), 'spinescrub-spill-'));
    try {
      // Three files' spills: two with rows, one without (a file with no finding), and one with rows again.
      const parts = [rows.slice(0, 150), rows.slice(150, 390), [], rows.slice(390)];
      const spills = parts.map((part, i) => {
        const spill = { json: path.join(work, `${i}.ndjson`), csv: path.join(work, `${i}.csv`) };
        writeFileSync(spill.json, part.map(spillLine).join(''));
        writeFileSync(spill.csv, part.map(csvRecord).join(''));
        return spill;
      });
      const csvFile = path.join(work, 'exceptions.csv');
      const jsonFile = path.join(work, 'exceptions.json');
      writeExceptionFilesFromSpills(head, spills, csvFile, jsonFile);
      const fromSpills = { csv: readFileSync(csvFile, 'utf8'), json: readFileSync(jsonFile, 'utf8') };
      const csvOut = new PassThrough();
      const jsonOut = new PassThrough();
      const csv: Buffer[] = [];
      const json: Buffer[] = [];
      csvOut.on('data', (chunk: Buffer) => csv.push(chunk));
      jsonOut.on('data', (chunk: Buffer) => json.push(chunk));
      async function* source(): AsyncGenerator<ExceptionRow> {
        yield* rows;
      }
      await writeExceptionFiles(head, source(), csvOut, jsonOut);
      const fromRows = { csv: Buffer.concat(csv).toString('utf8'), json: Buffer.concat(json).toString('utf8') };
      expect(fromSpills).toEqual(fromRows);
      // (As bytes: a lone surrogate is written as U+FFFD.)
      const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('utf8');
      expect(fromRows.csv).toBe(utf8(`${EXCEPTION_COLUMNS.join(',')}\n${rows.map(csvRecordByLibrary).join('')}`));
      expect(fromRows.json.endsWith(utf8(`\n    ${jsonRecordByStringify(rows[399]!)}\n  ]\n}\n`))).toBe(true);
      expect(JSON.parse(fromSpills.json)).toEqual({ ...JSON.parse(JSON.stringify(head)), findings: rows.map((row) => JSON.parse(JSON.stringify(row)) as unknown) });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('writes an empty findings array and a bare header when no file has a row', () => {
    const head = { tool: 'spinescrub', schemaVersion: 1, asOf: '2026-11-27', summary: {} } as unknown as ExceptionReportHead;
    const work = mkdtempSync(path.join(tmpdir(), 'spinescrub-spill-'));
    try {
      const spill = { json: path.join(work, 'a.ndjson'), csv: path.join(work, 'a.csv') };
      writeFileSync(spill.json, '');
      writeFileSync(spill.csv, '');
      writeExceptionFilesFromSpills(head, [spill], path.join(work, 'x.csv'), path.join(work, 'x.json'));
      expect(readFileSync(path.join(work, 'x.csv'), 'utf8')).toBe(`${EXCEPTION_COLUMNS.join(',')}\n`);
      expect(readFileSync(path.join(work, 'x.json'), 'utf8')).toBe(`${jsonHead(head)}]\n}\n`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
