/**
 * Idempotence (issue 7): `spinescrub run` on its own ready output proposes no correction and writes the same
 * bytes — every fix is a fixed point, and the writers reproduce what they wrote. Checked on the project's
 * samples (837P and CSV, with many corrected claims) and on synthetic files whose claims get corrected.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanClaim, cleanCsvRows, cleanup, csvText, listTree, readExceptions, runInProcess, tempDir, writeInput, x12File } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLES = ['clinic-a-clean.837', 'clinic-b-errors.837', 'clinic-c-history.837', 'clinic-a-clean.csv', 'clinic-b-errors.csv', 'clinic-c-history.csv'];

let work: string;
beforeAll(() => {
  work = tempDir('spinescrub-idempotence-');
});
afterAll(() => cleanup(work));

/** Claims that the run corrects and releases: wrong total, 64483 repeated for one side, RT + LT → 50. */
function correctedX12(): string {
  const date = '20261102';
  return x12File([
    // RT and LT of one primary on two lines: merged into one 50 line, charges summed (modifier/bilateral's fix).
    // A repeated primary is no longer corrected: primary/repeated only suggests the add-on split.
    {
      id: 'COR0001',
      diagnoses: ['M5416'],
      renderingNpi: '1999999992',
      lines: [
        { code: '64483', modifiers: ['RT'], charge: '850', units: '1', pointers: [1], date },
        { code: '64483', modifiers: ['LT'], charge: '850', units: '1', pointers: [1], date },
      ],
    },
    {
      id: 'COR0002',
      diagnoses: ['M5416'],
      renderingNpi: '1999999992',
      lines: [
        { code: '64493', modifiers: ['LT'], charge: '500', units: '1', pointers: [1], date },
        { code: '64493', modifiers: ['RT'], charge: '500', units: '1', pointers: [1], date },
      ],
    },
    cleanClaim('COR0003'),
  ]);
}

function correctedCsv(): string {
  return csvText([...cleanCsvRows('CCR0001').map((row) => ({ ...row, cpt: '64483', modifiers: row.line_no === '1' ? 'RT' : 'LT' })), ...cleanCsvRows('CCR0002')]);
}

async function twice(name: string, inputs: string[], withHistory = false, policy?: string): Promise<{ first: string; second: string; firstReport: ReturnType<typeof readExceptions>; secondReport: ReturnType<typeof readExceptions> }> {
  const first = path.join(work, `${name}-first`);
  const history = (run: string) => ({ ...(withHistory ? { historyPath: path.join(work, `${name}-${run}.db`) } : {}), ...(policy ? { policy } : {}) });
  const firstRun = await runInProcess(inputs, first, history('first'));
  expect(firstRun.exitCode).toBe(0);
  // The second run reads the first run's ready files, under the same names.
  const again = path.join(work, `${name}-ready`);
  mkdirSync(again, { recursive: true });
  for (const file of listTree(path.join(first, 'ready'))) copyFileSync(path.join(first, 'ready', file), path.join(again, file));
  const second = path.join(work, `${name}-second`);
  const secondRun = await runInProcess([again], second, history('second'));
  expect(secondRun.exitCode).toBe(0);
  return { first, second, firstReport: readExceptions(first), secondReport: readExceptions(second) };
}

function expectFixedPoint(result: Awaited<ReturnType<typeof twice>>): void {
  // The first run did correct something (otherwise the test would prove nothing).
  expect(result.firstReport.findings.filter((finding) => finding.action === 'corrected').length).toBeGreaterThan(0);
  // The second run proposes no correction and holds nothing.
  expect(result.secondReport.findings.filter((finding) => finding.action === 'corrected')).toEqual([]);
  expect(result.secondReport.summary.totals.held).toBe(0);
  expect(listTree(path.join(result.second, 'held'))).toEqual([]);
  // …and writes the same bytes.
  const firstReady = listTree(path.join(result.first, 'ready'));
  expect(listTree(path.join(result.second, 'ready'))).toEqual(firstReady);
  for (const file of firstReady) {
    expect(readFileSync(path.join(result.second, 'ready', file)).equals(readFileSync(path.join(result.first, 'ready', file))), file).toBe(true);
  }
}

describe('a run on its own ready output', () => {
  it('samples (837P and CSV): no correction proposed, the same bytes written', async () => {
    const dir = path.join(work, 'samples-in');
    mkdirSync(dir, { recursive: true });
    for (const sample of SAMPLES) copyFileSync(path.join(ROOT, 'samples', sample), path.join(dir, sample));
    expectFixedPoint(await twice('samples', SAMPLES.map((sample) => path.join(dir, sample))));
  });

  it('samples with a history index (each run its own, fresh): no correction proposed, the same bytes written', async () => {
    const dir = path.join(work, 'samples-history-in');
    mkdirSync(dir, { recursive: true });
    for (const sample of SAMPLES) copyFileSync(path.join(ROOT, 'samples', sample), path.join(dir, sample));
    expectFixedPoint(await twice('samples-history', SAMPLES.map((sample) => path.join(dir, sample)), true));
  });

  it('samples under the guide policy profile: no correction proposed, the same bytes written', async () => {
    const dir = path.join(work, 'samples-guide-in');
    mkdirSync(dir, { recursive: true });
    for (const sample of SAMPLES) copyFileSync(path.join(ROOT, 'samples', sample), path.join(dir, sample));
    expectFixedPoint(await twice('samples-guide', SAMPLES.map((sample) => path.join(dir, sample)), false, 'guide'));
  });

  it('corrected synthetic claims (RT and LT merged into 50): no correction proposed, the same bytes written', async () => {
    const dir = path.join(work, 'synthetic-in');
    const inputs = [writeInput(dir, 'corrected.837', correctedX12()), writeInput(dir, 'corrected.csv', correctedCsv())];
    const result = await twice('synthetic', inputs);
    expectFixedPoint(result);
    expect(result.firstReport.findings.filter((finding) => finding.action === 'corrected').map((finding) => finding.claimId).sort()).toEqual(
      expect.arrayContaining(['COR0001', 'COR0002', 'CCR0001']),
    );
  });
});
