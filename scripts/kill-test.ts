/**
 * A longer SIGKILL soak than the test suite's (test/reliability/crash.test.ts), on bigger inputs:
 *
 *   npx tsx scripts/kill-test.ts [--kills 100] [--scale 200] [--chain 5] [--seed 20261127]
 *
 * Writes three 837P files of `scale` claims and two CSV files of 60 % of that (synthetic), runs
 * `spinescrub run` once uninterrupted (the reference), then kills runs with SIGKILL — by timer, or right after
 * the n-th file is done — in chains over one output directory and one history database. After every kill the
 * outputs must be complete or absent and the database consistent; after every chain a run left alone must give
 * the reference's exit code, bytes and history. Prints what it did; exits 1 at the first violation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import {
  bundleCli,
  checkHistory,
  checkOutputs,
  nextKill,
  random,
  readOutputs,
  removeBundle,
  runChild,
  stageOf,
  writeInputs,
} from '../test/reliability/crash-harness.js';
import { listTree } from '../test/reliability/helpers.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '100' },
    scale: { type: 'string', default: '200' },
    chain: { type: 'string', default: '5' },
    seed: { type: 'string', default: '20261127' },
  },
});
const kills = Number(values.kills);
const scale = Number(values.scale);
const chainLength = Number(values.chain);
const seed = Number(values.seed);
for (const [name, value] of Object.entries({ kills, scale, chain: chainLength, seed })) {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected \`--${name}\` to be a whole number from 1 up, got ${String(value)}`);
}

const work = mkdtempSync(path.join(tmpdir(), 'spinescrub-kill-'));
const bundle = await bundleCli();
const started = performance.now();
try {
  const inputs = path.join(work, 'inbound');
  writeInputs(inputs, scale);
  const reference = await runChild(bundle, inputs, path.join(work, 'reference-out'), path.join(work, 'reference.db'), { kind: 'none' });
  if (reference.code !== 0) throw new Error(`the reference run exited ${reference.code}: ${reference.stderr}`);
  const referenceTree = readOutputs(path.join(work, 'reference-out'));
  const referenceHistory = checkHistory(path.join(work, 'reference.db'));
  console.log(`reference run: ${reference.ms.toFixed(0)} ms, ${referenceTree.size} outputs, ${referenceHistory.claims} claims recorded`);

  const next = random(seed);
  const stages = { before: 0, files: 0, after: 0, finished: 0 };
  let done = 0;
  for (let chain = 0; done < kills; chain += 1) {
    const out = path.join(work, `chain-${chain}-out`);
    const history = path.join(work, `chain-${chain}.db`);
    for (let step = 0; step < chainLength && done < kills; step += 1, done += 1) {
      const result = await runChild(bundle, inputs, out, history, nextKill(next, reference.ms));
      if (result.signal === 'SIGKILL') stages[stageOf(result)] += 1;
      else if (result.code === reference.code) stages.finished += 1;
      else throw new Error(`run ${done + 1}: exited ${result.code} without being killed: ${result.stderr}`);
      checkOutputs(out, referenceTree);
      checkHistory(history);
    }
    const final = await runChild(bundle, inputs, out, history, { kind: 'none' });
    if (final.code !== reference.code) throw new Error(`chain ${chain}: the completing run exited ${final.code}: ${final.stderr}`);
    const present = checkOutputs(out, referenceTree);
    if (!isDeepStrictEqual(present, [...referenceTree.keys()]) || !isDeepStrictEqual(listTree(out), present)) {
      throw new Error(`chain ${chain}: outputs ${listTree(out).join(', ')} differ from the reference's`);
    }
    if (!isDeepStrictEqual(checkHistory(history), referenceHistory)) throw new Error(`chain ${chain}: the history differs from the reference's`);
    rmSync(out, { recursive: true, force: true });
    rmSync(history, { force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${kills} runs: killed before any file was done ${stages.before}, between files ${stages.files}, after the last file ${stages.after}; finished before the kill ${stages.finished}. ` +
      `Every kill left complete-or-absent outputs and a consistent history; every chain completed with the reference's bytes. ${seconds.toFixed(1)} s`,
  );
} finally {
  removeBundle(bundle);
  rmSync(work, { recursive: true, force: true });
}
