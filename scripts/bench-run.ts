/**
 * Benchmark of a whole `spinescrub run` (read → normalize → rules with the history → ready/held writers →
 * exception reports, history recorded) on a generated 50 MB 837P, with 2 check workers (`--threads 2`) and with one
 * thread (`--threads 1`), against node-x12's `parse()` alone on the same file, alternated in the same script run;
 * and the peak RSS of a run over a generated 200 MB file (`--big-mb 0` leaves it out).
 * Goals: 2 threads ≥ 2× faster than node-x12 merely parsing and ≥ 1.5× faster than 1 thread (issue 20); the 200 MB
 * run's CPU ≤ 4.2× the 50 MB run's; peak RSS ≤ 256 MB at 200 MB.
 *
 *   npx tsx scripts/bench-run.ts [--mb 50] [--big-mb 200] [--dir .bench] [--no-build] [--skip-node-x12] [--runs 1]
 *
 * Every measurement runs in its own child process on plain `node` over the compiled dist/ (as the installed CLI
 * runs: no TypeScript loader in the measured memory), so its peak RSS (process.resourceUsage().maxRSS) and time
 * belong to that measurement alone. Files come from scripts/generate-837p.ts (seed 1), generated once and kept.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;

interface Args {
  mb: number;
  bigMb: number;
  dir: string;
  build: boolean;
  nodeX12: boolean;
  runs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { mb: 50, bigMb: 200, dir: path.join(ROOT, '.bench'), build: true, nodeX12: true, runs: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--mb') { args.mb = Number(value); i++; }
    else if (flag === '--big-mb') { args.bigMb = Number(value); i++; }
    else if (flag === '--dir') { args.dir = path.resolve(String(value)); i++; }
    else if (flag === '--runs') { args.runs = Number(value); i++; }
    else if (flag === '--no-build') args.build = false;
    else if (flag === '--skip-node-x12') args.nodeX12 = false;
    else throw new TypeError(`Unknown option ${flag}`);
  }
  return args;
}

async function generate(file: string, mb: number): Promise<void> {
  if (existsSync(file)) return;
  const { generate837p } = (await import('./generate-837p.js')) as {
    generate837p: (options: { mb?: number; seed?: number }, out: Writable) => Promise<{ claims: number; bytes: number }>;
  };
  const out = createWriteStream(`${file}.part`);
  const result = await generate837p({ mb, seed: 1 }, out);
  if (!out.writableFinished) {
    out.end();
    await once(out, 'finish');
  }
  const { renameSync } = await import('node:fs');
  renameSync(`${file}.part`, file);
  console.error(`generated ${file}: ${result.claims} claims, ${(result.bytes / MB).toFixed(1)} MB`);
}

interface ChildResult {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  claims?: number;
  exitCode?: number;
  segments?: number;
}

function child(code: string, nodeArgs: string[] = []): ChildResult {
  const result = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * MB });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const last = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ChildResult;
}

const MEASURE = `
const started = performance.now();
const cpu = process.cpuUsage();
const report = (extra) => {
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, ...extra }));
};`;

/** node-x12's strict parse() on the whole file (it needs the whole file as one string: that is its design). */
function nodeX12Parse(file: string): ChildResult {
  return child(
    `import { readFileSync } from 'node:fs';
     import x12 from 'node-x12';
     ${MEASURE}
     const text = readFileSync(${JSON.stringify(file)}, 'utf8');
     const interchange = new x12.X12Parser(true).parse(text);
     const groups = interchange.interchanges ? interchange.interchanges.flatMap((one) => one.functionalGroups) : interchange.functionalGroups;
     report({ segments: groups.reduce((sum, group) => sum + group.transactions.reduce((n, t) => n + t.segments.length, 0), 0) });`,
    ['--max-old-space-size=8192'],
  );
}

/**
 * A whole run, as `spinescrub run FILE --out DIR --history DB` does it (history recorded, reports written): through
 * the same worker thread with the same heap cap as the CLI (src/cli/run-in-worker.ts); the child's peak RSS covers
 * both threads.
 */
function spinescrubRun(file: string, work: string, history: boolean, threads: number): ChildResult {
  const out = path.join(work, 'out');
  const db = path.join(work, 'history.db');
  rmSync(out, { recursive: true, force: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  const result = child(
    `import { runInWorker } from ${JSON.stringify(path.join(ROOT, 'dist/cli/run-in-worker.js'))};
     ${MEASURE}
     const exitCode = await runInWorker({
       inputs: [${JSON.stringify(file)}], outDir: ${JSON.stringify(out)}, historyPath: ${history ? JSON.stringify(db) : 'null'},
       record: true, prior: [], failOn: 'never', holdOn: 'error', jobs: 2, threads: ${threads}, maxHeapMb: 128, fix: true, asOf: '2026-11-27',
       quiet: true, logFormat: 'text', progress: false,
     });
     report({ exitCode });`,
  );
  // The claim count from the run's own summary, read here (outside the measured child).
  const summary = (JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as { summary: { totals: { claims: number } } }).summary;
  return { ...result, claims: summary.totals.claims };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.dir, { recursive: true });
  if (args.build) {
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const small = path.join(args.dir, `bench-${args.mb}mb.837`);
  const big = path.join(args.dir, `bench-${args.bigMb}mb.837`);
  await generate(small, args.mb);
  if (args.bigMb > 0) await generate(big, args.bigMb);
  const smallMb = statSync(small).size / MB;
  const bigMb = args.bigMb > 0 ? statSync(big).size / MB : 0;
  const work = path.join(args.dir, 'work');
  mkdirSync(work, { recursive: true });

  const x12: ChildResult[] = [];
  const runs: ChildResult[] = [];
  const runsOne: ChildResult[] = [];
  const runsNoHistory: ChildResult[] = [];
  for (let i = 0; i < args.runs; i++) {
    if (args.nodeX12) x12.push(nodeX12Parse(small));
    runs.push(spinescrubRun(small, work, true, 2));
    runsOne.push(spinescrubRun(small, work, true, 1));
    runsNoHistory.push(spinescrubRun(small, work, false, 2));
  }
  const bigRun = args.bigMb > 0 ? spinescrubRun(big, work, true, 2) : null;
  rmSync(work, { recursive: true, force: true });

  const runMs = median(runs.map((run) => run.ms));
  const x12Ms = x12.length ? median(x12.map((run) => run.ms)) : NaN;
  const ratio = x12Ms / runMs;
  const threadRatio = median(runsOne.map((run) => run.ms)) / runMs;
  const mbps = smallMb / (runMs / 1000);
  const row = (name: string, result: ChildResult, size: number) =>
    `| ${name} | ${(result.ms / 1000).toFixed(2)} s | ${(result.cpuMs / 1000).toFixed(2)} s | ${(size / (result.ms / 1000)).toFixed(1)} MB/s | ${result.maxRssMb.toFixed(0)} MB |`;
  const rows = (name: string, results: ChildResult[], size: number) => results.map((result, i) => row(`${name}${results.length > 1 ? ` (${i + 1})` : ''}`, result, size));
  const lines = [
    `spinescrub bench-run (Node ${process.version}, ${new Date().toISOString().slice(0, 10)}): ${smallMb.toFixed(1)} MB file, ${runs[0]?.claims ?? '?'} claims` +
      (bigRun !== null ? `; ${bigMb.toFixed(1)} MB file, ${bigRun.claims ?? '?'} claims` : ''),
    '',
    '| measurement | wall | CPU | throughput | peak RSS |',
    '|---|---|---|---|---|',
    ...rows(`node-x12 parse() alone, ${smallMb.toFixed(0)} MB`, x12, smallMb),
    ...rows(`spinescrub run, ${smallMb.toFixed(0)} MB, history recorded, --threads 2`, runs, smallMb),
    ...rows(`spinescrub run, ${smallMb.toFixed(0)} MB, history recorded, --threads 1`, runsOne, smallMb),
    ...rows(`spinescrub run, ${smallMb.toFixed(0)} MB, no history, --threads 2`, runsNoHistory, smallMb),
    ...(bigRun !== null ? [row(`spinescrub run, ${bigMb.toFixed(0)} MB, history recorded, --threads 2`, bigRun, bigMb)] : []),
    '',
    `goals (medians): --threads 2 ≥ 2× faster than node-x12 parse(): ${Number.isNaN(ratio) ? 'not measured' : `${ratio.toFixed(2)}× — ${ratio >= 2 ? 'met' : 'NOT met'}`}` +
      `; --threads 2 ≥ 1.5× faster than --threads 1: ${threadRatio.toFixed(2)}× — ${threadRatio >= 1.5 ? 'met' : 'NOT met'} (${mbps.toFixed(1)} MB/s)`,
    ...(bigRun !== null
      ? [
          `${bigMb.toFixed(0)} MB CPU ≤ 4.2× the ${smallMb.toFixed(0)} MB run's: ${(bigRun.cpuMs / median(runs.map((run) => run.cpuMs))).toFixed(2)}×` +
            `; peak RSS ≤ 256 MB at ${bigMb.toFixed(0)} MB: ${bigRun.maxRssMb.toFixed(0)} MB — ${bigRun.maxRssMb <= 256 ? 'met' : 'NOT met'}`,
        ]
      : []),
  ];
  console.log(lines.join('\n'));
}

await main();
