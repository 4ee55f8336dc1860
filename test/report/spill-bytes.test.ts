/**
 * The spills' byte fast paths (spillJsonRecord, spillCsvRecord, spillJunitTestCase through SpillFile) write exactly
 * the UTF-8 bytes of the text forms they replace (spillLine, csvRecord, junitTestCase), for plain rows (the fast
 * path) and tricky ones (its fallback), records long enough to need a flush included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRecord, spillCsvRecord, spillJsonRecord, spillLine } from '../../src/report/exceptions.js';
import { junitTestCase, spillJunitTestCase } from '../../src/report/junit.js';
import { asciiRejecting, isPlainAscii, SpillFile } from '../../src/report/sync-file.js';
import type { ClaimOutcome, ExceptionRow } from '../../src/report/types.js';

const work = mkdtempSync(path.join(tmpdir(), 'spinescrub-spill-bytes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let sequence = 0;
/** What `write` puts in a spill file, its bytes as latin1 text (one char a byte: compared fast, diffs readable). */
function spilled(write: (spill: SpillFile) => void): string {
  const file = path.join(work, `${sequence++}.spill`);
  const spill = new SpillFile(file);
  write(spill);
  spill.close();
  return readFileSync(file).toString('latin1');
}

/** Mostly plain ASCII (the fast path), sometimes what each format escapes or quotes, edges and formulas. */
const plainText = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', ' ', '.', '/', ':', '(', ')', '-', '_') });
const text = fc.oneof(
  { weight: 6, arbitrary: plainText },
  { weight: 1, arbitrary: fc.constantFrom('=SUM(A1)', '+1', '-x', '@a', ' lead', 'trail ', '', 'a,b', 'q"q', 'b\\s', 'a&b', '<x>', "it's", 'tab\there', 'nl\nx', '\r', '×', '\ud83d', '\ud83d\ude00', 'a\u0001', '\ufffe') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.string() },
);
const textOrNull = fc.option(text, { nil: null, freq: 3 });
const lineNumber = fc.option(fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), fc.constantFrom(1.5, Number.NaN, 2 ** 60)), { nil: null, freq: 3 });

const rowArb = fc.record({
  file: text,
  claimId: text,
  memberId: textOrNull,
  serviceDate: textOrNull,
  line: lineNumber,
  procedure: textOrNull,
  chargeCents: fc.option(fc.integer({ min: -1_000_000, max: 100_000_000 }), { nil: null, freq: 3 }),
  renderingNpi: textOrNull,
  ruleId: text,
  severity: fc.constantFrom('error', 'warning', 'info'),
  action: fc.constantFrom('corrected', 'held', 'flagged', 'noted'),
  status: fc.constantFrom('ready', 'held'),
  message: text,
  before: textOrNull,
  after: textOrNull,
  source: text,
  location: textOrNull,
  payerClass: textOrNull,
  profile: textOrNull,
}) as fc.Arbitrary<ExceptionRow>;

const reasonArb = fc.record({
  ruleId: text,
  severity: fc.constantFrom('error', 'warning', 'info'),
  action: fc.constantFrom('held', 'flagged', 'noted'),
  line: lineNumber,
  message: text,
}) as fc.Arbitrary<ClaimOutcome['reasons'][number]>;

const outcomeArb = fc.record({
  file: fc.constantFrom('a.837', 'dir/b&c.837', 'ü.837'),
  claimId: text,
  memberId: textOrNull,
  serviceDate: textOrNull,
  renderingNpi: textOrNull,
  chargeCents: fc.nat(),
  fate: fc.constantFrom('ready', 'held'),
  payerClass: textOrNull,
  profile: textOrNull,
  reasons: fc.array(reasonArb, { maxLength: 4 }),
  corrected: fc.nat({ max: 3 }),
}) as fc.Arbitrary<ClaimOutcome>;

/** The UTF-8 bytes of text, as latin1 text. */
const utf8 = (value: string): string => Buffer.from(value, 'utf8').toString('latin1');

describe('spill byte fast paths', () => {
  // First in the file: junit.ts remembers the opening of the last file spilled, and this is the first it sees.
  it('spillJunitTestCase keeps each test case under its own file when the files alternate (plain names and names to escape)', () => {
    const outcome = (file: string, claimId: string, fate: 'ready' | 'held'): ClaimOutcome => ({
      file, claimId, memberId: null, serviceDate: null, lastServiceDate: null, renderingNpi: null, payerId: null, payerName: null, chargeCents: 0, fate, corrected: 0, payerClass: null, profile: null,
      reasons: fate === 'held' ? [{ ruleId: 'r/x', severity: 'error', action: 'held', line: 2, procedure: null, message: 'm' }] : [],
    });
    const outcomes = [outcome('a.837', 'C1', 'ready'), outcome('b&c.837', 'C2', 'ready'), outcome('a.837', 'C3', 'held'), outcome('ü.837', 'C4', 'ready'), outcome('d.837', 'C5', 'ready')];
    expect(spilled((spill) => outcomes.forEach((o) => spillJunitTestCase(o, spill)))).toBe(
      '    <testcase classname="a.837" name="claim C1"/>\n' +
        '    <testcase classname="b&#38;c.837" name="claim C2"/>\n' +
        '    <testcase classname="a.837" name="claim C3">\n      <failure type="held" message="held: r/x">error r/x line 2: m</failure>\n    </testcase>\n' +
        utf8('    <testcase classname="ü.837" name="claim C4"/>\n') +
        '    <testcase classname="d.837" name="claim C5"/>\n',
    );
  });

  it('isPlainAscii accepts what SpillFile.ascii copies as it is', () => {
    const quotes = asciiRejecting((code) => code === 0x22);
    expect(isPlainAscii('', quotes)).toBe(true);
    expect(isPlainAscii('in.837 (x)', quotes)).toBe(true);
    expect(isPlainAscii('a"b', quotes)).toBe(false);
    expect(isPlainAscii('é', quotes)).toBe(false);
    expect(isPlainAscii('\u007f', quotes)).toBe(true);
  });

  it('spillJsonRecord and spillCsvRecord write the bytes of spillLine and csvRecord', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), (rows) => {
        expect(spilled((spill) => rows.forEach((row) => spillJsonRecord(row, spill)))).toBe(utf8(rows.map(spillLine).join('')));
        expect(spilled((spill) => rows.forEach((row) => spillCsvRecord(row, spill)))).toBe(utf8(rows.map(csvRecord).join('')));
      }),
      { numRuns: 400 },
    );
  });

  it('spillJunitTestCase writes the bytes of junitTestCase', () => {
    fc.assert(
      fc.property(fc.array(outcomeArb, { maxLength: 30 }), (outcomes) => {
        expect(spilled((spill) => outcomes.forEach((outcome) => spillJunitTestCase(outcome, spill)))).toBe(utf8(outcomes.map(junitTestCase).join('')));
      }),
      { numRuns: 400 },
    );
  });

  it('copies plain rows as they are and keeps records whole across flushes and over the record room', () => {
    const plain: ExceptionRow = {
      file: 'in.837', claimId: 'C1', memberId: null, serviceDate: '2026-01-02', line: 12, procedure: '64483', chargeCents: 4500, renderingNpi: '1234567893', ruleId: 'r/x',
      severity: 'warning', action: 'flagged', status: 'ready', message: '=sum then (text)', before: '-1', after: null, source: 'rules', location: 'segment 4 (SV1)',
      payerClass: 'CI', profile: 'commercial',
    };
    expect(spilled((spill) => spillJsonRecord(plain, spill))).toBe(
      '{"file":"in.837","claimId":"C1","memberId":null,"serviceDate":"2026-01-02","line":12,"procedure":"64483","chargeCents":4500,"renderingNpi":"1234567893","ruleId":"r/x","severity":"warning","action":"flagged","status":"ready","message":"=sum then (text)","before":"-1","after":null,"source":"rules","location":"segment 4 (SV1)","payerClass":"CI","profile":"commercial"}\n',
    );
    expect(spilled((spill) => spillCsvRecord(plain, spill))).toBe("in.837,C1,,2026-01-02,12,64483,45.00,1234567893,r/x,warning,flagged,ready,'=sum then (text),'-1,,rules,segment 4 (SV1),CI,commercial\n");
    // 1,200 rows (several 64 KiB flushes) with messages from short to longer than a record's room (8 KiB).
    const rows = Array.from({ length: 1200 }, (_, i) => ({ ...plain, claimId: `C${i}`, line: i, message: 'm'.repeat((i * 97) % 10_000), after: i % 7 === 0 ? 'é' : null }));
    expect(spilled((spill) => rows.forEach((row) => spillJsonRecord(row, spill)))).toBe(utf8(rows.map(spillLine).join('')));
    expect(spilled((spill) => rows.forEach((row) => spillCsvRecord(row, spill)))).toBe(utf8(rows.map(csvRecord).join('')));
  });
});
