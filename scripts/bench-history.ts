/**
 * Benchmark of the history index:
 *   1. ingest a generated 837P history of ~1 million service lines (`spinescrub history add`'s path: hash, X12
 *      reader, normalize, one transaction), and report the rate (lines/s) and the database size; the same
 *      read + normalize without the database is timed too, to show the store's share;
 *   2. run `spinescrub run` over a generated 50 MB 837P with that history, against the same run with an empty
 *      history database, in this same script run (alternating pairs, `--repeat` of them; the median of the pairs'
 *      CPU ratios), `--no-record` so both see the same database every time. Goal: with history ≤ 1.3 × empty history.
 *
 *   npx tsx scripts/bench-history.ts [--lines 1000000] [--run-mb 50] [--repeat 2] [--dir /tmp/spinescrub-bench-history] [--keep]
 *     [--postgres postgres://user@host:port/db]
 *
 * With --postgres (a server URL whose user may create databases) the same history is also ingested into a new
 * PostgreSQL database there (`spinescrub_bench_<pid>`, dropped at the end unless --keep): its ingest rate, its size per table
 * and index (pg_total_relation_size, after VACUUM ANALYZE), and a third run kind, `postgres`, reading it.
 *
 * Each run is a child process (tsx), so one run's heap does not weigh on the next; it reports wall time and CPU
 * time (user + system: the fairer figure when other work shares the machine) and peak RSS.
 *
 * The history and the run file share the generator's seed, so the run's patients are in the history (its
 * patient pool is a prefix of the larger pool); the history starts in 2025-06 so the rolling year of the run's
 * dates (2026) reaches back into it. Generated files are kept in --dir and reused.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { normalizeClaim } from '../src/encounter/normalize.js';
import { openHistory } from '../src/history/sqlite.js';
import { addPriorFile } from '../src/pipeline/prior.js';
import { runPipeline } from '../src/pipeline/run.js';
import { defaultReference } from '../src/reference/index.js';
import { readX12 } from '../src/x12/reader.js';
import { generate837p } from './generate-837p.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

const targetLines = Number(option('lines', '1000000'));
const runMb = Number(option('run-mb', '50'));
const repeat = Math.max(1, Number(option('repeat', '2')));
const dir = option('dir', '/tmp/spinescrub-bench-history');
const keep = process.argv.includes('--keep');
const postgresServer = option('postgres', '');
const SEED = 1;
const HISTORY_START = '2025-06-02';
const RUN_START = '2026-01-05';
const AS_OF = '2026-11-27';

mkdirSync(dir, { recursive: true });

/** Service lines per claim of the generator, from a 2,000-claim sample. */
async function linesPerClaim(): Promise<number> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('latin1');
      callback();
    },
  });
  await generate837p({ claims: 2000, seed: SEED, startDate: HISTORY_START }, sink);
  return (text.match(/~\s*LX\*/g)?.length ?? 0) / 2000;
}

async function generate(file: string, options: Parameters<typeof generate837p>[0]): Promise<void> {
  if (existsSync(file)) return;
  const out = createWriteStream(`${file}.part`);
  await generate837p(options, out);
  out.end();
  await once(out, 'finish');
  const { renameSync } = await import('node:fs');
  renameSync(`${file}.part`, file);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

async function main(): Promise<void> {
  // 1. The history file: enough claims for ~targetLines service lines.
  const perClaim = await linesPerClaim();
  const historyClaims = Math.ceil(targetLines / perClaim);
  const historyFile = join(dir, `history-${historyClaims}.837`);
  await generate(historyFile, { claims: historyClaims, seed: SEED, startDate: HISTORY_START });
  const runFile = join(dir, `run-${runMb}mb.837`);
  await generate(runFile, { mb: runMb, seed: SEED, startDate: RUN_START });
  console.log(`history file: ${historyClaims} claims (${perClaim.toFixed(2)} lines/claim), ${mb(statSync(historyFile).size)} MB`);
  console.log(`run file:     ${mb(statSync(runFile).size)} MB`);

  // Read + normalize alone (no database): the part of the ingest that is not the store's.
  let started = performance.now();
  let readLines = 0;
  const reader = readX12(createReadStream(historyFile), 'history.837');
  for await (const read of reader.claims()) readLines += normalizeClaim(read.claim, defaultReference).lines.length;
  const readMs = performance.now() - started;

  // 2. Ingest into a fresh database.
  const dbPath = join(dir, 'history.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  const store = openHistory(dbPath);
  started = performance.now();
  const result = await addPriorFile(store, historyFile, { name: 'history.837' });
  const ingestMs = performance.now() - started;
  store.checkpoint();
  const stats = store.stats();
  store.close();
  console.log(
    `ingest: ${result.claims} claims, ${result.lines} lines in ${seconds(ingestMs)} s = ${Math.round(result.lines / (ingestMs / 1000))} lines/s ` +
      `(read + normalize alone ${seconds(readMs)} s for ${readLines} lines; the store's share ≈ ${seconds(ingestMs - readMs)} s = ` +
      `${Math.round(result.lines / Math.max(0.001, (ingestMs - readMs) / 1000))} lines/s)`,
  );
  console.log(`database: ${mb(stats.sizeBytes)} MB, ${stats.patients} patients, ${stats.activeLines} active lines, dates ${stats.firstServiceDate} to ${stats.lastServiceDate}`);
  const again = openHistory(dbPath);
  started = performance.now();
  const second = await addPriorFile(again, historyFile, { name: 'history.837' });
  console.log(`adding the same file again: ${second.status} in ${seconds(performance.now() - started)} s`);
  again.close();

  // 2b. The same history on PostgreSQL.
  const postgresUrl = postgresServer === '' ? null : await ingestPostgres(postgresServer, historyFile);

  // 3. The run with the history against the run with an empty history database, each in a child process.
  const emptyPath = join(dir, 'empty.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(emptyPath + suffix, { force: true });
  openHistory(emptyPath).close();
  const runs: Record<'empty' | 'history' | 'postgres', RunMeasurement[]> = { empty: [], history: [], postgres: [] };
  const kinds = postgresUrl === null ? (['empty', 'history'] as const) : (['empty', 'history', 'postgres'] as const);
  for (let round = 0; round < repeat; round++) {
    for (const kind of kinds) {
      const target = kind === 'empty' ? emptyPath : kind === 'history' ? dbPath : postgresUrl!;
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', target, runFile, join(dir, `out-${kind}`)],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (child.status !== 0) throw new Error(`run child (${kind}) failed: ${child.stderr}`);
      const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as RunMeasurement;
      runs[kind].push(m);
      console.log(
        `run ${round + 1} ${kind.padEnd(7)}: ${seconds(m.ms)} s wall, ${seconds(m.cpuMs)} s CPU, ${Math.round(m.maxRssMb)} MB peak, exit ${m.exitCode}, ` +
          `${m.claims} claims, ${m.historyFindings} history-rule findings`,
      );
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const ratios = (field: 'ms' | 'cpuMs') => runs.history.map((m, i) => m[field] / runs.empty[i]![field]);
  console.log(
    `run over ${mb(statSync(runFile).size)} MB with a ${Math.round(stats.activeLines / 1000)}k-line history against an empty one, ${repeat} pairs: ` +
      `CPU ratios ${ratios('cpuMs').map((ratio) => ratio.toFixed(2)).join(' / ')} (median ${median(ratios('cpuMs')).toFixed(2)}; goal ≤ 1.3), ` +
      `wall ratios ${ratios('ms').map((ratio) => ratio.toFixed(2)).join(' / ')} (median ${median(ratios('ms')).toFixed(2)})`,
  );
  if (postgresUrl !== null) {
    console.log(
      `run over ${mb(statSync(runFile).size)} MB, median of ${repeat}: PostgreSQL history ${seconds(median(runs.postgres.map((m) => m.ms)))} s wall / ${seconds(median(runs.postgres.map((m) => m.cpuMs)))} s CPU ` +
        `(this process; the server's CPU is not counted); ratio to the SQLite history ${median(runs.postgres.map((m, i) => m.ms / runs.history[i]!.ms)).toFixed(2)} wall`,
    );
    const outputs = ['history', 'postgres'].map((kind) => spawnSync('diff', ['-r', '-x', '.spinescrub-runs', join(dir, `out-${kind}`), join(dir, `out-postgres`)]).status);
    console.log(`outputs of the SQLite and the PostgreSQL runs: ${outputs[0] === 0 && outputs[1] === 0 ? 'identical' : 'DIFFERENT'}`);
    if (!keep) await dropDatabase(postgresServer, postgresUrl);
  }
  if (!keep) for (const kind of kinds) rmSync(join(dir, `out-${kind}`), { recursive: true, force: true });
}

/** A new database on the server, the history ingested into it: rate and size per table and index. Returns its URL. */
async function ingestPostgres(server: string, historyFile: string): Promise<string> {
  const { default: pg } = await import('pg');
  const { PostgresHistoryStore } = await import('../src/history/postgres.js');
  const name = `spinescrub_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  await PostgresHistoryStore.migrate(url.toString());
  const store = await PostgresHistoryStore.open(url.toString());
  const started = performance.now();
  const result = await addPriorFile(store, historyFile, { name: 'history.837' });
  const ingestMs = performance.now() - started;
  await store.close();
  console.log(`PostgreSQL ingest: ${result.claims} claims, ${result.lines} lines in ${seconds(ingestMs)} s = ${Math.round(result.lines / (ingestMs / 1000))} lines/s`);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('VACUUM ANALYZE');
  const sizes = await client.query<{ relname: string; kind: string; bytes: string }>(
    `SELECT c.relname, c.relkind AS kind, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') ORDER BY c.relkind DESC, pg_total_relation_size(c.oid) DESC`,
  );
  const total = sizes.rows.filter((row) => row.kind === 'r').reduce((sum, row) => sum + Number(row.bytes), 0);
  console.log(`PostgreSQL size: ${mb(total)} MB in all (tables with their indexes and TOAST) = ${mb((total / result.lines) * 1_000_000)} MB per million lines`);
  for (const row of sizes.rows) console.log(`  ${row.kind === 'r' ? 'table' : 'index'} ${row.relname.padEnd(24)} ${mb(Number(row.bytes)).padStart(8)} MB`);
  await client.end();
  return url.toString();
}

async function dropDatabase(server: string, url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)}`);
  await admin.end();
}

interface RunMeasurement {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  exitCode: number;
  claims: number;
  historyFindings: number;
}

const HISTORY_RULES = /^(history|session|frequency|rfa\/prior|rfa\/repeat|global|facet\/kx)\//;

/** One measured run (child process): `spinescrub run` over the file, history read, nothing recorded. */
async function child(historyPath: string, runFile: string, outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outcome = await runPipeline({
    inputs: [runFile],
    outDir,
    historyPath,
    record: false,
    prior: [],
    failOn: 'never',
    holdOn: 'error',
    jobs: 1,
    fix: true,
    asOf: AS_OF,
    quiet: true,
    logFormat: 'text',
    progress: false,
    stdout: sink,
    stderr: sink,
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const measurement: RunMeasurement = {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    exitCode: outcome.exitCode,
    claims: outcome.summary?.totals.claims ?? 0,
    historyFindings: (outcome.summary?.rules ?? []).filter((rule) => HISTORY_RULES.test(rule.ruleId)).reduce((sum, rule) => sum + rule.findings, 0),
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else await main();
