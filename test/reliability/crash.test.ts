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
 * The children run `node` on an esbuild bundle of the CLI (as the built CLI runs), not tsx, so that most of each
 * run is spent in the pipeline rather than in loading TypeScript.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_OF, cleanClaim, cleanCsvRows, cleanup, csvText, listTree, PATIENTS, tempDir, writeInput, x12File, type CsvRow } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 16);
const CHAIN = 4;
const SEED = 20261127;

/** mulberry32: the kill schedule is reproducible (the timing of the children is not). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let work: string;
let bundle: string;
let inputs: string;

/** Three synthetic patients of one file (other files have others: no claim is a duplicate of another file's). */
function patientsOf(prefix: string) {
  return PATIENTS.map((patient, index) => ({ ...patient, memberId: `${prefix}MBR${index}` }));
}

function x12Input(prefix: string, count: number, control: string): string {
  const claims = Array.from({ length: count }, (_, index) => {
    const id = `${prefix}${String(index + 1).padStart(3, '0')}`;
    const date = `2026${String(1 + (index % 10)).padStart(2, '0')}${String(1 + (index % 27)).padStart(2, '0')}`;
    if (index % 7 === 3) return { ...cleanClaim(id, date), total: '1' }; // corrected
    if (index % 11 === 5) return { ...cleanClaim(id, date), lines: [{ ...cleanClaim(id, date).lines[0]!, charge: 'X' }], total: '0' }; // held
    return cleanClaim(id, date);
  });
  return x12File(claims, { control, patients: patientsOf(prefix) });
}

function csvInput(prefix: string, count: number): string {
  const rows: CsvRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const dos = `2026-${String(1 + (index % 10)).padStart(2, '0')}-${String(1 + (index % 27)).padStart(2, '0')}`;
    const claim = cleanCsvRows(`${prefix}${String(index + 1).padStart(3, '0')}`, patientsOf(prefix)[index % PATIENTS.length]!, dos);
    rows.push(...(index % 6 === 2 ? claim.map((row) => ({ ...row, cpt: '64483' })) : claim));
  }
  return csvText(rows);
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

type KillAt = { kind: 'none' } | { kind: 'timer'; ms: number } | { kind: 'after-file'; files: number; ms: number };

function runChild(out: string, history: string, killAt: KillAt): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bundle, 'run', inputs, '--out', out, '--history', history, '--as-of', AS_OF, '--no-progress', '--jobs', '2', '--log-format', 'json'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let filesDone = 0;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    if (killAt.kind === 'timer') setTimeout(kill, killAt.ms);
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr += text;
      if (killAt.kind === 'after-file') {
        const before = filesDone;
        filesDone += (text.match(/"event":"file-done"/g) ?? []).length;
        if (before < killAt.files && filesDone >= killAt.files) setTimeout(kill, killAt.ms);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, ms: performance.now() - started }));
  });
}

interface HistoryState {
  files: string[];
  claims: number;
  lines: number;
  statuses: string[];
}

/** Checks the history database as a killed run left it, and returns what it holds. */
function checkHistory(file: string): HistoryState {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch {
    return { files: [], claims: 0, lines: 0, statuses: [] }; // killed before the database was created
  }
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
    if (!tables.includes('files')) return { files: [], claims: 0, lines: 0, statuses: [] };
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // Each file once, with exactly the claims and lines it says it has (one transaction per file).
    const files = db.prepare('SELECT id, hash, claims, lines FROM files ORDER BY hash').all() as { id: number; hash: string; claims: number; lines: number }[];
    expect(new Set(files.map((entry) => entry.hash)).size).toBe(files.length);
    for (const entry of files) {
      const counted = db.prepare('SELECT COUNT(*) AS claims FROM claims WHERE file_id = ?').get(entry.id) as { claims: number };
      const lines = db.prepare('SELECT COUNT(*) AS lines FROM lines WHERE file_id = ?').get(entry.id) as { lines: number };
      expect({ claims: counted.claims, lines: lines.lines }).toEqual({ claims: entry.claims, lines: entry.lines });
    }
    // No claim recorded twice (every input claim id is unique).
    const twice = db.prepare('SELECT claim_id, COUNT(*) AS n FROM claims GROUP BY claim_id, billing_npi HAVING n > 1').all();
    expect(twice).toEqual([]);
    const orphans = db.prepare('SELECT COUNT(*) AS n FROM claims WHERE file_id NOT IN (SELECT id FROM files)').get() as { n: number };
    expect(orphans.n).toBe(0);
    const claims = (db.prepare('SELECT COUNT(*) AS n FROM claims').get() as { n: number }).n;
    const lines = (db.prepare('SELECT COUNT(*) AS n FROM lines').get() as { n: number }).n;
    const statuses = (db.prepare("SELECT claim_id || ':' || status AS s FROM claims ORDER BY claim_id").all() as { s: string }[]).map((row) => row.s);
    return { files: files.map((entry) => entry.hash), claims, lines, statuses };
  } finally {
    db.close();
  }
}

/** Final-named outputs (the staging directory aside): each must be complete — identical to the reference. */
function checkOutputs(out: string, reference: Map<string, Buffer>): string[] {
  const present = listTree(out).filter((file) => !file.startsWith('.spinescrub-staging-'));
  for (const file of present) {
    const expected = reference.get(file);
    expect(expected, `unexpected output ${file}`).toBeDefined();
    expect(readFileSync(path.join(out, file)).equals(expected!), `${file} is not the complete output`).toBe(true);
  }
  return present;
}

let referenceTree: Map<string, Buffer>;
let referenceHistory: HistoryState;
let referenceCode: number | null;
let referenceMs: number;

beforeAll(async () => {
  work = tempDir('spinescrub-crash-');
  // Two levels below the project root, like src/<layer>/, so the CLI finds schemas/ from import.meta.url.
  bundle = path.join(ROOT, 'node_modules', '.cache', `spinescrub-reliability-${process.pid}.mjs`);
  mkdirSync(path.dirname(bundle), { recursive: true });
  await build({ entryPoints: [path.join(ROOT, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, packages: 'external', logLevel: 'error' });

  inputs = path.join(work, 'inbound');
  writeInput(inputs, 'a.837', x12Input('KA', 40, '11'));
  writeInput(inputs, 'b.837', x12Input('KB', 40, '12'));
  writeInput(inputs, 'c.837', x12Input('KC', 40, '13'));
  writeInput(inputs, 'd.csv', csvInput('KD', 25));
  writeInput(inputs, 'e.csv', csvInput('KE', 25));

  const out = path.join(work, 'reference-out');
  const history = path.join(work, 'reference.db');
  const first = await runChild(out, history, { kind: 'none' });
  referenceCode = first.code;
  referenceMs = first.ms;
  referenceTree = new Map(listTree(out).map((file) => [file, readFileSync(path.join(out, file))]));
  referenceHistory = checkHistory(history);
}, 60_000);

afterAll(() => {
  rmSync(bundle, { force: true });
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
    expect(referenceHistory.claims).toBeGreaterThan(100);
  });

  it(`${KILLS} kills in chains of ${CHAIN}: outputs complete or absent, history consistent, then the same bytes as an uninterrupted run`, async () => {
    const next = random(SEED);
    const killedDuring = { before: 0, files: 0, after: 0 };
    for (let chain = 0; chain * CHAIN < KILLS; chain += 1) {
      const out = path.join(work, `chain-${chain}-out`);
      const history = path.join(work, `chain-${chain}.db`);
      for (let kill = 0; kill < CHAIN && chain * CHAIN + kill < KILLS; kill += 1) {
        const killAt: KillAt =
          next() < 0.5 ? { kind: 'timer', ms: Math.round(next() * referenceMs * 1.1) } : { kind: 'after-file', files: 1 + Math.floor(next() * 5), ms: Math.round(next() * 40) };
        const result = await runChild(out, history, killAt);
        if (result.signal === 'SIGKILL') {
          const done = (result.stderr.match(/"event":"file-done"/g) ?? []).length;
          if (done === 0) killedDuring.before += 1;
          else if (done < 5) killedDuring.files += 1;
          else killedDuring.after += 1;
        } else {
          // The run finished before the kill: it must have completed normally.
          expect(result.code, result.stderr).toBe(referenceCode);
        }
        checkOutputs(out, referenceTree);
        checkHistory(history);
      }
      // Left alone, the run completes: same exit code, same bytes, no staging left, the same history.
      const final = await runChild(out, history, { kind: 'none' });
      expect(final.code, final.stderr).toBe(referenceCode);
      expect(checkOutputs(out, referenceTree)).toEqual([...referenceTree.keys()]);
      expect(listTree(out)).toEqual([...referenceTree.keys()]);
      const state = checkHistory(history);
      expect(state).toEqual(referenceHistory);
    }
    // The schedule did reach the runs at several stages (else the test would prove little).
    expect(killedDuring.before + killedDuring.files + killedDuring.after).toBeGreaterThanOrEqual(Math.floor(KILLS / 2));
    expect(killedDuring.files + killedDuring.after).toBeGreaterThan(0);
    console.log(`crash test: reference run ${referenceMs.toFixed(0)} ms; kills before any file done ${killedDuring.before}, between files ${killedDuring.files}, after the last file ${killedDuring.after}`);
  }, 240_000);
});
