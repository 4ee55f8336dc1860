/**
 * The run view's lines questions: the same lines, in the same order, whether the overlay's rows are held in memory or
 * read from the overlay database; linesBetween with a family gives that family's lines of the answer without one.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryFamily, PatientKey } from '../../src/history/view.js';
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

describe('run view lines', () => {
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

  it('builds the lines questions from held rows as from the overlay database (same lines, same order)', () => {
    const held = runOf(claims);
    const fromDatabase = runOf(claims, 0);
    for (const [from, to] of [['2026-01-01', '2026-12-31'], ['2026-03-05', '2026-03-05'], ['2026-02-06', '2026-03-04']] as const) {
      expect(held.view.linesBetween(JANE, from, to, asking('A1'))).toEqual(fromDatabase.view.linesBetween(JANE, from, to, asking('A1')));
      expect(held.view.linesOn(JANE, to)).toEqual(fromDatabase.view.linesOn(JANE, to));
      // With a family: that family's lines of the answer without one, held or not.
      for (const family of ['facet', 'esi', 'rfa'] as HistoryFamily[]) {
        const all = fromDatabase.view.linesBetween(JANE, from, to, asking('A2'));
        expect(held.view.linesBetween(JANE, from, to, asking('A2'), family)).toEqual(all.filter((line) => line.family === family));
        expect(fromDatabase.view.linesBetween(JANE, from, to, asking('A2'), family)).toEqual(all.filter((line) => line.family === family));
      }
    }
    expect(held.view.linesBetween(JANE, '2026-01-01', '2026-12-31', asking('A3'), 'esi')).toEqual([]);
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

function asking(claimId: string) {
  return { claimId, frequencyCode: '1', lines: [] };
}
