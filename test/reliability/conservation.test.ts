/**
 * Conservation (issue 7): every claim read is written exactly once, to ready or to held — claims in = ready +
 * held, per file, counted by scanning the written files (not by the pipeline's counters). And the run checks it
 * itself: a writer that loses a claim (an injected fault: the X12 writer module is wrapped with vi.mock) makes
 * the run fail loudly — exit 3, an error line naming the file, the problem in exceptions.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Writable } from 'node:stream';
import type { ClaimWriter } from '../../src/formats/types.js';
import { cleanClaim, cleanCsv, cleanCsvRows, cleanup, csvText, listTree, readExceptions, runInProcess, tempDir, writeInput, writtenClaims, x12ClaimIds, x12File } from './helpers.js';

/** The fault to inject: drop the claim with this id (the writer then reports only what it wrote). */
const fault: { dropClaimId: string | null } = { dropClaimId: null };

vi.mock('../../src/x12/writer.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/x12/writer.js')>();
  return {
    ...original,
    createX12Writer: (out: Writable): ClaimWriter => {
      const writer = original.createX12Writer(out);
      // The inner writer never sees the dropped claim, so its count is honest: it wrote one claim fewer.
      return {
        write: (read, claim, changed) =>
          fault.dropClaimId !== null && read.claim.claimId === fault.dropClaimId ? Promise.resolve() : writer.write(read, claim, changed),
        close: () => writer.close(),
      };
    },
  };
});

vi.mock('../../src/csv/writer.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/csv/writer.js')>();
  return {
    ...original,
    createCsvWriter: (...args: Parameters<typeof original.createCsvWriter>): ClaimWriter => {
      const writer = original.createCsvWriter(...args);
      return {
        write: (read, claim, changed) =>
          fault.dropClaimId !== null && read.claim.claimId === fault.dropClaimId ? Promise.resolve() : writer.write(read, claim, changed),
        close: () => writer.close(),
      };
    },
  };
});

let work: string;
beforeAll(() => {
  work = tempDir('spinescrub-conservation-');
});
afterAll(() => {
  fault.dropClaimId = null;
  cleanup(work);
});

/** A file with clean claims and claims that end held (a 51-line claim, a bad charge) and corrected. */
function mixedX12(): string {
  // 64484 billed as a second 64483: held, the second level's code only suggested (primary/repeated).
  const corrected = { ...cleanClaim('MIX0003'), lines: [cleanClaim('x').lines[0]!, { ...cleanClaim('x').lines[1]!, code: '64483' }] };
  const held = { ...cleanClaim('MIX0002'), lines: [{ ...cleanClaim('x').lines[0]!, charge: 'ABC' }, cleanClaim('x').lines[1]!], total: '300.5' };
  return x12File([cleanClaim('MIX0001'), held, corrected, cleanClaim('MIX0004'), cleanClaim('MIX0005')]);
}

function mixedCsv(): string {
  const rows = [...cleanCsvRows('CMX0001'), ...cleanCsvRows('CMX0002').map((row) => ({ ...row, charge: 'N/A' })), ...cleanCsvRows('CMX0003')];
  return csvText(rows);
}

describe('claims in = ready + held, per file', () => {
  it('every claim of every file is written once, to ready or held, and the counts agree with the written files', async () => {
    const dir = path.join(work, 'in');
    const files = [
      { name: 'mixed.837', format: 'x12' as const, path: writeInput(dir, 'mixed.837', mixedX12()) },
      { name: 'mixed.csv', format: 'csv' as const, path: writeInput(dir, 'mixed.csv', mixedCsv()) },
      { name: 'clean.csv', format: 'csv' as const, path: writeInput(dir, 'clean.csv', cleanCsv(4, 'CLN')) },
    ];
    const run = await runInProcess(files.map((file) => file.path), path.join(work, 'out'));
    expect(run.exitCode).toBe(0);
    const report = readExceptions(run.outDir);
    const expected: Record<string, string[]> = {
      'mixed.837': ['MIX0001', 'MIX0002', 'MIX0003', 'MIX0004', 'MIX0005'],
      'mixed.csv': ['CMX0001', 'CMX0002', 'CMX0003'],
      'clean.csv': ['CLN0001', 'CLN0002', 'CLN0003', 'CLN0004'],
    };
    for (const file of files) {
      const written = writtenClaims(run.outDir, file.name, file.format);
      const summary = report.summary.files.find((entry) => entry.file === file.path)!;
      expect([...written.ready, ...written.held].sort(), file.name).toEqual(expected[file.name]);
      expect(summary.claims).toBe(summary.ready + summary.held);
      expect({ ready: summary.ready, held: summary.held }).toEqual({ ready: written.ready.length, held: written.held.length });
    }
    expect(writtenClaims(run.outDir, 'mixed.837', 'x12').held).toEqual(['MIX0002', 'MIX0003']);
    expect(writtenClaims(run.outDir, 'mixed.csv', 'csv').held).toEqual(['CMX0002']);
    expect(report.summary.totals).toMatchObject({ claims: 12, ready: 9, held: 3 });
  });

  it('the input claim ids are exactly the output claim ids (no claim written twice)', async () => {
    const text = mixedX12();
    const file = writeInput(path.join(work, 'twice-in'), 'twice.837', text);
    const run = await runInProcess([file], path.join(work, 'twice-out'));
    const written = writtenClaims(run.outDir, 'twice.837', 'x12');
    expect([...written.ready, ...written.held].sort()).toEqual(x12ClaimIds(text).sort());
    expect(new Set([...written.ready, ...written.held]).size).toBe(written.ready.length + written.held.length);
  });
});

describe('the run checks conservation itself', () => {
  it('a writer that loses a claim: exit 3, an error line naming the file, RUN_CONSERVATION in exceptions.json', async () => {
    const dir = path.join(work, 'fault-in');
    const lossy = writeInput(dir, 'lossy.837', x12File([cleanClaim('LOS0001'), cleanClaim('LOS0002'), cleanClaim('LOS0003')]));
    const other = writeInput(dir, 'other.csv', cleanCsv(2, 'OTH'));
    fault.dropClaimId = 'LOS0002';
    try {
      const run = await runInProcess([lossy, other], path.join(work, 'fault-out'));
      expect(run.exitCode).toBe(3);
      const errorLines = run.stderr.split('\n').filter((line) => line.startsWith('spinescrub: error: ') && line.includes(lossy));
      expect(errorLines.some((line) => /RUN_CONSERVATION/.test(line) && /3 claims read/.test(line)), run.stderr).toBe(true);
      const report = readExceptions(run.outDir);
      const summary = report.summary.files.find((entry) => entry.file === lossy)!;
      expect(summary.problems.map((problem) => problem.code)).toContain('RUN_CONSERVATION');
      expect(report.summary.unreadable.map((entry) => entry.file)).toContain(lossy);
      // The other file is unaffected.
      expect(writtenClaims(run.outDir, 'other.csv', 'csv').ready).toEqual(['OTH0001', 'OTH0002']);
    } finally {
      fault.dropClaimId = null;
    }
  });

  it('a file that fails conservation keeps nothing: no ready/held output (a stale one goes), no claim in the history, no rows; the others are processed', async () => {
    const dir = path.join(work, 'fault-keep-in');
    const lossy = writeInput(dir, 'lossy.837', x12File([cleanClaim('LOS0001'), cleanClaim('LOS0002'), cleanClaim('LOS0003')]));
    const other = writeInput(dir, 'other.csv', cleanCsv(2, 'OTH'));
    const outDir = path.join(work, 'fault-keep-out');
    // What an earlier run left under the final name must not pass for this run's output.
    writeInput(outDir, 'ready/lossy.837', 'an earlier run');
    const historyPath = path.join(work, 'fault-keep-history.db');
    fault.dropClaimId = 'LOS0002';
    try {
      const run = await runInProcess([lossy, other], outDir, { historyPath, jobs: 1 });
      expect(run.exitCode).toBe(3);
      expect(listTree(outDir)).toEqual(['exceptions.csv', 'exceptions.json', 'held-claims.csv', 'junit.xml', 'ready/other.csv', 'report.html']);
      expect(writtenClaims(outDir, 'other.csv', 'csv')).toEqual({ ready: ['OTH0001', 'OTH0002'], held: [] });

      const db = new Database(historyPath, { readonly: true });
      try {
        const recorded = db.prepare('SELECT f.name AS file, c.claim_id AS claim FROM claims c JOIN files f ON f.id = c.file_id ORDER BY c.id').all();
        expect(recorded).toEqual([
          { file: other, claim: 'OTH0001' },
          { file: other, claim: 'OTH0002' },
        ]);
      } finally {
        db.close();
      }

      const report = readExceptions(outDir);
      expect(report.summary.totals).toEqual({ files: 2, claims: 2, ready: 2, held: 0, correctedLines: 0, findings: 0, unreadableFiles: 1 });
      expect(report.summary.files.find((entry) => entry.file === lossy)).toEqual({
        file: lossy,
        format: 'x12',
        bytes: Buffer.byteLength(readFileSync(lossy)),
        claims: 0,
        ready: 0,
        held: 0,
        correctedLines: 0,
        findings: 0,
        readable: false,
        problems: [{ code: 'RUN_CONSERVATION', message: `${lossy}: 3 claims read but 2 written to ready and 0 to held`, envelope: false, fatal: true }],
      });
      expect(report.summary.unreadable).toEqual([{ file: lossy, code: 'RUN_CONSERVATION', message: `${lossy}: 3 claims read but 2 written to ready and 0 to held` }]);
      expect(report.findings.filter((finding) => finding.file === lossy)).toEqual([]);

      const junit = readFileSync(path.join(outDir, 'junit.xml'), 'utf8');
      expect(junit).toContain('<testsuites name="spinescrub" tests="3" failures="0" errors="1">');
      expect(junit).toContain(
        `  <testsuite name="${lossy}" tests="1" failures="0" errors="1">\n` +
          `    <testcase classname="${lossy}" name="file is readable">\n` +
          `      <error type="unreadable" message="RUN_CONSERVATION">RUN_CONSERVATION: ${lossy}: 3 claims read but 2 written to ready and 0 to held</error>\n` +
          '    </testcase>\n  </testsuite>\n',
      );
      expect(junit).not.toContain('LOS000');
    } finally {
      fault.dropClaimId = null;
    }
  });

  it('the same for a CSV writer that loses a claim', async () => {
    const dir = path.join(work, 'fault-csv-in');
    const lossy = writeInput(dir, 'lossy.csv', cleanCsv(3, 'LCS'));
    fault.dropClaimId = 'LCS0003';
    try {
      const run = await runInProcess([lossy], path.join(work, 'fault-csv-out'));
      expect(run.exitCode).toBe(3);
      expect(run.stderr.split('\n').some((line) => line.startsWith('spinescrub: error: ') && line.includes(lossy) && /RUN_CONSERVATION/.test(line))).toBe(true);
      const report = readExceptions(run.outDir);
      expect(report.summary.unreadable.map((entry) => entry.file)).toEqual([lossy]);
    } finally {
      fault.dropClaimId = null;
    }
  });

  it('without the fault the same inputs conserve every claim (the mock itself loses nothing)', async () => {
    const dir = path.join(work, 'nofault-in');
    const file = writeInput(dir, 'lossy.837', x12File([cleanClaim('LOS0001'), cleanClaim('LOS0002'), cleanClaim('LOS0003')]));
    const run = await runInProcess([file], path.join(work, 'nofault-out'));
    expect(run.exitCode).toBe(0);
    expect(run.stderr).not.toMatch(/RUN_CONSERVATION/);
    expect(writtenClaims(run.outDir, 'lossy.837', 'x12').ready).toEqual(['LOS0001', 'LOS0002', 'LOS0003']);
  });
});
