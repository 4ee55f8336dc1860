import { describe, expect, it } from 'vitest';
import type { Claim, ServiceLine } from '../../src/encounter/model.js';
import { UNNORMALIZED } from '../../src/encounter/model.js';
import { sessionsOf } from '../../src/encounter/sessions.js';

function line(key: string, serviceDate: string, renderingNpi?: string): ServiceLine {
  return {
    key, lineNumber: Number(key), procedureQualifier: 'HC', procedure: '64483', modifiers: [], chargeCents: 100,
    unitBasis: 'UN', units: 1, pointers: [1], serviceDate, source: { file: 't.837' }, facts: UNNORMALIZED,
    ...(renderingNpi ? { renderingNpi } : {}),
  };
}

function claimOf(lines: ServiceLine[], renderingNpi?: string): Claim {
  return {
    claimId: 'C1', frequencyCode: '1', placeOfService: '11', totalChargeCents: 0, subscriber: {}, patient: {},
    diagnoses: [], lines, format: 'x12', source: { file: 't.837' }, readProblems: [],
    ...(renderingNpi ? { renderingNpi } : {}),
  };
}

const summary = (claim: Claim) =>
  sessionsOf(claim).map((s) => ({ date: s.serviceDate, npi: s.renderingNpi, keys: s.lines.map((l) => l.key) }));

describe('sessionsOf', () => {
  it.each([
    {
      name: 'one date, claim-level provider: one session',
      claim: claimOf([line('1', '2026-03-02'), line('2', '2026-03-02')], 'A'),
      expected: [{ date: '2026-03-02', npi: 'A', keys: ['1', '2'] }],
    },
    {
      name: 'two dates, interleaved lines: sessions in order of first line, lines in claim order',
      claim: claimOf([line('1', '2026-03-09'), line('2', '2026-03-02'), line('3', '2026-03-09')], 'A'),
      expected: [
        { date: '2026-03-09', npi: 'A', keys: ['1', '3'] },
        { date: '2026-03-02', npi: 'A', keys: ['2'] },
      ],
    },
    {
      name: "a line's rendering provider splits the session; equal to the claim's it joins it",
      claim: claimOf([line('1', '2026-03-02'), line('2', '2026-03-02', 'B'), line('3', '2026-03-02', 'A')], 'A'),
      expected: [
        { date: '2026-03-02', npi: 'A', keys: ['1', '3'] },
        { date: '2026-03-02', npi: 'B', keys: ['2'] },
      ],
    },
    {
      name: 'no provider anywhere: grouped by date alone',
      claim: claimOf([line('1', '2026-03-02'), line('2', '2026-03-02')]),
      expected: [{ date: '2026-03-02', npi: undefined, keys: ['1', '2'] }],
    },
    { name: 'no lines: no session', claim: claimOf([], 'A'), expected: [] },
  ])('$name', ({ claim, expected }) => {
    expect(summary(claim)).toEqual(expected);
  });

  it('sessions hold the claim and its own line objects', () => {
    const claim = claimOf([line('1', '2026-03-02')], 'A');
    const [session] = sessionsOf(claim);
    expect(session!.claim).toBe(claim);
    expect(session!.lines[0]).toBe(claim.lines[0]);
    expect('renderingNpi' in sessionsOf(claimOf([line('1', '2026-03-02')]))[0]!).toBe(false);
  });
});
