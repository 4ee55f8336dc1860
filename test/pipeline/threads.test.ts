/**
 * `--threads N`: the claims checked on N worker threads (dealt out by patient) give the same outputs, byte for byte,
 * and the same history database as one thread: on the samples, on generated files whose patients come back across
 * files, and against a history recorded before (its prior claims loaded for the workers), also where a claim
 * supersedes a recorded claim of another patient.
 */
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate837p } from '../../scripts/generate-837p.js';
import type { RunOptions } from '../../src/pipeline/run.js';
import { openForImport } from '../../src/reference/imported/database.js';
import { importFile } from '../../src/reference/imported/import.js';
import { icdFile, mueFile } from '../reference/cms-files.js';
import { runInProcess } from '../reliability/helpers.js';
import { listOutputTree } from '../support/output-tree.js';
import { createHistoryDatabase, POSTGRES_URL } from '../support/postgres.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;
const MAPS = [path.join(SAMPLES, 'maps/tebra-kareo.json'), path.join(SAMPLES, 'maps/combined-code.json')];

let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-threads-'));
  mkdirSync(path.join(work, 'in'));
  // Two files a few months apart from one patient pool (seed), and a later one run against their history.
  await generate(path.join(work, 'in', 'a.837'), { claims: 700, seed: 5 });
  await generate(path.join(work, 'in', 'b.837'), { claims: 500, seed: 5, startDate: '2026-05-04' });
  await generate(path.join(work, 'later-reused.837'), { claims: 400, seed: 5, startDate: '2026-09-07' });
  // One seed numbers its claims the same in every file: under ids of their own, the later claims supersede nothing.
  const reused = readFileSync(path.join(work, 'later-reused.837'), 'latin1');
  writeFileSync(path.join(work, 'later.837'), reused.replaceAll('CLM*S5C', 'CLM*L5C'), 'latin1');
  // Under the same ids, a claim supersedes by key the held claim another patient had under its id; and every fifth
  // claim made a replacement supersedes the recorded claim of its id, whoever's it was.
  let claims = 0;
  writeFileSync(
    path.join(work, 'later-reused.837'),
    reused.replace(/(CLM\*[^*]*\*[^*]*\*\*\*[^:]*:B:)1\*/g, (whole, head: string) => (++claims % 5 === 0 ? `${head}7*` : whole)),
    'latin1',
  );
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function generate(file: string, options: { claims: number; seed: number; startDate?: string }): Promise<void> {
  const out = createWriteStream(file);
  await generate837p(options, out);
  if (!out.writableFinished) {
    out.end();
    await once(out, 'finish');
  }
}

async function run(name: string, inputs: string[], extra: Partial<RunOptions>): Promise<{ exitCode: number; out: string }> {
  const out = path.join(work, name);
  const outcome = await runInProcess(inputs, out, { historyPath: path.join(work, `${name}.db`), quiet: true, ...extra });
  return { exitCode: outcome.exitCode, out };
}

/** Every output file of a folder, by its path in the folder. */
function outputs(dir: string): Record<string, string> {
  return Object.fromEntries(listOutputTree(dir).map((file) => [file, readFileSync(path.join(dir, file), 'latin1')]));
}

/** The history's tables as rows (the files' timestamps left out: they are the clock's). */
function historyRows(file: string): { files: unknown[]; patients: unknown[]; claims: unknown[]; lines: unknown[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      files: db.prepare('SELECT id, hash, name, format, claims, lines FROM files ORDER BY id').raw().all(),
      patients: db.prepare('SELECT * FROM patients ORDER BY id').raw().all(),
      claims: db.prepare('SELECT * FROM claims ORDER BY id').raw().all(),
      lines: db.prepare('SELECT * FROM lines ORDER BY claim_row, seq').raw().all(),
    };
  } finally {
    db.close();
  }
}

describe('--threads', () => {
  it('gives the samples the same outputs and history with 1, 2 and 4 threads', async () => {
    const runs = [];
    for (const threads of [1, 2, 4]) runs.push(await run(`samples-${threads}`, [SAMPLES], { threads, csvMaps: MAPS }));
    expect(runs.map((one) => one.exitCode)).toEqual([0, 0, 0]);
    const [one, ...others] = runs.map((each) => outputs(each.out));
    expect(Object.keys(one!)).toContain('ready/clinic-c-history.837');
    for (const other of others) expect(other).toEqual(one);
    const [db1, ...dbs] = [1, 2, 4].map((threads) => historyRows(path.join(work, `samples-${threads}.db`)));
    expect(db1?.claims.length).toBeGreaterThan(0);
    for (const db of dbs) expect(db).toEqual(db1);
  }, 600_000);

  it('gives generated files with returning patients the same outputs and history, then a later file against that history', async () => {
    const inputs = [path.join(work, 'in')];
    const runs = [];
    for (const threads of [1, 2, 3]) runs.push(await run(`gen-${threads}`, inputs, { threads }));
    const [one, ...others] = runs.map((each) => outputs(each.out));
    for (const other of others) expect(other).toEqual(one);
    const [db1, ...dbs] = [1, 2, 3].map((threads) => historyRows(path.join(work, `gen-${threads}.db`)));
    expect(db1?.claims.length).toBe(1200);
    for (const db of dbs) expect(db).toEqual(db1);

    // The history matters here: without it the findings differ.
    const alone = await run('gen-alone', inputs, { threads: 2, historyPath: null });
    expect(outputs(alone.out)['exceptions.csv']).not.toBe(one!['exceptions.csv']);

    // A later file, checked against the history the first runs recorded (each its own copy).
    const later = [];
    for (const threads of [1, 2]) {
      copyFileSync(path.join(work, 'gen-1.db'), path.join(work, `later-${threads}.db`));
      later.push(await run(`later-${threads}`, [path.join(work, 'later.837')], { threads }));
    }
    expect(outputs(later[1]!.out)).toEqual(outputs(later[0]!.out));
    expect(historyRows(path.join(work, 'later-2.db'))).toEqual(historyRows(path.join(work, 'later-1.db')));
  }, 600_000);

  it('gives the same outputs and history when claims supersede recorded claims of other patients', async () => {
    const inputs = [path.join(work, 'in')];
    await run('base', inputs, { threads: 1 });
    const runs = [];
    for (const threads of [1, 2, 4]) {
      copyFileSync(path.join(work, 'base.db'), path.join(work, `reused-${threads}.db`));
      runs.push(await run(`reused-${threads}`, [path.join(work, 'later-reused.837')], { threads }));
    }
    const [one, ...others] = runs.map((each) => outputs(each.out));
    for (const other of others) expect(other).toEqual(one);
    const [db1, ...dbs] = [1, 2, 4].map((threads) => historyRows(path.join(work, `reused-${threads}.db`)));
    for (const db of dbs) expect(db).toEqual(db1);
    // Recorded claims of other patients were superseded (replacements, and corrections of held claims by key).
    const superseded = (db1!.claims as unknown[][]).filter((row) => row.includes('superseded')).length;
    expect(superseded).toBeGreaterThan(0);
  }, 600_000);

  describe.skipIf(POSTGRES_URL === null)('on a PostgreSQL history', () => {
    it('gives the same outputs as one thread when claims supersede recorded claims of other patients', async () => {
      const base = await createHistoryDatabase('threads');
      expect((await run('pg-base', [path.join(work, 'in')], { threads: 2, historyPath: base })).exitCode).toBe(0);
      // A copy of the recorded history for each run (a database made from another as its template).
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      const copies: string[] = [];
      try {
        for (const threads of [1, 2]) {
          const name = `${new URL(base).pathname.slice(1)}_${threads}`;
          await admin.query(`CREATE DATABASE ${name} TEMPLATE ${new URL(base).pathname.slice(1)}`);
          const url = new URL(base);
          url.pathname = `/${name}`;
          copies.push(url.toString());
        }
      } finally {
        await admin.end();
      }
      const runs = [];
      for (const [i, threads] of [1, 2].entries()) runs.push(await run(`pg-reused-${threads}`, [path.join(work, 'later-reused.837')], { threads, historyPath: copies[i]! }));
      expect(runs.map((one) => one.exitCode)).toEqual([0, 0]);
      expect(outputs(runs[1]!.out)).toEqual(outputs(runs[0]!.out));
      // And as on SQLite, from the same files.
      expect(outputs(runs[0]!.out)['exceptions.csv']).toBe(outputs(path.join(work, 'reused-1'))['exceptions.csv']);
    }, 600_000);
  });

  it('holds every claim of a file whose envelope is broken, as one thread does', async () => {
    const text = readFileSync(path.join(work, 'in', 'b.837'), 'latin1').replace(/SE\*(\d+)\*/, (_whole, count: string) => `SE*${Number(count) + 1}*`);
    mkdirSync(path.join(work, 'broken'));
    const file = path.join(work, 'broken', 'b.837');
    copyFileSync(path.join(work, 'in', 'a.837'), path.join(work, 'broken', 'a.837'));
    writeFileSync(file, text, 'latin1');
    const one = await run('broken-1', [path.join(work, 'broken')], { threads: 1 });
    const two = await run('broken-2', [path.join(work, 'broken')], { threads: 2 });
    expect([one.exitCode, two.exitCode]).toEqual([3, 3]);
    expect(outputs(two.out)).toEqual(outputs(one.out));
    expect(listOutputTree(one.out)).not.toContain('ready/b.837');
    expect(historyRows(path.join(work, 'broken-2.db'))).toEqual(historyRows(path.join(work, 'broken-1.db')));
  }, 600_000);

  it('gives the same outputs without recording, and without a history', async () => {
    const inputs = [path.join(work, 'in')];
    for (const extra of [{ record: false }, { historyPath: null }] as Partial<RunOptions>[]) {
      const one = await run('plain-1', inputs, { threads: 1, ...extra });
      const two = await run('plain-2', inputs, { threads: 2, ...extra });
      expect(outputs(two.out)).toEqual(outputs(one.out));
      expect(outputs(two.out)).not.toEqual({});
    }
  }, 600_000);

  it('counts the questions the workers ask an imported reference database in its usage, as one thread does', async () => {
    const cms = path.join(work, 'cms');
    mkdirSync(cms);
    const db = openForImport(path.join(work, 'reference.db'));
    try {
      // An MUE version from mid-year: the dates of service before it are uncovered (answered by the shipped tables).
      await importFile(db, mueFile(cms, '2026-04-01', [['64483', 1, '2 Date of Service Edit: Policy']]));
      await importFile(db, icdFile(cms, 2026, [['M5416', true, 'Radiculopathy, lumbar region']]));
    } finally {
      db.close();
    }
    const referencePath = path.join(work, 'reference.db');
    const one = await run('reference-1', [path.join(work, 'in')], { threads: 1, referencePath });
    const two = await run('reference-2', [path.join(work, 'in')], { threads: 2, referencePath });
    const report = JSON.parse(outputs(one.out)['exceptions.json']!) as { summary: { referenceVersions?: { tables: { uncovered: unknown }[] } } };
    expect(report.summary.referenceVersions?.tables.some((table) => table.uncovered !== null)).toBe(true);
    expect(outputs(two.out)).toEqual(outputs(one.out));
  }, 600_000);
});
