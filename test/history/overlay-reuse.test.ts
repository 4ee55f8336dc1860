/**
 * A run whose overlay rows are all read from the overlay database (no held rows): each recorded file is seen once,
 * from the database after its commit, while the next file's rows take the same overlay row ids again.
 */
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../src/history/store.js';
import type { PatientKey } from '../../src/history/view.js';
import { claim } from './fixtures.js';

const JANE: PatientKey = { memberId: 'MEM100', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' };
const file = (name: string) => ({ name, hash: `hash-${name}` });

describe('run overlay read from its database (no held rows)', () => {
  it('sees each recorded file once: in the database after its commit, the next file\'s rows (ids given again) in the overlay', () => {
    const store = openHistory(':memory:');
    const run = store.beginRun({ record: true, overlayLinesBudgetBytes: 0 });
    const first = run.file(file('a.837'));
    first.add(claim({ id: 'A1', file: 'a.837', date: '2026-03-02', lines: ['64493-RT'] }));
    first.add(claim({ id: 'A2', file: 'a.837', date: '2026-03-02', member: 'MEM200', first: 'JOHN', lines: ['64493-RT'] }));
    expect(run.view.linesOn(JANE, '2026-03-02').map((line) => `${line.file}#${line.claimId}`)).toEqual(['a.837#A1']);
    expect(first.commit()).toMatchObject({ status: 'added', claims: 2 });
    const second = run.file(file('b.837'));
    // Overlay row ids start again at 1: the same member's row 1 is now B1.
    second.add(claim({ id: 'B1', file: 'b.837', date: '2026-03-02', lines: ['64493-LT'] }));
    second.add(claim({ id: 'B2', file: 'b.837', date: '2026-03-02', lines: ['64494-LT'] }));
    expect(run.view.linesOn(JANE, '2026-03-02').map((line) => `${line.file}#${line.claimId} ${line.procedure}`)).toEqual([
      'a.837#A1 64493',
      'b.837#B1 64493',
      'b.837#B2 64494',
    ]);
    expect(run.view.sessions(JANE, 'facet', 'lumbar-sacral', '2025-03-03', '2026-03-02', asking('B2')).map((session) => `${session.file}#${session.claimId}`)).toEqual(['a.837#A1', 'b.837#B1']);
    expect(second.commit()).toMatchObject({ status: 'added', claims: 2 });
    expect(store.view().linesOn(JANE, '2026-03-02').map((line) => line.claimId)).toEqual(['A1', 'B1', 'B2']);
  });
});

function asking(claimId: string) {
  return { claimId, frequencyCode: '1', lines: [] };
}
