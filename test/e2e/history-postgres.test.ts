/**
 * End to end on a PostgreSQL history (the test cluster; skipped without one): `history migrate`, a run refused on
 * an unmigrated database, and the same inputs against SQLite and against PostgreSQL giving byte-identical outputs:
 * the samples, then a generated 837P whose patients the samples' run put in the history, then the samples again
 * (a re-run); `history add`, `history stats` and `history patient` agree.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate837p } from '../../scripts/generate-837p.js';
import { createHistoryDatabase, POSTGRES_URL } from '../support/postgres.js';
import { readTree, runCli } from './helpers.js';

const AS_OF = '2026-11-27';
const MAPS = ['--csv-map', 'samples/maps/tebra-kareo.json', '--csv-map', 'samples/maps/combined-code.json'];

describe.skipIf(POSTGRES_URL === null)('a PostgreSQL history', () => {
  let work: string;
  let url: string;
  let generated: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'spinescrub-pg-e2e-'));
    generated = path.join(work, 'inbound');
    mkdirSync(generated);
    // Two files of one generated world: the second's patients (a prefix of the pool) have claims in the first.
    for (const [name, options] of [
      ['earlier.837', { claims: 1500, seed: 7, startDate: '2026-01-05' }],
      ['later.837', { claims: 600, seed: 7, startDate: '2026-06-01' }],
    ] as const) {
      const out = createWriteStream(path.join(generated, name));
      await generate837p(options, out);
      out.end();
      await once(out, 'finish');
    }
    url = await createHistoryDatabase('e2e', false);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses to run on a database without the schema, and says to run history migrate', async () => {
    const result = await runCli(['run', 'samples', '--out', path.join(work, 'refused'), '--as-of', AS_OF, '--history', url, '--no-progress', '-q', ...MAPS]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`history database ${url} has no spinescrub schema: run \`spinescrub history migrate --history ${url}\` first`);
    const migrated = await runCli(['history', 'migrate', '--history', url]);
    expect(migrated).toMatchObject({ code: 0, stdout: `history ${url}: schema migrated from version 0 to 1\n` });
    expect((await runCli(['history', 'migrate', '--history', url])).stdout).toBe(`history ${url}: schema version 1, nothing to do\n`);
  });

  it('history add records prior files once, as on SQLite', async () => {
    const added = await createHistoryDatabase('add');
    const sqlite = path.join(work, 'add.db');
    const files = ['samples/clinic-a-clean.837', 'samples/clinic-c-history.csv'];
    for (const history of [sqlite, added]) {
      const first = await runCli(['history', 'add', ...files, '--history', history]);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toBe('samples/clinic-a-clean.837: added 15 claims, 28 lines (1 awaiting their original)\nsamples/clinic-c-history.csv: added 18 claims, 30 lines\n');
      expect((await runCli(['history', 'add', files[0]!, '--history', history])).stdout).toBe('samples/clinic-a-clean.837: already in the history (same content), nothing changed\n');
    }
    const stats = await Promise.all([sqlite, added].map(async (history) => JSON.parse((await runCli(['history', 'stats', '--json', '--history', history])).stdout) as Record<string, unknown>));
    expect({ ...stats[1], path: '', schemaVersion: 0, sizeBytes: 0 }).toEqual({ ...stats[0], path: '', schemaVersion: 0, sizeBytes: 0 });
  });

  it('gives the same outputs as SQLite, byte for byte, run after run', async () => {
    const sqlite = path.join(work, 'history.db');
    const runs: [string, string[]][] = [
      ['samples', ['samples', ...MAPS]],
      ['generated', [generated]],
      ['samples-again', ['samples', ...MAPS]],
    ];
    for (const [name, inputs] of runs) {
      const outputs: Map<string, Buffer>[] = [];
      for (const [backend, history] of [['sqlite', sqlite], ['postgres', url]] as const) {
        const out = path.join(work, `${name}-${backend}`);
        const result = await runCli(['run', ...inputs, '--out', out, '--as-of', AS_OF, '--history', history, '--no-progress', '-q']);
        expect(result.stderr).toBe('');
        expect([0, 1]).toContain(result.code);
        outputs.push(readTree(out));
      }
      const [left, right] = outputs as [Map<string, Buffer>, Map<string, Buffer>];
      expect([...right.keys()]).toEqual([...left.keys()]);
      for (const [file, bytes] of left) expect(right.get(file)?.equals(bytes), `${name}: ${file}`).toBe(true);
      // The generated file's claims meet the history: some are held on what the earlier file recorded.
      if (name === 'generated') expect(left.get('exceptions.csv')!.toString()).toContain('history/');
    }
    const stats = await Promise.all([sqlite, url].map((history) => runCli(['history', 'stats', '--json', '--history', history])));
    const [fromSqlite, fromPostgres] = stats.map((result) => JSON.parse(result.stdout) as Record<string, unknown>);
    const counts = ({ path: _path, schemaVersion: _version, sizeBytes: _size, ...rest }: Record<string, unknown>) => rest;
    expect(counts(fromPostgres!)).toEqual(counts(fromSqlite!));
    expect(fromPostgres).toMatchObject({ files: 11, path: url });
    const patients = await Promise.all([sqlite, url].map((history) => runCli(['history', 'patient', '9SY00000102', '--history', history])));
    expect(patients[1]!.stdout).toBe(patients[0]!.stdout);
    expect(patients[0]!.stdout).toMatch(/^\d+ claims? for that member id\n/);
  }, 180_000);
});
