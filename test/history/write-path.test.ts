import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory } from '../../src/history/store.js';
import type { Claim } from '../../src/encounter/model.js';
import type { HistoryView } from '../../src/history/view.js';
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

/** A PatientKey for the view questions below. */
const keyOf = (memberId: string | undefined, last = 'DOE', first = 'JANE', dateOfBirth = '1955-05-05', dependent = false) => ({
  ...(memberId === undefined ? {} : { memberId }),
  lastName: last,
  firstName: first,
  dateOfBirth,
  ...(dependent ? { dependent } : {}),
});
const ASKED = [
  keyOf('MEM100'),
  keyOf('MEM200', 'ROE', 'RICK', '1960-01-01'),
  keyOf(undefined, 'ROE', 'RICK', '1960-01-01'),
  keyOf('MEM100', 'DOE', 'KIM', '2001-07-07', true),
  keyOf('MEM503'),
  keyOf('MEM505'),
  keyOf('MEM504'),
];

// The overlay's rows are held in memory (not written to the overlay database) up to a budget: whatever the budget,
// a run must record the same rows and answer the same, across files, re-runs (a file already recorded stays in the
// overlay) and discards in the middle (held rows written to the overlay database first).
describe('history write path across overlay budgets', () => {
  const scenario = (overlayLinesBudgetBytes: number | undefined, dir: string) => {
    const path = join(dir, `budget-${overlayLinesBudgetBytes ?? 'default'}.db`);
    const store = openHistory(path);
    const answers: unknown[] = [];
    const ask = (view: HistoryView) =>
      answers.push(ASKED.map((key) => view.linesBetween(key, '2026-01-01', '2026-12-31').map((l) => `${l.file}#${l.claimId} ${l.serviceDate} ${l.procedure}-${l.modifiers.join('.')}x${l.units ?? '?'}`)));
    const results: unknown[] = [];
    // One run, both files recorded as they end.
    const first = store.beginRun({ record: true, overlayLinesBudgetBytes });
    for (const [name, claims] of FILES) {
      const recorder = first.file(file(name));
      for (const one of claims) recorder.add(one);
      ask(first.view);
      results.push(recorder.commit());
    }
    ask(first.view);
    // A re-run of both files (already recorded: they stay in the overlay), then a new file replacing and voiding some of them.
    const names = [...FILES.map(([name]) => name), 'three.837'];
    const again = store.beginRun({ record: true, overlayLinesBudgetBytes, inputHashes: names.map((name) => file(name).hash) });
    for (const [name, claims] of FILES) {
      const recorder = again.file(file(name));
      for (const one of claims) recorder.add(one);
      ask(again.view);
      results.push(recorder.commit());
    }
    const third = again.file(file('three.837'));
    for (const one of [
      claim({ id: 'F5', freq: '7', member: 'MEM505', date: '2026-05-01', lines: ['64483-RT'] }),
      claim({ id: 'C9', freq: '8', lines: ['64493'] }), // awaits an original
      claim({ id: 'G7', freq: '8', member: 'MEM500', lines: ['99213'] }),
      claim({ id: 'C9', lines: ['64493'] }), // the late original of the 8 above
      ...fillers('H', 20),
    ]) third.add(one);
    ask(again.view);
    results.push(third.commit());
    ask(again.view);
    // A --no-record run: a file kept, one discarded in the middle, one more after it.
    const dry = store.beginRun({ record: false, overlayLinesBudgetBytes });
    const kept = dry.file(file('four.837'));
    // Q1: a 7 whose original comes two files later, after this file's held rows went to the overlay database.
    for (const one of [...fillers('K', 30), claim({ id: 'Q1', freq: '7', member: 'MEM504', date: '2026-07-07', lines: ['64493-RT'] })]) kept.add(one);
    results.push(kept.commit());
    const dropped = dry.file(file('five.837'));
    for (const one of [...fillers('L', 25), claim({ id: 'K3', freq: '7', member: 'MEM503', date: '2026-06-06', lines: ['64493-LT'] })]) dropped.add(one);
    ask(dry.view);
    dropped.discard();
    ask(dry.view);
    const after = dry.file(file('six.837'));
    for (const one of [
      claim({ id: 'K4', freq: '8', member: 'MEM504', lines: ['99213'] }),
      claim({ id: 'Q1', member: 'MEM504', date: '2026-07-01', lines: ['64493-LT'] }),
      ...fillers('M', 10),
    ]) after.add(one);
    ask(dry.view);
    results.push(after.commit());
    store.close();
    return { results, answers, tables: dump(path) };
  };

  it('records the same rows and answers the same with every row held, none held, or some held', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hist-budgets-'));
    try {
      const none = scenario(0, dir);
      expect(none.tables.foreignKeyProblems).toEqual([]);
      expect((none.tables.claims as unknown[]).length).toBe(84 + 5 + 24);
      // The view saw the re-run's void of C2 (file two) and the third file's replacement of F5.
      expect(JSON.stringify(none.answers)).toContain('three.837#F5 2026-05-01');
      // Q1's late original is hidden by the 7 that came first.
      expect(JSON.stringify(none.answers.at(-1))).toContain('four.837#Q1 2026-07-07');
      expect(JSON.stringify(none.answers)).not.toContain('six.837#Q1');
      for (const budget of [undefined, 2048, 6000]) expect(scenario(budget, dir)).toEqual(none);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
