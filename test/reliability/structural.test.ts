/**
 * Structural damage (issue 7): a file whose structure is broken gives one clear line naming the file and the
 * segment / byte offset / CSV line, is listed in exceptions.json as unreadable, releases nothing to ready (the
 * claims that could be read go to held, each with the file's problem as a finding), the other inputs are still
 * processed, and the run exits 3. A BOM is not damage: such files are read as usual.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itUnlessGap } from './gaps.js';
import {
  cleanCsv,
  cleanup,
  cleanX12,
  csvText,
  cleanCsvRows,
  listTree,
  readExceptions,
  runInProcess,
  tempDir,
  writeInput,
  writtenClaims,
  x12ClaimIds,
  type ExceptionsJson,
  type InProcessResult,
} from './helpers.js';

const BASE = cleanX12(4, 'DMG');

/** Removes the first segment of `tag` (with its line break). */
function withoutSegment(text: string, tag: string): string {
  return text.replace(new RegExp(`(^|\\n)${tag}\\*[^~]*~\\n`), '$1');
}

/** Sets element 1 of the first `tag` segment. */
function withCount(text: string, tag: string, value: string): string {
  return text.replace(new RegExp(`(^|\\n)${tag}\\*[^*~]*\\*`), `$1${tag}*${value}*`);
}

/** Cut inside the second claim, after its first SV1: the claim has begun but is incomplete. */
function truncatedMidClaim(text: string): string {
  const clm = text.indexOf('CLM*DMG0002');
  const sv1 = text.indexOf('SV1*', clm);
  return text.slice(0, sv1 + 10);
}

interface X12Case {
  name: string;
  content: string | Buffer;
  /** Claim ids that the damaged file must hold (each with a finding): the claims that could be read. */
  held: string[];
  /** The problem code expected among the file's problems. */
  code: RegExp;
  /** Open gaps this case depends on (gaps.ts). */
  gaps?: string[];
}

const x12Cases: X12Case[] = [
  { name: 'truncated.837', content: truncatedMidClaim(BASE), held: ['DMG0001', 'DMG0002'], code: /^X12_TRUNCATED$/, gaps: ['G2', 'G6'] },
  { name: 'no-iea.837', content: BASE.slice(0, BASE.lastIndexOf('IEA*')), held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_(TRUNCATED|MISSING_IEA)$/, gaps: ['G6'] },
  { name: 'no-ge.837', content: withoutSegment(BASE, 'GE'), held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_MISSING_GE$/, gaps: ['G6'] },
  { name: 'no-se.837', content: withoutSegment(BASE, 'SE'), held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_MISSING_SE$/, gaps: ['G6'] },
  { name: 'se-count.837', content: withCount(BASE, 'SE', '7'), held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_SE_COUNT$/, gaps: ['G6'] },
  { name: 'ge-count.837', content: withCount(BASE, 'GE', '2'), held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_GE_COUNT$/, gaps: ['G6'] },
  { name: 'iea-count.837', content: withCount(BASE, 'IEA', '3'), held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_IEA_COUNT$/, gaps: ['G6'] },
  { name: 'iea-control.837', content: BASE.replace(/IEA\*1\*000000001~/, 'IEA*1*000000999~'), held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_IEA_CONTROL$/, gaps: ['G6'] },
  {
    name: 'garbage-segment.837',
    content: BASE.replace('CLM*DMG0003', '\u00ff\u00fe\u0000\u0007junk~\nCLM*DMG0003'),
    held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'],
    code: /^X12_GARBAGE$/,
    gaps: ['G6'],
  },
  {
    name: 'garbage-bytes-in-element.837',
    content: Buffer.from(BASE.replace('CLM*DMG0003', 'CLM*DMG0003\u0000\u0001\u00ff\u00fe'), 'latin1'),
    held: ['DMG0001', 'DMG0002', 'DMG0003\u0000\u0001\u00ff\u00fe', 'DMG0004'],
    code: /^X12_(GARBAGE|BAD_CHARACTER|CONTROL_CHARACTER)/,
    gaps: ['G3', 'G6'],
  },
  { name: 'garbage-after-iea.837', content: `${BASE}\u0000\u0000GARBAGE TAIL`, held: ['DMG0001', 'DMG0002', 'DMG0003', 'DMG0004'], code: /^X12_GARBAGE$/, gaps: ['G6'] },
];

interface UnreadableCase {
  name: string;
  content: string | Buffer;
  /** Pass --format (a CSV read as X12 …). */
  format?: 'x12' | 'csv';
  gaps?: string[];
}

const unreadableCases: UnreadableCase[] = [
  { name: 'claims.json', content: '{"claims":[{"id":"C1","charge":850}]}\n', gaps: ['G1'] },
  { name: 'array.json', content: '[{"claim_id":"C1"}]\n', gaps: ['G1'] },
  { name: 'empty.837', content: '', gaps: ['G1'] },
  { name: 'empty.csv', content: '', gaps: ['G1'] },
  { name: 'notes.txt', content: 'These are not claims.\nJust some text.\n', gaps: ['G1'] },
  { name: 'image.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]), gaps: ['G1'] },
  { name: 'csv-as-x12.csv', content: cleanCsv(2), format: 'x12', gaps: ['G6'] },
];

let work: string;
const goodX12 = cleanX12(3, 'GOOD', '7');
const goodCsv = cleanCsv(2, 'GCSV');

beforeAll(() => {
  work = tempDir('spinescrub-structural-');
});
afterAll(() => cleanup(work));

/** The damaged file plus one good 837P and one good CSV, in one run. */
async function runWithGood(name: string, content: string | Buffer, extra: { format?: 'x12' | 'csv' } = {}): Promise<{ run: InProcessResult; report: ExceptionsJson; file: string; inDir: string }> {
  const inDir = path.join(work, `${name}-in`);
  const file = writeInput(inDir, name, content);
  const good = writeInput(inDir, 'good.837', goodX12);
  const goodCsvFile = writeInput(inDir, 'good.csv', goodCsv);
  const inputs = extra.format === undefined ? [good, file, goodCsvFile] : [file];
  const run = await runInProcess(inputs, path.join(work, `${name}-out`), extra.format ? { format: extra.format } : {});
  return { run, report: readExceptions(run.outDir), file, inDir };
}

/** The stderr lines that name `file`; one at least must locate the problem. */
function linesNaming(stderr: string, file: string): string[] {
  return stderr.split('\n').filter((line) => line.includes(file));
}

function expectGoodFilesProcessed(run: InProcessResult): void {
  expect(writtenClaims(run.outDir, 'good.837', 'x12')).toEqual({ ready: ['GOOD0001', 'GOOD0002', 'GOOD0003'], held: [] });
  expect(writtenClaims(run.outDir, 'good.csv', 'csv')).toEqual({ ready: ['GCSV0001', 'GCSV0002'], held: [] });
}

describe('an 837P with a broken envelope', () => {
  for (const { name, content, held, code, gaps = [] } of x12Cases) itUnlessGap(...gaps)(`${name}: one line naming the file and segment or byte, exit 3, held with a finding, nothing ready`, async () => {
    const { run, report, file } = await runWithGood(name, content);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).not.toMatch(/\n\s+at /);

    // A clear line on stderr naming the file and where.
    const lines = linesNaming(run.stderr, file);
    expect(lines.some((line) => /^spinescrub: error: /.test(line) && /(segment \d+|byte \d+)/.test(line)), run.stderr).toBe(true);

    // Listed as unreadable in exceptions.json, with the problem code.
    const summary = report.summary.files.find((entry) => entry.file === file)!;
    expect(summary.readable).toBe(false);
    expect(summary.problems.map((problem) => problem.code).some((problemCode) => code.test(problemCode))).toBe(true);
    expect(report.summary.unreadable.map((entry) => entry.file)).toContain(file);

    // Nothing released; every claim that could be read is held, with the file's problem as its finding.
    expect(existsSync(path.join(run.outDir, 'ready', name))).toBe(false);
    const written = writtenClaims(run.outDir, name, 'x12');
    expect(written.held).toEqual(held);
    expect(summary.claims).toBe(held.length);
    expect(summary.held).toBe(held.length);
    // Each held claim carries the file's problem as a held finding (claim ids compared as counted: one of them
    // holds bytes that are not UTF-8 in the JSON report).
    const holding = report.findings.filter((finding) => finding.file === file && finding.action === 'held' && code.test(finding.ruleId));
    expect(new Set(holding.map((finding) => finding.claimId)).size, JSON.stringify(holding)).toBe(held.length);
    expectGoodFilesProcessed(run);
  });

  itUnlessGap('G2')('the held file of a broken envelope still carries every claim read (independent scan of the input)', async () => {
    // No claim of a damaged file is silently dropped: every complete CLM segment in the input is in held/.
    const content = truncatedMidClaim(BASE);
    const { run } = await runWithGood('scan-truncated.837', content);
    const complete = x12ClaimIds(content.slice(0, content.lastIndexOf('~') + 1));
    expect(writtenClaims(run.outDir, 'scan-truncated.837', 'x12').held).toEqual(complete);
  });
});

describe('a file that is not a claim file', () => {
  for (const { name, content, format, gaps = [] } of unreadableCases) itUnlessGap(...gaps)(`${name}: one line naming the file, listed in exceptions.json, other files processed, exit 3`, async () => {
    const { run, report, file } = await runWithGood(name, content, format ? { format } : {});
    expect(run.exitCode).toBe(3);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const lines = linesNaming(run.stderr, file);
    expect(lines.some((line) => /^spinescrub: error: /.test(line)), run.stderr).toBe(true);
    const summary = report.summary.files.find((entry) => entry.file === file)!;
    expect(summary).toMatchObject({ readable: false, claims: 0, ready: 0, held: 0 });
    expect(report.summary.unreadable.map((entry) => entry.file)).toEqual([file]);
    expect(report.summary.unreadable[0]!.message).toContain(file);
    expect(listTree(run.outDir).filter((entry) => entry.startsWith('ready/') || entry.startsWith('held/'))).toEqual(
      format ? [] : ['ready/good.837', 'ready/good.csv'],
    );
    if (!format) expectGoodFilesProcessed(run);
  });

  itUnlessGap('G1')('a named input that does not exist: listed as unreadable, the others processed, exit 3', async () => {
    const inDir = path.join(work, 'missing-in');
    const good = writeInput(inDir, 'good.837', goodX12);
    const missing = path.join(inDir, 'nowhere.837');
    const run = await runInProcess([good, missing], path.join(work, 'missing-out'));
    expect(run.exitCode).toBe(3);
    expect(linesNaming(run.stderr, missing).some((line) => /^spinescrub: error: /.test(line))).toBe(true);
    const report = readExceptions(run.outDir);
    expect(report.summary.unreadable.map((entry) => entry.file)).toEqual([missing]);
    expect(writtenClaims(run.outDir, 'good.837', 'x12').ready).toEqual(['GOOD0001', 'GOOD0002', 'GOOD0003']);
  });
});

describe('a CSV with structural damage', () => {
  itUnlessGap('G6')('missing required columns: one line per file naming line 1, nothing written for it, exit 3', async () => {
    const content = 'claim_id,member_id,cpt\nC1,SYNMBR0001,64483\n';
    const { run, report, file } = await runWithGood('no-columns.csv', content);
    expect(run.exitCode).toBe(3);
    const lines = linesNaming(run.stderr, file);
    expect(lines.some((line) => /^spinescrub: error: /.test(line) && /line 1: missing required columns "dos"; .*--csv-map FILE/.test(line)), run.stderr).toBe(true);
    expect(lines.filter((line) => /missing required/.test(line))).toHaveLength(1);
    expect(report.summary.unreadable.map((entry) => entry.file)).toEqual([file]);
    expect(report.summary.unreadable[0]!.code).toBe('CSV_MISSING_COLUMN');
    expect(existsSync(path.join(run.outDir, 'ready', 'no-columns.csv'))).toBe(false);
    expectGoodFilesProcessed(run);
  });

  itUnlessGap('G6')('an unclosed quote half-way: the rows before it are held with the parse error, nothing ready, exit 3', async () => {
    const rows = [...cleanCsvRows('Q0001'), ...cleanCsvRows('Q0002')];
    const text = csvText(rows);
    const lines = text.split('\n');
    lines[3] = lines[3]!.replace(',64483,', ',"64483,'); // row of claim Q0002, line 4 of the file
    const { run, report, file } = await runWithGood('open-quote.csv', lines.join('\n'));
    expect(run.exitCode).toBe(3);
    expect(linesNaming(run.stderr, file).some((line) => /^spinescrub: error: /.test(line) && /line \d+/.test(line)), run.stderr).toBe(true);
    expect(report.summary.unreadable.map((entry) => entry.file)).toEqual([file]);
    expect(existsSync(path.join(run.outDir, 'ready', 'open-quote.csv'))).toBe(false);
    const written = writtenClaims(run.outDir, 'open-quote.csv', 'csv');
    expect(written.held).toEqual(['Q0001']);
    expect(report.findings.filter((finding) => finding.file === file && finding.claimId === 'Q0001').map((finding) => finding.ruleId)).toContain('CSV_PARSE_ERROR');
    expectGoodFilesProcessed(run);
  });
});

describe('a byte order mark is not damage', () => {
  it('an 837P and a CSV that start with a UTF-8 BOM are read as usual and written byte for byte', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const x12 = Buffer.concat([bom, Buffer.from(cleanX12(2, 'BOM'))]);
    const csv = Buffer.concat([bom, Buffer.from(cleanCsv(2, 'BCSV'))]);
    const inDir = path.join(work, 'bom-in');
    const run = await runInProcess([writeInput(inDir, 'bom.837', x12), writeInput(inDir, 'bom.csv', csv)], path.join(work, 'bom-out'));
    expect(run.exitCode).toBe(0);
    expect(readFileSync(path.join(run.outDir, 'ready', 'bom.837')).equals(x12)).toBe(true);
    expect(readFileSync(path.join(run.outDir, 'ready', 'bom.csv')).equals(csv)).toBe(true);
    expect(readExceptions(run.outDir).summary.unreadable).toEqual([]);
  });
});

describe('a damaged history database', () => {
  for (const [label, bytes] of [
    ['not a database', Buffer.from('this is not a database at all, just text padding padding padding')],
    ['a database cut in half', null],
  ] as const) {
    it(`${label}: exit 2, one line naming the database, nothing written under a final name`, async () => {
      const dir = path.join(work, `history-${label.replaceAll(' ', '-')}`);
      const input = writeInput(dir, 'good.837', goodX12);
      let database = path.join(dir, 'history.db');
      if (bytes) writeInput(dir, 'history.db', bytes);
      else {
        // A real history, then its file truncated (a disk that filled up, a copy cut short).
        const first = await runInProcess([input], path.join(dir, 'first-out'), { historyPath: database });
        expect(first.exitCode).toBe(0);
        const whole = readFileSync(database);
        database = writeInput(dir, 'cut.db', whole.subarray(0, Math.floor(whole.length / 2)));
      }
      const run = await runInProcess([input], path.join(dir, 'out'), { historyPath: database });
      expect(run.exitCode).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^spinescrub: error: .*history database/);
      expect(lines[0]).toContain(database);
      expect(listTree(run.outDir)).toEqual([]);
    });
  }
});
