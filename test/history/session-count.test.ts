/**
 * HistoryView.sessionCount of a run's view: sessions(…).length for the same arguments, counted in place over the
 * overlay rows held in memory (or answered by sessions() where it cannot be), and the lines questions built only
 * from the held rows they need: the same answers either way.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryFamily, PatientKey } from '../../src/history/view.js';
import type { Region } from '../../src/encounter/model.js';
import { openHistory, type RunHistory } from '../../src/history/store.js';
import { claim, type ClaimSpec } from './fixtures.js';

const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };
const file = (name: string) => ({ name, hash: `hash-${name}` });

function runOf(claims: ClaimSpec[], overlayLinesBudgetBytes?: number): RunHistory {
  const run = openHistory(':memory:').beginRun({ record: false, overlayLinesBudgetBytes });
  const recorder = run.file(file('in.837'));
  for (const spec of claims) recorder.add(claim({ file: 'in.837', ...spec }));
  return run;
}

describe('sessionCount', () => {
  const claims: ClaimSpec[] = [
    { id: 'A1', date: '2026-01-05', lines: ['64493-RT', '64494-RT'] },
    // The same claim sent twice: one session (one claim key, one file, one date).
    { id: 'A2', date: '2026-02-05', lines: ['64493-LT'] },
    { id: 'A2', date: '2026-02-05', lines: ['64493-LT'] },
    // One claim, two dates: two sessions.
    { id: 'A3', date: '2026-03-05', lines: ['64493', { code: '64493', date: '2026-03-06' }, '64483'] },
    // Another billing provider's claim with the same id on the same date: its own session.
    { id: 'A3', date: '2026-03-05', billingNpi: '1888888888', lines: ['64493'] },
    { id: 'B1', date: '2026-03-05', member: 'MEM200', first: 'JOHN', lines: ['64493'] },
  ];

  it('counts what sessions() answers: a claim sent twice once, dates apart, the excluded claim left out', () => {
    const cases: [HistoryFamily, Region, string, string, string | undefined, number][] = [
      ['facet', 'lumbar-sacral', '2025-03-06', '2026-03-06', undefined, 5],
      ['facet', 'lumbar-sacral', '2025-03-06', '2026-03-06', 'A3', 2],
      ['facet', 'lumbar-sacral', '2025-03-06', '2026-03-05', 'A1', 3],
      ['facet', 'lumbar-sacral', '2026-02-01', '2026-03-05', 'X9', 3],
      ['esi', 'lumbar-sacral', '2025-03-06', '2026-03-06', undefined, 1],
      ['esi', 'cervical-thoracic', '2025-03-06', '2026-03-06', undefined, 0],
      ['rfa', 'lumbar-sacral', '2025-03-06', '2026-03-06', undefined, 0],
    ];
    for (const [family, region, from, to, exclude, expected] of cases) {
      // A run of its own per question: its sessions are not grouped yet, so the count is made in place.
      const counted = runOf(claims).view.sessionCount!(JANE, family, region, from, to, exclude);
      const grouped = runOf(claims).view.sessions(JANE, family, region, from, to, exclude).length;
      const fromDatabase = runOf(claims, 0).view.sessionCount!(JANE, family, region, from, to, exclude);
      expect([family, region, from, to, exclude, counted, grouped, fromDatabase]).toEqual([family, region, from, to, exclude, expected, expected, expected]);
    }
  });

  it('counts the same as sessions() on random runs, held or read from the overlay database', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const codes = ['64493', '64494', '64490', '64483', '62321', '64635', '64633', '99213'];
    const members = ['MEM100', 'MEM200'];
    for (let round = 0; round < 8; round++) {
      const specs: ClaimSpec[] = [];
      for (let i = 0, n = 3 + random(10); i < n; i++) {
        const date = `2026-0${1 + random(3)}-1${random(3)}`;
        const lines = Array.from({ length: 1 + random(3) }, () => ({
          code: codes[random(codes.length)]!,
          mods: [['RT'], ['LT'], [], ['50']][random(4)]!,
          ...(random(4) === 0 ? { date: `2026-0${1 + random(3)}-1${random(3)}` } : {}),
        }));
        specs.push({ id: `C${random(4)}`, date, member: members[random(2)]!, billingNpi: random(3) === 0 ? '1888888888' : '1999999984', lines });
      }
      for (const family of ['facet', 'esi', 'rfa'] as HistoryFamily[]) {
        for (const region of ['lumbar-sacral', 'cervical-thoracic'] as Region[]) {
          for (const exclude of [undefined, 'C0', 'C1']) {
            const from = `2026-0${1 + random(2)}-1${random(3)}`;
            const to = `2026-0${2 + random(2)}-1${random(3)}`;
            const expected = runOf(specs).view.sessions(JANE, family, region, from, to, exclude).length;
            expect(runOf(specs).view.sessionCount!(JANE, family, region, from, to, exclude)).toBe(expected);
            expect(runOf(specs, 0).view.sessionCount!(JANE, family, region, from, to, exclude)).toBe(expected);
          }
        }
      }
    }
  });

  it('builds the lines questions from held rows as from the overlay database (same lines, same order)', () => {
    const held = runOf(claims);
    const fromDatabase = runOf(claims, 0);
    for (const [from, to] of [['2026-01-01', '2026-12-31'], ['2026-03-05', '2026-03-05'], ['2026-02-06', '2026-03-04']] as const) {
      expect(held.view.linesBetween(JANE, from, to, 'A1')).toEqual(fromDatabase.view.linesBetween(JANE, from, to, 'A1'));
      expect(held.view.linesOn(JANE, to)).toEqual(fromDatabase.view.linesOn(JANE, to));
      // With a family: that family's lines of the answer without one, held or not.
      for (const family of ['facet', 'esi', 'rfa'] as HistoryFamily[]) {
        const all = fromDatabase.view.linesBetween(JANE, from, to, 'A2');
        expect(held.view.linesBetween(JANE, from, to, 'A2', family)).toEqual(all.filter((line) => line.family === family));
        expect(fromDatabase.view.linesBetween(JANE, from, to, 'A2', family)).toEqual(all.filter((line) => line.family === family));
      }
    }
    expect(held.view.linesBetween(JANE, '2026-01-01', '2026-12-31', 'A3', 'esi')).toEqual([]);
    expect(held.view.linesBetween(JANE, '2026-01-01', '2026-12-31', undefined, 'esi').map((line) => `${line.claimId} ${line.procedure}`)).toEqual(['A3 64483']);
    expect(held.view.linesBetween(JANE, '2026-01-01', '2026-12-31').map((line) => `${line.claimId} ${line.serviceDate} ${line.procedure}`)).toEqual([
      'A1 2026-01-05 64493',
      'A1 2026-01-05 64494',
      'A2 2026-02-05 64493',
      'A2 2026-02-05 64493',
      'A3 2026-03-05 64493',
      'A3 2026-03-06 64493',
      'A3 2026-03-05 64483',
      'A3 2026-03-05 64493',
    ]);
  });
});
