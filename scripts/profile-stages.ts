/**
 * Where a run's CPU goes, by pipeline stage, and what that allows several cores to gain.
 *
 *   npx tsx scripts/profile-stages.ts [--mb 50] [--dir .bench] [--no-build] [--history FILE]
 *
 * Runs `spinescrub run` once over the generated file (scripts/generate-837p.ts, seed 1, as bench-run.ts) under
 * `node --cpu-prof`, takes the profile of the run's worker thread (the one with the most samples) and charges each
 * sample to the first stage found walking its stack from the root: reading and parsing claims, checking them (the
 * engine, the rules and the history's answers), adding them to the run's history, writing ready/held, the report
 * rows, the final reports, recording the history, collecting garbage, other. Then, for claims dispatched by patient
 * to check workers (the run's thread reading, writing and recording, the workers checking and making report rows),
 * the most N cores can gain with a hand-off that costs nothing, and what the hand-off may cost per claim for 1.5×.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Stage =
  | 'read and parse'
  | 'check'
  | 'add to run history'
  | 'write claims'
  | 'report rows'
  | 'final reports'
  | 'record history'
  | 'garbage collection'
  | 'other';

/** Stage markers, matched against `dir/file.js:function` of a frame under dist/ (the first from the root wins). */
const MARKERS: [RegExp, Stage][] = [
  [/^pipeline\/(run|checker)\.js:check$/, 'check'],
  [/^(pipeline\/parts|history\/run)\.js:commit$/, 'record history'],
  [/^(pipeline\/parts|history\/run)\.js:add$/, 'add to run history'],
  [/^(x12\/(reader|tokenizer|assembler)|csv\/read[^/]*)\.js:/, 'read and parse'],
  [/^(x12\/writer|csv\/writ[^/]*)\.js:/, 'write claims'],
  [/^report\/write-reports\.js:/, 'final reports'],
  [/^report\//, 'report rows'],
];

/** What a check worker can do for its claims while the run's thread reads, writes and records. */
const CHECK_WORKER_STAGES = new Set<Stage>(['check', 'add to run history', 'report rows']);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function parseArgs(argv: string[]): { mb: number; dir: string; build: boolean; history: string | undefined } {
  const args = { mb: 50, dir: path.join(ROOT, '.bench'), build: true, history: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--mb') { args.mb = Number(value); i++; }
    else if (flag === '--dir') { args.dir = path.resolve(String(value)); i++; }
    else if (flag === '--history') { args.history = path.resolve(String(value)); i++; }
    else if (flag === '--no-build') args.build = false;
    else throw new TypeError(`Unknown option ${flag}`);
  }
  return args;
}

function frameKey(frame: ProfileNode['callFrame']): string | undefined {
  const at = frame.url.lastIndexOf('/dist/');
  return at < 0 ? undefined : `${frame.url.slice(at + '/dist/'.length)}:${frame.functionName}`;
}

/** Microseconds per stage of one thread's profile; `(idle)` is not counted. */
export function stageTimes(profile: Profile): Map<Stage, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOf = new Map<number, Stage | null>();
  const stageOfNode = (id: number): Stage | null => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const above = up === undefined ? null : stageOfNode(up);
    let stage = above;
    if (stage === null) {
      const key = frameKey(byId.get(id)!.callFrame);
      if (key !== undefined) stage = MARKERS.find(([pattern]) => pattern.test(key))?.[1] ?? null;
    }
    stageOf.set(id, stage);
    return stage;
  };
  const times = new Map<Stage, number>();
  profile.samples.forEach((id, index) => {
    const name = byId.get(id)!.callFrame.functionName;
    if (name === '(idle)') return;
    const stage: Stage = name === '(garbage collector)' ? 'garbage collection' : (stageOfNode(id) ?? 'other');
    times.set(stage, (times.get(stage) ?? 0) + profile.timeDeltas[index]!);
  });
  return times;
}

function generated(dir: string, mb: number): string {
  const file = path.join(dir, `bench-${mb}mb.837`);
  if (!existsSync(file)) {
    const made = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/generate-837p.ts'), '--mb', String(mb), '--seed', '1', '--out', file], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`generating ${file} failed`);
  }
  return file;
}

/** Claims in an 837P file: its CLM segments. */
function claimCount(file: string): number {
  const bytes = readFileSync(file);
  let count = 0;
  for (let at = bytes.indexOf('CLM*'); at >= 0; at = bytes.indexOf('CLM*', at + 4)) count++;
  return count;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.build) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const input = generated(args.dir, args.mb);
  const work = mkdtempSync(path.join(tmpdir(), 'spinescrub-profile-'));
  try {
    const history = args.history ?? path.join(work, 'history.db');
    const run = spawnSync(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${path.join(work, 'prof')}`, path.join(ROOT, 'dist/cli/main.js'), 'run', input, '--out', path.join(work, 'out'), '--history', history, '--as-of', '2026-11-27', '--quiet'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (run.status !== 0 && run.status !== 1) throw new Error(`spinescrub run exited ${run.status}`);
    const profiles = readdirSync(path.join(work, 'prof')).map((name) => path.join(work, 'prof', name));
    const largest = profiles.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const times = stageTimes(JSON.parse(readFileSync(largest, 'utf8')) as Profile);
    const total = [...times.values()].reduce((sum, value) => sum + value, 0);
    console.log(`${path.basename(input)}: run thread busy ${(total / 1e6).toFixed(2)} s`);
    for (const [stage, micros] of [...times].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${stage.padEnd(20)} ${(micros / 1e6).toFixed(2).padStart(6)} s  ${((100 * micros) / total).toFixed(1).padStart(5)} %`);
    }
    // Garbage collection is charged to the stages in proportion to their time.
    const collected = times.get('garbage collection') ?? 0;
    let parallel = 0;
    for (const [stage, micros] of times) if (CHECK_WORKER_STAGES.has(stage)) parallel += (micros / (total - collected)) * total;
    const serial = total - parallel;
    const claims = claimCount(input);
    console.log(`claims dispatched to check workers: ${(parallel / 1e6).toFixed(2)} s can run on them, ${(serial / 1e6).toFixed(2)} s stays on the run's thread (${claims} claims)`);
    for (const cores of [2, 4, 8]) {
      // The run's thread works beside the workers: the wall time is at least its own work, and at least all the
      // work shared by the cores. What the hand-off may cost (per claim, on the run's thread) to gain 1.5×:
      const best = total / Math.max(serial, total / cores);
      const target = total / 1.5;
      // The hand-off costs about as much on the workers' side as on the run's thread.
      const budget = Math.min(target - serial, (cores * target - total) / 2);
      const perClaim = budget > 0 ? `${(budget / claims).toFixed(1)} µs a claim on each side` : 'none: out of reach';
      console.log(`  ${cores} cores: at most ${best.toFixed(2)}× with a free hand-off; hand-off budget for 1.5×: ${perClaim}`);
    }
    console.log("(the run's thread alone: V8's compile and collector threads, busy beside it, take cores too; docs/performance.md)");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
