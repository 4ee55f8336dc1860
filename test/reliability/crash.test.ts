/**
 * Crash safety (issue 7): `spinescrub run` is killed with SIGKILL at random moments — by timer, and right after
 * a file is done (the history commit, the reports, the renames) — many times over the same output directory
 * and history database. After every kill:
 * - no half-written file under a final name: every file outside the staging directory is byte-identical to the
 *   output of an uninterrupted run (complete or absent);
 * - the history database is consistent: integrity_check ok, no foreign key broken, each file recorded once with
 *   exactly the claims and lines it says it has, no claim recorded twice.
 * After each chain of kills, a run left alone completes with the same exit code and the same bytes as the
 * uninterrupted run, leaves no staging directory, and the history holds what the uninterrupted run recorded.
 *
 * The children run `node` on an esbuild bundle of the CLI (crash-harness.ts), not tsx, so that most of each run
 * is spent in the pipeline rather than in loading TypeScript. A longer soak: `npx tsx scripts/kill-test.ts`.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, checkHistory, checkOutputs, nextKill, random, readOutputs, removeBundle, runChild, stageOf, writeInputs, type HistoryState } from './crash-harness.js';
import { cleanup, listTree, tempDir } from './helpers.js';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 16);
const CHAIN = 4;
const SEED = 20261127;

let work: string;
let bundle: string;
let inputs: string;
let referenceTree: Map<string, Buffer>;
let referenceHistory: HistoryState;
let referenceCode: number | null;
let referenceMs: number;

beforeAll(async () => {
  work = tempDir('spinescrub-crash-');
  bundle = await bundleCli();
  inputs = path.join(work, 'inbound');
  writeInputs(inputs, 40);
  const out = path.join(work, 'reference-out');
  const history = path.join(work, 'reference.db');
  const first = await runChild(bundle, inputs, out, history, { kind: 'none' });
  referenceCode = first.code;
  referenceMs = first.ms;
  referenceTree = readOutputs(out);
  referenceHistory = checkHistory(history);
}, 60_000);

afterAll(() => {
  if (bundle) removeBundle(bundle);
  cleanup(work);
});

describe('SIGKILL at random moments', () => {
  it('the uninterrupted reference run completes and records every released claim', () => {
    expect(referenceCode).toBe(0);
    expect([...referenceTree.keys()]).toEqual([
      'exceptions.csv',
      'exceptions.json',
      'held/a.837',
      'held/b.837',
      'held/c.837',
      'held/d.csv',
      'held/e.csv',
      'junit.xml',
      'ready/a.837',
      'ready/b.837',
      'ready/c.837',
      'ready/d.csv',
      'ready/e.csv',
      'report.html',
    ]);
    expect(referenceHistory.files).toHaveLength(5);
    expect(referenceHistory.claims).toBeGreaterThan(90);
  });

  it(`${KILLS} kills in chains of ${CHAIN}: outputs complete or absent, history consistent, then the same bytes as an uninterrupted run`, async () => {
    const next = random(SEED);
    const killedDuring = { before: 0, files: 0, after: 0 };
    for (let chain = 0; chain * CHAIN < KILLS; chain += 1) {
      const out = path.join(work, `chain-${chain}-out`);
      const history = path.join(work, `chain-${chain}.db`);
      for (let kill = 0; kill < CHAIN && chain * CHAIN + kill < KILLS; kill += 1) {
        const result = await runChild(bundle, inputs, out, history, nextKill(next, referenceMs));
        if (result.signal === 'SIGKILL') killedDuring[stageOf(result)] += 1;
        else expect(result.code, result.stderr).toBe(referenceCode); // it finished before the kill
        checkOutputs(out, referenceTree);
        checkHistory(history);
      }
      // Left alone, the run completes: same exit code, same bytes, no staging left, the same history.
      const final = await runChild(bundle, inputs, out, history, { kind: 'none' });
      expect(final.code, final.stderr).toBe(referenceCode);
      expect(checkOutputs(out, referenceTree)).toEqual([...referenceTree.keys()]);
      expect(listTree(out)).toEqual([...referenceTree.keys()]);
      expect(checkHistory(history)).toEqual(referenceHistory);
    }
    // The schedule did reach the runs at several stages (else the test would prove little).
    expect(killedDuring.before + killedDuring.files + killedDuring.after).toBeGreaterThanOrEqual(Math.floor(KILLS / 2));
    expect(killedDuring.files + killedDuring.after).toBeGreaterThan(0);
    console.log(`crash test: reference run ${referenceMs.toFixed(0)} ms; kills before any file done ${killedDuring.before}, between files ${killedDuring.files}, after the last file ${killedDuring.after}`);
  }, 240_000);
});
