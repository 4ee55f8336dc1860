/**
 * The machinery of the SIGKILL tests, shared by test/reliability/crash.test.ts and scripts/kill-test.ts (a longer
 * soak): the CLI bundled with esbuild and run as a child, killed on a schedule; the checks of what a killed run
 * left behind (outputs complete or absent, history database consistent). Checks throw (node:assert), so they
 * work inside vitest and in a plain script.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { AS_OF, cleanClaim, cleanCsvRows, csvText, listTree, PATIENTS, writeInput, x12File, type CsvRow } from './helpers.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** mulberry32: a kill schedule is reproducible (the timing of the children is not). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The CLI as ESM bundles run with plain `node` (as the built CLI runs; no TypeScript loading in each child): the
 * entry point and the run's worker thread (src/cli/run-worker.ts), side by side as in dist/cli/. They sit two levels
 * below the project root, like src/<layer>/, so the CLI finds schemas/ from import.meta.url; packages resolve from
 * the project's node_modules, and the project's package.json makes the .js files ESM.
 */
export async function bundleCli(): Promise<string> {
  const dir = path.join(ROOT, `.kill-${process.pid}`, 'cli');
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts'), path.join(ROOT, 'src/cli/run-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: dir,
    packages: 'external',
    logLevel: 'error',
  });
  return path.join(dir, 'main.js');
}

export function removeBundle(bundle: string): void {
  rmSync(path.dirname(path.dirname(bundle)), { recursive: true, force: true });
}

/** Three synthetic patients of one file (other files have others: no claim duplicates another file's). */
function patientsOf(prefix: string) {
  return PATIENTS.map((patient, index) => ({ ...patient, memberId: `${prefix}MBR${index}` }));
}

/** An 837P of `count` claims: most clean, every 7th held (wrong total: claim/total-mismatch), every 11th held (bad charge). */
export function x12Input(prefix: string, count: number, control: string): string {
  const claims = Array.from({ length: count }, (_, index) => {
    const id = `${prefix}${String(index + 1).padStart(3, '0')}`;
    const date = `2026${String(1 + (index % 10)).padStart(2, '0')}${String(1 + (index % 27)).padStart(2, '0')}`;
    if (index % 7 === 3) return { ...cleanClaim(id, date), total: '1' };
    if (index % 11 === 5) return { ...cleanClaim(id, date), lines: [{ ...cleanClaim(id, date).lines[0]!, charge: 'X' }], total: '0' };
    return cleanClaim(id, date);
  });
  return x12File(claims, { control, patients: patientsOf(prefix) });
}

/** A CSV of `count` claims: every 6th corrected (64484 billed as a second 64483). */
export function csvInput(prefix: string, count: number): string {
  const rows: CsvRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const dos = `2026-${String(1 + (index % 10)).padStart(2, '0')}-${String(1 + (index % 27)).padStart(2, '0')}`;
    const claim = cleanCsvRows(`${prefix}${String(index + 1).padStart(3, '0')}`, patientsOf(prefix)[index % PATIENTS.length]!, dos);
    rows.push(...(index % 6 === 2 ? claim.map((row) => ({ ...row, cpt: '64483' })) : claim));
  }
  return csvText(rows);
}

/** Three 837P files and two CSV files of `scale` claims each (CSV: 60 %). */
export function writeInputs(dir: string, scale: number): void {
  writeInput(dir, 'a.837', x12Input('KA', scale, '11'));
  writeInput(dir, 'b.837', x12Input('KB', scale, '12'));
  writeInput(dir, 'c.837', x12Input('KC', scale, '13'));
  writeInput(dir, 'd.csv', csvInput('KD', Math.ceil(scale * 0.6)));
  writeInput(dir, 'e.csv', csvInput('KE', Math.ceil(scale * 0.6)));
}

export const INPUT_FILES = 5;

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

export type KillAt = { kind: 'none' } | { kind: 'timer'; ms: number } | { kind: 'after-file'; files: number; ms: number };

/** `spinescrub run INPUTS --out OUT --history DB`, killed with SIGKILL as `killAt` says. */
export function runChild(bundle: string, inputs: string, out: string, history: string, killAt: KillAt): Promise<ChildResult> {
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

/** A kill schedule: half by timer (0–110 % of an uninterrupted run), half shortly after the n-th file is done. */
export function nextKill(next: () => number, runMs: number): KillAt {
  return next() < 0.5
    ? { kind: 'timer', ms: Math.round(next() * runMs * 1.1) }
    : { kind: 'after-file', files: 1 + Math.floor(next() * INPUT_FILES), ms: Math.round(next() * 40) };
}

/** Where a killed run was: before any file was done, between files, or after the last (reports, renames). */
export function stageOf(result: ChildResult): 'before' | 'files' | 'after' {
  const done = (result.stderr.match(/"event":"file-done"/g) ?? []).length;
  return done === 0 ? 'before' : done < INPUT_FILES ? 'files' : 'after';
}

export interface HistoryState {
  files: string[];
  claims: number;
  lines: number;
  statuses: string[];
}

const EMPTY: HistoryState = { files: [], claims: 0, lines: 0, statuses: [] };

/** Checks the history database as a (killed) run left it, and returns what it holds. */
export function checkHistory(file: string): HistoryState {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch {
    return EMPTY; // killed before the database was created
  }
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `${file}: integrity_check`);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name);
    if (!tables.includes('files')) return EMPTY;
    assert.deepEqual(db.pragma('foreign_key_check'), [], `${file}: foreign_key_check`);
    // Each file once, with exactly the claims and lines it says it has (one transaction per file).
    const files = db.prepare('SELECT id, hash, claims, lines FROM files ORDER BY hash').all() as { id: number; hash: string; claims: number; lines: number }[];
    assert.equal(new Set(files.map((entry) => entry.hash)).size, files.length, `${file}: a file recorded twice`);
    for (const entry of files) {
      const counted = db.prepare('SELECT COUNT(*) AS claims FROM claims WHERE file_id = ?').get(entry.id) as { claims: number };
      const lines = db.prepare('SELECT COUNT(*) AS lines FROM lines WHERE file_id = ?').get(entry.id) as { lines: number };
      assert.deepEqual({ claims: counted.claims, lines: lines.lines }, { claims: entry.claims, lines: entry.lines }, `${file}: file ${entry.hash.slice(0, 12)} half recorded`);
    }
    // No claim recorded twice (every input claim id is unique), none without its file.
    assert.deepEqual(db.prepare('SELECT claim_id, COUNT(*) AS n FROM claims GROUP BY claim_id, billing_npi HAVING n > 1').all(), [], `${file}: a claim recorded twice`);
    const orphans = db.prepare('SELECT COUNT(*) AS n FROM claims WHERE file_id NOT IN (SELECT id FROM files)').get() as { n: number };
    assert.equal(orphans.n, 0, `${file}: claims without their file`);
    const claims = (db.prepare('SELECT COUNT(*) AS n FROM claims').get() as { n: number }).n;
    const lines = (db.prepare('SELECT COUNT(*) AS n FROM lines').get() as { n: number }).n;
    const statuses = (db.prepare("SELECT claim_id || ':' || status AS s FROM claims ORDER BY claim_id").all() as { s: string }[]).map((row) => row.s);
    return { files: files.map((entry) => entry.hash), claims, lines, statuses };
  } finally {
    db.close();
  }
}

/** The outputs as a reader sees them (a killed run's directory aside): each must be complete — identical to the reference. */
export function checkOutputs(out: string, reference: Map<string, Buffer>): string[] {
  // A killed run leaves its run directory, its lock and perhaps the lock's temporary name (the next run removes or
  // takes them over): not outputs.
  const present = listTree(out).filter((file) => !file.startsWith('.spinescrub-runs/') && !file.startsWith('.spinescrub-lock'));
  for (const file of present) {
    const expected = reference.get(file);
    assert.ok(expected !== undefined, `${out}: unexpected output ${file}`);
    assert.ok(readFileSync(path.join(out, file)).equals(expected), `${out}: ${file} is not the complete output`);
  }
  return present;
}

export function readOutputs(out: string): Map<string, Buffer> {
  return new Map(listTree(out).map((file) => [file, readFileSync(path.join(out, file))]));
}
