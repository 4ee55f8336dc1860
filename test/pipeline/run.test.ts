/**
 * runPipeline in-process: exit codes, unreadable and broken inputs, conservation, atomic and re-runnable
 * outputs, what logs may say. Inputs are built from the X12 helper's synthetic fixture (no real patient data).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listOutputTree } from '../support/output-tree.js';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPipeline, type RunOptions } from '../../src/pipeline/run.js';

const BASIC = readFileSync(new URL('../x12/fixtures/spine-basic.837', import.meta.url), 'latin1');
/**
 * No open finding (the fixture's claims are commercial, CI): M54.5 (a header since 2021-10-01) → M54.50, deleted
 * J1040 → J1010 × 80, and SYNCLM003's 77003-26-XU (imaging included in 62323 whatever the modifiers:
 * imaging/bundled) → a knee injection 20610-RT-XS.
 */
const CLEAN = BASIC.replace('ABF:M545~', 'ABF:M5450~')
  .replace('SV1*HC:J1040*12.25*UN*1***1', 'SV1*HC:J1010*12.25*UN*80***1')
  .replace('SV1*HC:77003:26:XU*150', 'SV1*HC:20610:RT:XS*150');
/** SYNCLM003's 62323 becomes a code of the wrong shape: claim/unknown-procedure, an error no fix resolves. */
const WITH_HELD = CLEAN.replace('SV1*HC:62323*', 'SV1*HC:6232*');
/** SE01 off by one: the envelope cannot be trusted. */
const BROKEN_ENVELOPE = CLEAN.replace(/SE\*(\d+)\*0001/, (_whole, count: string) => `SE*${Number(count) + 1}*0001`);

let work: string;

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-run-'));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const full = path.join(work, 'in', name);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content, 'latin1');
  return full;
}

interface Captured {
  stdout: string;
  stderr: string;
}

async function run(inputs: string[], extra: Partial<RunOptions> = {}): Promise<Awaited<ReturnType<typeof runPipeline>> & Captured> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const outcome = await runPipeline({
    inputs,
    outDir: path.join(work, 'out'),
    historyPath: path.join(work, 'history.db'),
    record: true,
    prior: [],
    failOn: 'never',
    holdOn: 'error',
    jobs: 2,
    fix: true,
    asOf: '2026-11-27',
    quiet: false,
    logFormat: 'text',
    progress: false,
    stdout,
    stderr,
    ...extra,
  });
  return { ...outcome, stdout: out, stderr: err.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z /gm, '') };
}

function outFiles(): string[] {
  return listOutputTree(path.join(work, 'out'));
}

interface Report {
  summary: {
    totals: { files: number; claims: number; ready: number; held: number; unreadableFiles: number };
    files: { file: string; claims: number; ready: number; held: number; readable: boolean; history?: string; problems: { code: string }[] }[];
    unreadable: { file: string; code: string; message: string }[];
  };
  findings: { file: string; claimId: string; ruleId: string; action: string }[];
}

function report(): Report {
  return JSON.parse(readFileSync(path.join(work, 'out', 'exceptions.json'), 'utf8')) as Report;
}

describe('runPipeline', () => {
  it('writes ready and held files (each only when it has claims) and every report, nothing else', async () => {
    const clean = file('clean.837', CLEAN);
    const mixed = file('mixed.837', WITH_HELD);
    const outcome = await run([clean, mixed]);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outFiles().sort()).toEqual(['exceptions.csv', 'exceptions.json', 'held-claims.csv', 'held/mixed.837', 'junit.xml', 'ready/clean.837', 'ready/mixed.837', 'report.html']);
    const { summary, findings } = report();
    expect(summary.totals).toMatchObject({ files: 2, claims: 6, ready: 5, held: 1, unreadableFiles: 0 });
    expect(findings.filter((finding) => finding.action === 'held').map((finding) => [finding.file, finding.claimId, finding.ruleId])).toContainEqual([
      mixed,
      'SYNCLM003',
      'claim/unknown-procedure',
    ]);
    const junit = readFileSync(path.join(work, 'out', 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(6);
    expect(junit.match(/<failure /g)).toHaveLength(1);
  });

  it('exits 1 with --fail-on error when an error stays open, 0 with --fail-on never', async () => {
    const mixed = file('mixed.837', WITH_HELD);
    const failed = await run([mixed], { failOn: 'error', record: false });
    expect(failed.exitCode, failed.stderr).toBe(1);
    expect((await run([mixed], { failOn: 'never', record: false })).exitCode).toBe(0);
  });

  it('exits 3 for an input that cannot be read, and still processes the others', async () => {
    const clean = file('clean.837', CLEAN);
    const json = file('claims.json', '{"claims": []}\n');
    const empty = file('empty.837', '');
    const outcome = await run([clean, path.join(work, 'in', 'missing.837'), json, empty]);
    expect(outcome.exitCode).toBe(3);
    expect(existsSync(path.join(work, 'out', 'ready', 'clean.837'))).toBe(true);
    expect(report().summary.unreadable.map((entry) => entry.code)).toEqual(['INPUT_UNKNOWN_FORMAT', 'INPUT_EMPTY', 'INPUT_NOT_FOUND']);
    expect(outcome.stderr).toContain(`${path.join(work, 'in', 'missing.837')}: no such file or directory`);
  });

  it('releases nothing of a file whose envelope is broken: every claim held with the problem, exit 3', async () => {
    const broken = file('broken.837', BROKEN_ENVELOPE);
    const outcome = await run([broken]);
    expect(outcome.exitCode).toBe(3);
    expect(outFiles()).toContain('held/broken.837');
    expect(outFiles()).not.toContain('ready/broken.837');
    const { summary, findings } = report();
    expect(summary.files[0]).toMatchObject({ claims: 3, ready: 0, held: 3, readable: false });
    const envelope = findings.filter((finding) => finding.ruleId === 'X12_SE_COUNT');
    expect(envelope.map((finding) => finding.claimId)).toEqual(['SYNCLM001', 'SYNCLM002', 'SYNCLM003']);
    expect(envelope.every((finding) => finding.action === 'held')).toBe(true);
  });

  it('rejects a CSV file without its required columns before any output, and a truncated 837P releases nothing', async () => {
    const csv = file('export.csv', 'claim_id,dos,cpt\nA1,2026-01-05,64483\n');
    const cut = file('cut.837', CLEAN.slice(0, CLEAN.indexOf('CLM*SYNCLM003')));
    const clean = file('clean.837', CLEAN);
    const outcome = await run([csv, cut, clean]);
    expect(outcome.exitCode).toBe(3);
    const { summary } = report();
    expect(summary.files.map((entry) => [path.basename(entry.file), entry.claims, entry.ready, entry.held, entry.readable])).toEqual([
      ['export.csv', 0, 0, 0, false],
      ['cut.837', 2, 0, 2, false],
      ['clean.837', 3, 3, 0, true],
    ]);
    expect(summary.files[0]!.problems.map((problem) => problem.code)).toContain('CSV_MISSING_COLUMN');
    expect(outFiles().filter((name) => name.includes('export.csv') || name.startsWith('ready/cut'))).toEqual([]);
    expect(summary.unreadable.map((entry) => path.basename(entry.file))).toEqual(['export.csv', 'cut.837']);
  });

  it('walks directories for files that start with ISA and .csv files only', async () => {
    file('a/one.837', CLEAN);
    file('a/b/two.edi', WITH_HELD);
    file('a/notes.txt', 'not claims');
    file('a/c.json', '{}');
    const outcome = await run([path.join(work, 'in', 'a')]);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(report().summary.files.map((entry) => path.relative(work, entry.file))).toEqual([
      path.join('in', 'a', 'b', 'two.edi'),
      path.join('in', 'a', 'one.837'),
    ]);
  });

  it('writes same-named inputs under their path below the folder they share', async () => {
    const one = file('x/claims.837', CLEAN);
    const two = file('y/claims.837', WITH_HELD);
    const outcome = await run([one, two]);
    expect(outcome.exitCode, outcome.stderr).toBe(0);
    expect(outFiles().filter((name) => /^(ready|held)\//.test(name))).toEqual(['held/y/claims.837', 'ready/x/claims.837', 'ready/y/claims.837']);
  });

  it('refuses an unknown policy (exit 2, one line, no stack trace)', async () => {
    const outcome = await run([file('clean.837', CLEAN)], { policy: path.join(work, 'nope.json') });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toContain('CFG_POLICY_NOT_FOUND');
  });

  it('refuses an unreadable CSV column map (exit 2, one line naming the file)', async () => {
    const map = path.join(work, 'no-map.json');
    const outcome = await run([file('clean.837', CLEAN)], { csvMaps: [map] });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toBe(`spinescrub: error: CFG_CSV_MAP_NOT_FOUND: ${map}: no such file\n`);
  });

  it('writes untouched claims byte-identical with --no-fix', async () => {
    const clean = file('clean.837', CLEAN);
    await run([clean], { fix: false, record: false });
    expect(readFileSync(path.join(work, 'out', 'ready', 'clean.837'), 'latin1')).toBe(CLEAN);
  });

  it('leaves no staging directory, and removes a held file an earlier run left when there is none now', async () => {
    const input = file('claims.837', WITH_HELD);
    await run([input], { record: false });
    expect(outFiles()).toContain('held/claims.837');
    writeFileSync(input, CLEAN, 'latin1');
    await run([input], { record: false });
    expect(outFiles()).not.toContain('held/claims.837');
    // No run directory but the current one (a leftover would show in outFiles), no temporary files in it.
    expect(readdirSync(path.join(work, 'out', '.spinescrub-runs'))).toHaveLength(1);
    expect(existsSync(path.join(work, 'out', '.spinescrub-current', '.tmp'))).toBe(false);
  });

  it('gives the same bytes on a re-run with the history it recorded', async () => {
    const clean = file('clean.837', CLEAN);
    const mixed = file('mixed.837', WITH_HELD);
    const firstRun = await run([clean, mixed], { logFormat: 'json' });
    const first = new Map(outFiles().map((name) => [name, readFileSync(path.join(work, 'out', name))]));
    const historyOf = (stderr: string): unknown[] =>
      stderr.trim().split('\n').map((line) => JSON.parse(line) as { event: string; history?: string }).filter((line) => line.event === 'file-done').map((line) => line.history);
    expect(historyOf(firstRun.stderr)).toEqual(['recorded', 'recorded']);
    const secondRun = await run([clean, mixed], { logFormat: 'json' });
    expect(historyOf(secondRun.stderr)).toEqual(['already-recorded', 'already-recorded']);
    for (const [name, bytes] of first) expect(readFileSync(path.join(work, 'out', name)).equals(bytes), name).toBe(true);
  });

  it('adds --prior files to the history first (once), and checks the inputs against them', async () => {
    const prior = file('prior.837', CLEAN.replace(/CLM\*SYNCLM/g, 'CLM*PRIORCLM'));
    const input = file('claims.837', CLEAN);
    const first = await run([input], { prior: [prior], record: false, logFormat: 'json' });
    const priorLog = (stderr: string) => stderr.trim().split('\n').map((line) => JSON.parse(line) as { event: string; outcome?: string }).find((line) => line.event === 'prior');
    expect(priorLog(first.stderr)).toMatchObject({ outcome: 'added' });
    const duplicates = report().findings.filter((finding) => finding.ruleId === 'history/duplicate');
    expect(duplicates.map((finding) => finding.claimId)).toContain('SYNCLM001');
    expect(duplicates.every((finding) => finding.action === 'held')).toBe(true);
    const second = await run([input], { prior: [prior], record: false, logFormat: 'json' });
    expect(priorLog(second.stderr)).toMatchObject({ outcome: 'already-added' });
  });

  it('never logs names, dates of birth or member ids', async () => {
    const mixed = file('mixed.837', WITH_HELD);
    const outcome = await run([mixed], { logFormat: 'json' });
    const logs = outcome.stdout + outcome.stderr;
    for (const secret of ['SYN0000001', 'SYN0000002', 'TESTPATIENT', 'ALPHA', 'TESTSUBSCRIBER', '19600115', '1960-01-15', '19550704']) {
      expect(logs).not.toContain(secret);
    }
    for (const line of outcome.stderr.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
