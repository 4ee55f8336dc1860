/**
 * Several runs at once on one PostgreSQL history (the test cluster; skipped without one): a run that recorded a
 * patient after another run read it makes the other's file conflict (nothing recorded) and be checked again; the same
 * file recorded by two runs at once is recorded once; and two real runs at once, on files that bill the same
 * services under other claim numbers, end as if one had run after the other: the later one flags the duplicates.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate837p } from '../../scripts/generate-837p.js';
import type { PatientKey } from '../../src/encounter/history-view.js';
import { RunHistory } from '../../src/history/run.js';
import { readTree, runCli, startCli } from '../e2e/helpers.js';
import { createHistoryDatabase, historyDatabaseForTests, POSTGRES_URL } from '../support/postgres.js';
import { addClaim, ready } from './backends.js';
import { claim } from './fixtures.js';

const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };
const file = (name: string) => ({ name, hash: `hash-${name}`, format: 'x12' });

describe.skipIf(POSTGRES_URL === null)('two runs at once on one PostgreSQL history', () => {
  const { open } = historyDatabaseForTests('concurrency');

  it('refuses a file whose patient another run recorded after this run read it, and the run sees it once it reads again', async () => {
    const [a, b] = [await open(), await open()];
    const runA = new RunHistory(a, { record: true });
    const runB = new RunHistory(b, { record: true });
    const monday = runA.file(file('monday-a.837'));
    const tuesday = runB.file(file('monday-b.837'));
    await addClaim(a, monday, claim({ id: 'A1', lines: ['64493-RT-KX'] }), 'ready');
    // B reads the patient before A records: it sees nothing of A's claim.
    await ready(b, JANE, claim({ id: 'B1', lines: ['64493-RT-KX'] }));
    expect(runB.view.linesOn(JANE, '2026-03-02')).toEqual([]);
    await addClaim(b, tuesday, claim({ id: 'B1', lines: ['64493-RT-KX'] }), 'ready');
    expect(await monday.commit()).toMatchObject({ status: 'added', claims: 1 });
    await expect(tuesday.commit()).rejects.toMatchObject({
      code: 'HIST_CONFLICT',
      message: 'monday-b.837: another run recorded claims of 1 of its patients while this run checked it (nothing recorded; the file is checked again)',
    });
    expect(await b.stats()).toMatchObject({ files: 1, claims: 1 });
    // Read again (as the pipeline does before it checks the file again), B sees A's claim.
    const again = new RunHistory(b, { record: true });
    await ready(b, JANE, claim({ id: 'B1', lines: ['64493-RT-KX'] }));
    expect(again.view.linesOn(JANE, '2026-03-02').map((line) => `${line.file}#${line.claimId}`)).toEqual(['monday-a.837#A1']);
    const retry = again.file(file('monday-b.837'));
    await addClaim(b, retry, claim({ id: 'B1', lines: ['64493-RT-KX'] }), 'held');
    expect(await retry.commit()).toMatchObject({ status: 'added' });
    expect(await b.stats()).toMatchObject({ files: 2, claims: 2, heldClaims: 1 });
  });

  it('records a file two runs record at once once, and neither fails', async () => {
    const recorders = [];
    const pair = [await open(), await open()];
    for (const store of pair) {
      const recorder = new RunHistory(store, { record: true, inputHashes: ['hash-same.837'] }).file(file('same.837'));
      await addClaim(store, recorder, claim({ id: 'S1', member: 'MEM200', lines: ['64483-LT'] }), 'ready');
      recorders.push(recorder);
    }
    const results = await Promise.all(recorders.map((recorder) => recorder.commit()));
    expect(results.map((result) => result.status).sort()).toEqual(['added', 'already-ingested']);
    const stats = await pair[0]!.stats();
    expect(stats).toMatchObject({ files: 3, claims: 3 });
  });

  describe('two CLI runs at once', () => {
    let work: string;
    beforeAll(async () => {
      work = mkdtempSync(path.join(tmpdir(), 'spinescrub-pg-concurrent-'));
      let text = '';
      await generate837p(
        { claims: 800, seed: 21, startDate: '2026-02-02' },
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            text += chunk.toString('latin1');
            callback();
          },
        }),
      );
      // The same services under other claim numbers.
      writeFileSync(path.join(work, 'north.837'), text, 'latin1');
      writeFileSync(path.join(work, 'south.837'), text.replace(/(^|~\s*)CLM\*([^*]+)\*/g, '$1CLM*$2S*'), 'latin1');
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    const args = (input: string, out: string, history: string) => ['run', path.join(work, input), '--out', path.join(work, out), '--as-of', '2026-11-27', '--history', history, '--no-progress'];

    it.each([1, 2])('end as if one ran after the other (--threads %i): the later one holds the duplicates of the other, and neither crashes', async (threads) => {
      const shared = await createHistoryDatabase('cli');
      const threaded = (input: string, out: string) => [...args(input, out, shared), '--threads', String(threads)];
      const dir = (stem: string) => `${stem}-${threads}`;
      const [north, south] = await Promise.all([startCli(threaded('north.837', dir('north'))).done, startCli(threaded('south.837', dir('south'))).done]);
      for (const result of [north, south]) {
        expect([0, 1]).toContain(result.code);
        expect(result.stderr).not.toMatch(/ error: /);
      }
      const client = new pg.Client({ connectionString: shared });
      await client.connect();
      const order = (await client.query<{ name: string }>('SELECT name FROM files ORDER BY id')).rows.map((row) => path.basename(row.name));
      await client.end();
      expect([...order].sort()).toEqual(['north.837', 'south.837']);
      // The same two files one after the other, in the order they were recorded, on a SQLite history.
      const sqlite = path.join(work, `sequential-${threads}.db`);
      const sequential = new Map<string, Map<string, Buffer>>();
      for (const name of order) {
        const stem = name.replace('.837', '');
        const result = await runCli([...args(name, `${dir(stem)}-sequential`, sqlite), '-q']);
        expect([0, 1]).toContain(result.code);
        sequential.set(stem, readTree(path.join(work, `${dir(stem)}-sequential`)));
      }
      for (const stem of ['north', 'south']) {
        const concurrent = readTree(path.join(work, dir(stem)));
        const expected = sequential.get(stem)!;
        expect([...concurrent.keys()]).toEqual([...expected.keys()]);
        for (const [name, bytes] of expected) expect(concurrent.get(name)?.equals(bytes), `${stem}: ${name}`).toBe(true);
      }
      // The later run holds what the earlier one released as duplicates.
      const later = order[1]!.replace('.837', '');
      const duplicates = (stem: string) => (readTree(path.join(work, dir(stem))).get('exceptions.csv')!.toString().match(/history\/duplicate/g) ?? []).length;
      expect(duplicates(later)).toBeGreaterThan(duplicates(later === 'north' ? 'south' : 'north') + 400);
    }, 180_000);
  });
});
