import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory } from '../../src/history/store.js';
import type { Claim } from '../../src/encounter/model.js';
import { claim, type LineSpec } from './fixtures.js';

const file = (name: string) => ({ name, hash: `hash-${name}`, format: 'x12' });

/** 70 lines: more than one multi-row statement holds. */
const manyLines: LineSpec[] = Array.from({ length: 70 }, (_, index) => ({
  code: index % 2 === 0 ? '64493' : '64494',
  mods: index % 3 === 0 ? ['RT', 'KX'] : ['LT'],
  units: index % 5 === 0 ? 2.5 : 1,
  date: `2026-02-${String(1 + (index % 28)).padStart(2, '0')}`,
  ...(index % 4 === 0 ? { npi: '1457389002' } : {}),
}));

/** Filler claims: the claims batch is written several times, and a 7 below finds its original still in the batch. */
const fillers = (prefix: string, count: number): Claim[] =>
  Array.from({ length: count }, (_, index) =>
    claim({ id: `${prefix}${index}`, member: `MEM${500 + (index % 7)}`, date: `2026-03-${String(1 + (index % 28)).padStart(2, '0')}`, lines: ['99213', '64483-50'] }),
  );

const FILES: [string, Claim[]][] = [
  [
    'one.837',
    [
      claim({ id: 'C1', lines: ['64493-RT-KX', '64494-RT'] }),
      claim({ id: 'C2', lines: manyLines }),
      claim({ id: 'C3', freq: '7', date: '2026-03-09', lines: ['64483-LT'] }), // before its original
      ...fillers('F', 40),
      claim({ id: 'C1', freq: '7', date: '2026-03-03', lines: ['64493-RT-KX'] }), // replaces a claim of this file
      claim({ id: 'C4', lines: ['64635-RT'] }),
      claim({ id: 'C4', freq: '8', lines: ['64635-RT'] }), // voids a claim still in the batch
      claim({ id: 'C3', date: '2026-03-08', lines: ['64483-LT'] }), // the late original
      claim({ id: 'M1', member: null, last: 'ROE', first: 'RICK', dob: '1960-01-01', lines: ['64479-RT'] }),
      claim({ id: 'D1', dependent: true, dob: '2001-07-07', first: 'KIM', lines: ['62323'] }),
      claim({ id: 'S1', lines: [{ code: '64493', mods: ['R\u001fT'] }] }), // a separator in a value: packed as JSON
      claim({ id: 'E1', lines: [] }),
      ...fillers('G', 33),
    ],
  ],
  [
    'two.837',
    [
      claim({ id: 'C2', freq: '8', lines: ['64493'] }), // voids a claim of the first file
      claim({ id: 'F3', freq: '7', date: '2026-04-01', lines: ['99214'] }),
      claim({ id: 'C5', freq: '7', lines: ['64490-RT'] }), // its original never comes
      claim({ id: 'M2', member: 'MEM200', last: 'ROE', first: 'RICK', dob: '1960-01-01', lines: ['64479-LT'] }), // takes M1's patient
      claim({ id: 'M3', member: null, last: 'ROE', first: 'RICK', dob: '1960-01-01', lines: ['64480'] }),
    ],
  ],
];

/** Every row of the history's tables (files without the clock's added_at), in id / key order. */
function dump(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = (sql: string) => db.prepare(sql).raw(true).all();
    return {
      files: rows('SELECT id, hash, name, format, claims, lines FROM files ORDER BY id'),
      patients: rows('SELECT *, typeof(member_id) FROM patients ORDER BY id'),
      claims: rows('SELECT * FROM claims ORDER BY id'),
      lines: rows('SELECT *, typeof(units), typeof(line_number) FROM lines ORDER BY patient_id, service_date, claim_row, seq'),
      foreignKeyProblems: db.pragma('foreign_key_check') as unknown[],
    };
  } finally {
    db.close();
  }
}

describe('history write path: a run\'s commit and history add', () => {
  it('write the same rows (ids, values, order) for replacements, voids, late originals, long claims and patients without member id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hist-write-'));
    try {
      const added = openHistory(join(dir, 'added.db'));
      const addResults = [];
      for (const [name, claims] of FILES) addResults.push(await added.ingestClaims(file(name), claims));
      added.close();

      const committed = openHistory(join(dir, 'committed.db'));
      const commitResults = [];
      for (const [name, claims] of FILES) {
        const run = committed.beginRun({ record: true });
        const recorder = run.file(file(name));
        for (const one of claims) recorder.add(one);
        commitResults.push(recorder.commit());
      }
      committed.close();

      expect(commitResults).toEqual(addResults);
      expect(addResults.map(({ claims, lines, replaced, voided, awaitingOriginal, lateOriginals }) => [claims, lines, replaced, voided, awaitingOriginal, lateOriginals])).toEqual([
        [84, 226, 1, 1, 1, 1],
        [5, 5, 1, 1, 1, 0],
      ]);
      const fromAdd = dump(join(dir, 'added.db'));
      const fromCommit = dump(join(dir, 'committed.db'));
      expect(fromCommit).toEqual(fromAdd);
      expect(fromAdd.foreignKeyProblems).toEqual([]);
      // Spot checks on the rows both wrote.
      const claimRows = fromAdd.claims as unknown[][];
      const status = (claimId: string) => claimRows.filter((row) => row[2] === claimId).map((row) => `${row[0]}:${row[4]}:${row[7]}:${row[8] ?? '-'}`);
      expect(status('C1')).toEqual(['1:1:replaced:44', '44:7:active:-']);
      expect(status('C3')).toEqual(['3:7:active:-', '47:1:replaced:3']);
      expect(status('C4')).toEqual(['45:1:voided:46', '46:8:void:-']);
      expect(status('C2')).toEqual(['2:1:voided:85', '85:8:void:-']);
      const lineRows = fromAdd.lines as unknown[][];
      const activeOf = (claimRow: number) => [...new Set(lineRows.filter((row) => row[2] === claimRow).map((row) => row[17]))];
      expect([activeOf(1), activeOf(2), activeOf(44), activeOf(45), activeOf(47)]).toEqual([[0], [0], [1], [0], [0]]);
      expect(lineRows.filter((row) => row[2] === 2)).toHaveLength(70);
      expect(lineRows.find((row) => row[2] === 2 && row[3] === 0)?.slice(14)).toEqual([2.5, 1, '1457389002', 0, 'real', 'integer']);
      expect(lineRows.find((row) => row[2] === 50)?.[9]).toBe('R\u001fT');
      const patients = fromAdd.patients as unknown[][];
      expect(patients.filter((row) => row[3] === patients.find((p) => p[1] === 'MEM200')?.[3]).map((row) => row[1])).toEqual(['MEM200']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
