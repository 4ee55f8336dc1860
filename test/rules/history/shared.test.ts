/**
 * The history helpers' fast paths: each must answer what the plain version answered.
 * onePerDate walks date-ordered lists instead of grouping; sessionsIn merges the history's date-ordered sessions
 * with the claim's own instead of sorting; describeSessions and causesOf build their text and list in one loop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeClaim } from '../../../src/encounter/normalize.js';
import { sessionsOf } from '../../../src/encounter/sessions.js';
import type { HistoryView, PriorSession } from '../../../src/history/view.js';
import { defaultReference } from '../../../src/reference/index.js';
import { isJCode } from '../../../src/rules/common/drugs.js';
import { addDays, causesOf, daysBetween, describeCounted, describeSessions, isIsoDate, onePerDate, overRollingLimit, sessionsIn, type CountedSession } from '../../../src/rules/history/shared.js';
import { ClaimMemo } from '../../../src/rules/memo.js';
import { medicare } from '../../../src/policy/profiles.js';
import { claimOf } from '../../support/claim-builder.js';

function session(serviceDate: string, claimId: string, own?: boolean): CountedSession {
  const counted: CountedSession = { file: own ? 'this.837' : 'prior.837', claimId, serviceDate, family: 'esi', region: 'lumbar-sacral', codes: ['62323'], sides: [], kx: false };
  if (own !== undefined) counted.own = own;
  return counted;
}

/** onePerDate as it was written before the walk: a map per date, then sorted by date. */
function onePerDateByMap(sessions: readonly CountedSession[]): CountedSession[] {
  const byDate = new Map<string, CountedSession>();
  for (const s of sessions) {
    const kept = byDate.get(s.serviceDate);
    if (kept === undefined || (kept.own && !s.own)) byDate.set(s.serviceDate, s);
  }
  return [...byDate.values()].sort((a, b) => (a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : 0));
}

const DATES = ['2026-01-05', '2026-02-10', '2026-02-11', '2026-06-30'];
const sessionArbitrary = fc
  .record({ date: fc.constantFrom(...DATES), id: fc.constantFrom('A', 'B', 'C'), own: fc.constantFrom<boolean | undefined>(true, false, undefined) })
  .map(({ date, id, own }) => session(date, id, own));

describe('onePerDate', () => {
  it('keeps, per date, the first prior session, else the first one (date-ordered input)', () => {
    const a = session('2026-01-05', 'A', true);
    const b = session('2026-01-05', 'B');
    const c = session('2026-01-05', 'C');
    const d = session('2026-02-10', 'D', true);
    expect(onePerDate([a, b, c, d])).toEqual([b, d]);
    expect(onePerDate([a, b, c, d])[0]).toBe(b);
  });

  it('answers what grouping by a map answered, for inputs in date order or not', () => {
    fc.assert(
      fc.property(fc.array(sessionArbitrary, { maxLength: 12 }), fc.boolean(), (sessions, ordered) => {
        const input = ordered ? [...sessions].sort((a, b) => (a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : 0)) : sessions;
        const walked = onePerDate(input);
        const mapped = onePerDateByMap(input);
        expect(walked.length).toBe(mapped.length);
        walked.forEach((s, i) => expect(s).toBe(mapped[i]));
      }),
    );
  });
});

describe('sessionsIn', () => {
  // A history that answers with fixed prior sessions (in the store's date order) and counts its questions.
  function historyWith(prior: PriorSession[]): HistoryView & { asked: number } {
    const view = {
      available: true,
      asked: 0,
      sessions: () => {
        view.asked++;
        return prior;
      },
      linesOn: () => [],
      linesBetween: () => [],
    };
    return view;
  }

  it('merges prior sessions and this claim’s own by date, prior first on a date, and asks the history once', () => {
    const claim = normalizeClaim(
      claimOf({ dx: ['M5416'], lines: ['62323 dos:2026-03-01', '62323 dos:2026-05-01'] }),
      defaultReference,
    );
    const prior: PriorSession[] = [
      { file: 'p.837', claimId: 'P1', serviceDate: '2026-01-10', family: 'esi', region: 'lumbar-sacral', codes: ['62323'], sides: [], kx: false },
      { file: 'p.837', claimId: 'P2', serviceDate: '2026-03-01', family: 'esi', region: 'lumbar-sacral', codes: ['62323'], sides: [], kx: false },
      { file: 'p.837', claimId: 'P3', serviceDate: '2026-06-01', family: 'esi', region: 'lumbar-sacral', codes: ['62323'], sides: [], kx: false },
    ];
    const history = historyWith(prior);
    const context = { history, reference: defaultReference, memo: new ClaimMemo() };
    const encounter = sessionsOf(claim)[1]!;
    const answer = sessionsIn(encounter, context, 'esi', 'lumbar-sacral', '2025-05-02', '2026-12-31');
    expect(answer.map((s) => `${s.serviceDate} ${s.claimId} ${s.own === true ? 'own' : 'prior'}`)).toEqual([
      '2026-01-10 P1 prior',
      '2026-03-01 P2 prior',
      '2026-03-01 CLM1 own',
      '2026-05-01 CLM1 own',
      '2026-06-01 P3 prior',
    ]);
    // The history's own objects, not copies; asked once for the claim.
    expect(answer[0]).toBe(prior[0]);
    expect(sessionsIn(encounter, context, 'esi', 'lumbar-sacral', '2025-05-02', '2026-12-31')).toBe(answer);
    expect(history.asked).toBe(1);
  });

  it('sorts when the history answers out of date order', () => {
    const claim = normalizeClaim(claimOf({ dx: ['M5416'], lines: ['62323 dos:2026-03-01'] }), defaultReference);
    const prior: PriorSession[] = [
      { file: 'p.837', claimId: 'P3', serviceDate: '2026-06-01', family: 'esi', region: 'lumbar-sacral', codes: ['62323'], sides: [], kx: false },
      { file: 'p.837', claimId: 'P2', serviceDate: '2026-03-01', family: 'esi', region: 'lumbar-sacral', codes: ['62323'], sides: [], kx: false },
    ];
    const context = { history: historyWith(prior), reference: defaultReference, memo: new ClaimMemo() };
    const answer = sessionsIn(sessionsOf(claim)[0]!, context, 'esi', 'lumbar-sacral', '2025-03-02', '2026-12-31');
    expect(answer.map((s) => `${s.serviceDate} ${s.claimId}`)).toEqual(['2026-03-01 P2', '2026-03-01 CLM1', '2026-06-01 P3']);
  });
});

describe('overRollingLimit', () => {
  const prior = ['2025-12-01', '2026-01-05', '2026-02-10', '2026-03-15', '2026-04-20'].map(
    (serviceDate, i): PriorSession => ({ file: 'p.837', claimId: `P${i}`, serviceDate, family: 'esi', region: 'lumbar-sacral', codes: ['62323'], sides: [], kx: false }),
  );
  const history: HistoryView = { available: true, sessions: () => prior, linesOn: () => [], linesBetween: () => [] };
  const limitOf = (_lines: unknown, context: { policy: typeof medicare }) => context.policy.limits.esiSessionsPerYear;

  it('counts the sessions of the rolling year against the policy limit', () => {
    const claim = normalizeClaim(claimOf({ dx: ['M5416'], lines: ['62323'] }), defaultReference);
    const encounter = sessionsOf(claim)[0]!;
    const context = { history, reference: defaultReference, policy: medicare, memo: new ClaimMemo() };
    const first = overRollingLimit(encounter, context, 'esi', limitOf);
    expect(first.map((over) => [over.region, over.counted.length])).toEqual([['lumbar-sacral', 6]]);
    expect(describeCounted(first[0]!)).toBe(
      'p.837 claim P0 on 2025-12-01; p.837 claim P1 on 2026-01-05; p.837 claim P2 on 2026-02-10; p.837 claim P3 on 2026-03-15; and 2 more',
    );
    const stricter = { ...medicare, limits: { ...medicare.limits, esiSessionsPerYear: 10 } };
    expect(overRollingLimit(encounter, { ...context, policy: stricter }, 'esi', limitOf)).toEqual([]);
  });
});

describe('date arithmetic', () => {
  const dates = fc
    .record({ year: fc.integer({ min: 0, max: 9999 }), month: fc.integer({ min: 0, max: 13 }), day: fc.integer({ min: 0, max: 32 }) })
    .map(({ year, month, day }) => `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  const byDate = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

  it('addDays and daysBetween answer what Date answers', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -800, max: 800 }), (date, days) => {
        if (Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return;
        const shifted = byDate(date, days);
        if (!/^\d{4}-/.test(shifted)) return;
        expect(addDays(date, days)).toBe(shifted);
        expect(daysBetween(date, shifted)).toBe(days);
      }),
      { numRuns: 5000 },
    );
    expect(addDays('2026-02-30', 1)).toBe('2026-03-03');
    expect(addDays('2026-03-01', -364)).toBe('2025-03-02');
  });

  it('isIsoDate answers what the pattern and Date.parse answer', () => {
    const other = fc.constantFrom('', '2026-1-05', '2026-01-05T00:00', 'x026-01-05', '20260105', '2026-01-5 ');
    fc.assert(
      fc.property(fc.oneof(dates, other), (date) => {
        expect(isIsoDate(date)).toBe(/^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('describeSessions and causesOf', () => {
  const sessions = [
    session('2026-01-05', 'A'),
    session('2026-02-10', 'B', true),
    session('2026-02-11', 'C', false),
    session('2026-03-01', 'D'),
    session('2026-04-01', 'E'),
    session('2026-06-30', 'F'),
  ];

  it('lists the first four, then how many more', () => {
    expect(describeSessions([])).toBe('');
    expect(describeSessions(sessions.slice(0, 2))).toBe('prior.837 claim A on 2026-01-05; this claim on 2026-02-10');
    expect(describeSessions(sessions.slice(0, 4))).toBe(
      'prior.837 claim A on 2026-01-05; this claim on 2026-02-10; prior.837 claim C on 2026-02-11; prior.837 claim D on 2026-03-01',
    );
    expect(describeSessions(sessions)).toBe(
      'prior.837 claim A on 2026-01-05; this claim on 2026-02-10; prior.837 claim C on 2026-02-11; prior.837 claim D on 2026-03-01; and 2 more',
    );
  });

  it('cites every session but this claim’s own', () => {
    expect(causesOf(sessions.slice(0, 3), 'ESI session')).toEqual([
      { message: 'ESI session billed here', file: 'prior.837', claimId: 'A', serviceDate: '2026-01-05' },
      { message: 'ESI session billed here', file: 'prior.837', claimId: 'C', serviceDate: '2026-02-11' },
    ]);
  });
});

describe('isJCode', () => {
  it('is /^J\\d{4}$/', () => {
    expect(isJCode('J1040')).toBe(true);
    expect(['J104', 'J10400', 'j1040', 'J10A0', 'K1040', 'J1040\n', ''].map(isJCode)).toEqual([false, false, false, false, false, false, false]);
    fc.assert(fc.property(fc.string({ maxLength: 7 }), (code) => isJCode(code) === /^J\d{4}$/.test(code)));
    fc.assert(fc.property(fc.stringMatching(/^J[0-9A-Z]{4}$/), (code) => isJCode(code) === /^J\d{4}$/.test(code)));
  });
});

describe('addDays and daysBetween (remembered answers)', () => {
  const plainAddDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const plainDaysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
  const dateArb = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('answer what the plain computation answers, in any order of questions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(dateArb, fc.constantFrom(-364, -181, -90, -1, 0, 1, 30, -365)), { minLength: 1, maxLength: 40 }), (asks) => {
        for (const [date, days] of asks) expect(addDays(date, days)).toBe(plainAddDays(date, days));
        for (let i = 1; i < asks.length; i++) expect(daysBetween(asks[i - 1]![0], asks[i]![0])).toBe(plainDaysBetween(asks[i - 1]![0], asks[i]![0]));
      }),
      { numRuns: 200, seed: 20261127 },
    );
  });

  it('crosses months, years and leap days', () => {
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-10-01', -364)).toBe('2025-10-02');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2025-10-02', '2026-10-01')).toBe(364);
    expect(daysBetween('2026-10-01', '2026-10-01')).toBe(0);
  });

  it('still fails on a date that is not one (nothing remembered for it)', () => {
    expect(() => addDays('', 0)).toThrow(RangeError);
    expect(() => addDays('2026-13-45', -1)).toThrow(RangeError);
  });
});

describe('daysBetween counts usual dates from their digits as Date.parse would', () => {
  const parsedDays = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');

  it('every day 01–31 of every month, over leap and century years, and far years', () => {
    for (const year of [0, 1, 4, 99, 100, 400, 1600, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2025, 2026, 2100, 2400, 9999]) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          expect(daysBetween('1970-01-01', date)).toBe(Math.round(parsedDays(date)));
        }
      }
    }
  });

  it('texts that are not usual dates answer what Date.parse answers (NaN days)', () => {
    for (const date of ['2026-00-10', '2026-13-01', '2026-01-00', '2026-01-32', '2026-1-01', '2026/01/01', '', 'abcd-ef-gh', '+02026-01-01']) {
      expect(daysBetween('2026-01-01', date)).toBeNaN();
    }
    expect(daysBetween('2026-01-01', '2026-01-01T00:00:00Z'.slice(0, 10))).toBe(0);
  });

  it('random dates and pairs', () => {
    const dateArb = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    fc.assert(
      fc.property(dateArb, dateArb, (from, to) => {
        expect(daysBetween(from, to)).toBe(Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
      }),
      { numRuns: 2000, seed: 20261127 },
    );
  });
});
