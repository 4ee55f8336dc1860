/**
 * Benchmark of the validation core: claims per second through normalize + the rule engine alone (whole
 * catalogue, history empty, medicare policy), on a generated 50 MB 837P. The file is parsed first (streamed,
 * not timed); only the calls below are timed, per claim, with baselines measured in the same run:
 *
 *   normalize      normalizeClaim + sessionsOf (the floor every rule run pays)
 *   engine --no-fix  runRules(fix: false): normalize + every rule once
 *   engine         runRules(fix: true): normalize + rules + fixes + re-runs (what `spinescrub run` does)
 *   engine+history checkClaim(fix: true) with a run history (--history): the claims released to ready are added
 *                  to it as they are checked, as `spinescrub run` does, so each claim sees the claims before it
 *                  (a new history database in --dir, discarded at the end; the adds are not timed)
 *
 *   npx tsx scripts/bench-rules.ts [--mb 50] [--file FILE] [--dir /tmp/spinescrub-bench] [--rounds 1] [--history]
 *
 * The generated file (scripts/generate-837p.ts, seed 1) is reused when it exists (same name as bench-x12.ts).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Claim } from '../src/encounter/model.js';
import { normalizeClaim } from '../src/encounter/normalize.js';
import { sessionsOf } from '../src/encounter/sessions.js';
import { emptyHistory } from '../src/history/view.js';
import { medicare } from '../src/policy/profiles.js';
import { defaultReference } from '../src/reference/index.js';
import { checkClaim, prepareRules, runRules } from '../src/rules/engine.js';
import { openHistory } from '../src/history/store.js';
import { rules } from '../src/rules/index.js';
import { readX12 } from '../src/x12/reader.js';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '50' },
    file: { type: 'string' },
    dir: { type: 'string', default: '/tmp/spinescrub-bench' },
    rounds: { type: 'string', default: '1' },
    history: { type: 'boolean', default: false },
  },
});
const mb = Number(values.mb);
const rounds = Math.max(1, Number(values.rounds));

async function generatedFile(): Promise<string> {
  if (values.file) return values.file;
  mkdirSync(values.dir!, { recursive: true });
  const file = join(values.dir!, `generated-${mb}mb.837`);
  if (existsSync(file)) return file;
  const { generate837p } = (await import('./generate-837p.js')) as {
    generate837p: (options: { mb?: number; seed?: number }, out: Writable) => Promise<{ claims: number; bytes: number }>;
  };
  const out = createWriteStream(file);
  const result = await generate837p({ mb, seed: 1 }, out);
  out.end();
  await once(out, 'finish');
  console.error(`generated ${file}: ${result.claims} claims, ${result.bytes} bytes`);
  return file;
}

const file = await generatedFile();
const parseStarted = performance.now();
const parseCpu = process.cpuUsage();
const claims: Claim[] = [];
const reader = readX12(createReadStream(file, { highWaterMark: 64 * 1024 }), file);
for await (const read of reader.claims()) claims.push(read.claim);
const parseWallMs = performance.now() - parseStarted;
const parseUsed = process.cpuUsage(parseCpu);
const parseMs = (parseUsed.user + parseUsed.system) / 1000;
const lines = claims.reduce((sum, claim) => sum + claim.lines.length, 0);
console.error(`parsed ${claims.length} claims (${lines} lines) from ${(statSync(file).size / 1048576).toFixed(1)} MB in cpu ${(parseMs / 1000).toFixed(2)} s (wall ${(parseWallMs / 1000).toFixed(2)} s; not part of the figures below)`);

// The rules made ready for the policy once, as `spinescrub run` does.
const options = { rules, policy: medicare, prepared: prepareRules(rules, medicare), reference: defaultReference, history: emptyHistory, asOf: '2026-11-27' };

/**
 * Times `each` over every claim; best of `rounds`. CPU time (user + system of this process) is reported beside
 * wall time and used for the figures: the machine is shared, and CPU time is what a busy neighbour disturbs least.
 */
function time(label: string, each: (claim: Claim) => void): number {
  // Warm-up on the first 2,000 claims (JIT), then the timed pass(es).
  for (let i = 0; i < Math.min(2000, claims.length); i++) each(claims[i]!);
  let bestCpu = Infinity;
  let bestWall = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const claim of claims) each(claim);
    const used = process.cpuUsage(cpu);
    bestWall = Math.min(bestWall, performance.now() - started);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
  }
  const perSecond = claims.length / (bestCpu / 1000);
  console.log(
    `${label.padEnd(16)} cpu ${(bestCpu / 1000).toFixed(2).padStart(6)} s (wall ${(bestWall / 1000).toFixed(2).padStart(6)} s)  ` +
      `${Math.round(perSecond).toLocaleString('en-US').padStart(9)} claims/s  ${((bestCpu * 1000) / claims.length).toFixed(1).padStart(6)} µs/claim`,
  );
  return bestCpu;
}

let sink = 0;
const normalizeMs = time('normalize', (claim) => {
  sink += sessionsOf(normalizeClaim(claim, defaultReference)).length;
});
const noFixMs = time('engine --no-fix', (claim) => {
  sink += runRules(claim, { ...options, fix: false }).findings.length;
});
const engineMs = time('engine', (claim) => {
  sink += runRules(claim, { ...options, fix: true }).applied.length;
});
console.log(
  `\n${claims.length} claims, ${rules.length} rules: engine = ${(engineMs / normalizeMs).toFixed(1)}× normalize, ${(engineMs / noFixMs).toFixed(2)}× --no-fix, ` +
    `${((engineMs / parseMs) * 100).toFixed(0)}% of the parse CPU time (${(parseMs / 1000).toFixed(2)} s)`,
);
if (values.history) timeWithHistory();

/** One pass with a run history (see the module comment): CPU time of checkClaim alone. */
function timeWithHistory(): void {
  const dir = join(values.dir!, `bench-rules-history-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = openHistory(join(dir, 'history.db'));
  try {
    const run = store.beginRun({ record: true, inputHashes: [] });
    const recorder = run.file({ name: 'bench.837', hash: '0'.repeat(64), format: 'x12' });
    let checkMicros = 0;
    let found = 0;
    for (const claim of claims) {
      const cpu = process.cpuUsage();
      const checked = checkClaim(claim, { ...options, history: run.view, fix: true });
      const used = process.cpuUsage(cpu);
      checkMicros += used.user + used.system;
      found += checked.result.findings.length;
      if (checked.result.fate === 'ready') recorder.add(checked.normalized);
    }
    recorder.discard();
    const perClaim = checkMicros / claims.length;
    console.log(
      `${'engine+history'.padEnd(16)} cpu ${(checkMicros / 1e6).toFixed(2).padStart(6)} s                    ` +
        `${Math.round(1e6 / perClaim).toLocaleString('en-US').padStart(9)} claims/s  ${perClaim.toFixed(1).padStart(6)} µs/claim  (${found} open findings)`,
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// What the engine did (one untimed pass).
let held = 0;
let changed = 0;
let applied = 0;
let findings = 0;
for (const claim of claims) {
  const result = runRules(claim, { ...options, fix: true });
  findings += result.findings.length;
  applied += result.applied.length;
  if (result.changed) changed++;
  if (result.fate === 'held') held++;
}
console.log(`${changed} claims changed, ${applied} fixes applied, ${held} held, ${findings} open findings`);
if (sink < 0) console.log(sink);
