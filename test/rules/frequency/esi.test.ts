import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/frequency/esi.js';
import { runRules } from '../../../src/rules/engine.js';
import { profiles } from '../../../src/policy/profiles.js';
import { defaultReference } from '../../../src/reference/index.js';
import { ruleTester } from '../../support/rule-tester.js';
import { claimOf } from '../../support/claim-builder.js';
import { historyOf, priorSessions } from '../../history/history-of.js';

// The claim under test is on 2026-10-01: the rolling year is [2025-10-02, 2026-10-01].
const FOUR_PRIOR = priorSessions('2026.837', '64483-RT', ['2025-10-02', '2026-01-05', '2026-04-01', '2026-07-01']);

ruleTester.run(rule, {
  valid: [
    { name: 'no history', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'four sessions with this one', claim: { dx: ['M5416'], lines: ['64483-RT'] }, history: historyOf(priorSessions('a.837', '64483-RT', ['2026-01-05', '2026-04-01', '2026-07-01'])) },
    {
      name: 'a session 365 days before is outside the window',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf(priorSessions('b.837', '64483-RT', ['2025-10-01', '2026-01-05', '2026-04-01', '2026-07-01'])),
    },
    {
      name: 'sessions in the other region do not count',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf(priorSessions('c.837', '64479-RT', ['2025-11-01', '2026-01-05', '2026-04-01', '2026-07-01'])),
    },
    {
      name: 'two claims on one date count once',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf({ 'd.837': [
        { dos: '2026-01-05', lines: ['64483-RT'] }, { dos: '2026-01-05', lines: ['62323'] },
        { dos: '2026-04-01', lines: ['64483-RT'] }, { dos: '2026-07-01', lines: ['64483-RT'] },
      ] }),
    },
    {
      name: 'a voided claim does not count',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf({
        'e.837': [
          { id: 'V1', dos: '2026-01-05', lines: ['64483-RT'] }, { dos: '2026-02-05', lines: ['64483-RT'] },
          { dos: '2026-04-01', lines: ['64483-RT'] }, { dos: '2026-07-01', lines: ['64483-RT'] },
        ],
        'e-void.837': [{ id: 'V1', freq: '8', payerClaimNumber: 'P1', dos: '2026-01-05', lines: ['64483-RT'] }],
      }),
    },
    {
      name: 'a replaced claim counts once, on the replacement\'s date',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf({
        'f.837': [{ id: 'R1', dos: '2026-01-05', lines: ['64483-RT'] }, { dos: '2026-04-01', lines: ['64483-RT'] }],
        'f-replacement.837': [{ id: 'R1', freq: '7', payerClaimNumber: 'P1', dos: '2026-01-06', lines: ['64483-RT'] }, { dos: '2026-07-01', lines: ['64483-RT'] }],
      }),
    },
    {
      name: 'the prior copy of this claim (same claim id) is not counted',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf({ 'g.837': [
        { id: 'CLM1', dos: '2025-12-01', lines: ['64483-RT'] },
        { dos: '2026-01-05', lines: ['64483-RT'] }, { dos: '2026-04-01', lines: ['64483-RT'] }, { dos: '2026-07-01', lines: ['64483-RT'] },
      ] }),
    },
    {
      name: 'the earlier session of a two-date claim is the fourth',
      claim: { dx: ['M5416'], lines: ['64483-RT dos:2026-09-01', '64483-RT'] },
      history: historyOf(priorSessions('h.837', '64483-RT', ['2025-10-02', '2026-01-05', '2026-04-01'])),
      profiles: ['medicare'],
      // The 2026-10-01 session is the fifth: see the invalid case below.
      policy: { limits: { esiSessionsPerYear: 5 } },
    },
  ],
  invalid: [
    {
      name: 'a fifth session in the rolling year flags each ESI line of the region',
      claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'] },
      history: historyOf(FOUR_PRIOR),
      errors: [
        {
          messageId: 'tooMany',
          line: 1,
          severity: 'warning',
          message:
            'Bill this ESI as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: session 5 in the lumbar/sacral region within 365 days up to 2026-10-01 (at most 4 covered; counted: 2026.837 claim 2026-1 on 2025-10-02; 2026.837 claim 2026-2 on 2026-01-05; 2026.837 claim 2026-3 on 2026-04-01; 2026.837 claim 2026-4 on 2026-07-01; and 1 more)',
        },
        { messageId: 'tooMany', line: 2 },
      ],
    },
    {
      name: 'interlaminar and transforaminal sessions count together; this claim\'s other date counts',
      claim: { dx: ['M5416'], lines: ['62323 dos:2026-09-01', '64483-RT'] },
      history: historyOf(priorSessions('i.837', '62323', ['2026-01-05', '2026-04-01', '2026-07-01'])),
      errors: [{ messageId: 'tooMany', line: 2, data: { count: 5, region: 'lumbar/sacral', date: '2026-10-01', limit: 4, sessions: 'i.837 claim i-1 on 2026-01-05; i.837 claim i-2 on 2026-04-01; i.837 claim i-3 on 2026-07-01; this claim on 2026-09-01; and 1 more' } }],
    },
    {
      name: 'the policy limit applies',
      claim: { dx: ['M5416'], lines: ['64479-LT'] },
      history: historyOf(priorSessions('j.837', '62321', ['2026-09-01', '2026-09-15'])),
      policy: { limits: { esiSessionsPerYear: 2 } },
      errors: [{ messageId: 'tooMany', line: 1 }],
    },
  ],
});

describe('frequency/esi causes', () => {
  it('cites each prior claim (file, claim id, date) and marks the rule a coverage limit', () => {
    const result = runRules(claimOf({ dx: ['M5416'], lines: ['64483-RT'] }), {
      rules: [rule],
      policy: profiles.medicare,
      reference: defaultReference,
      history: historyOf(priorSessions('k.837', '64483-LT', ['2026-01-05', '2026-04-01', '2026-07-01', '2026-08-01'])),
      asOf: '2026-11-27',
      fix: false,
    });
    expect(rule.meta.coverageLimit).toBe(true);
    expect(result.findings.map((finding) => finding.cause)).toEqual([
      ['2026-01-05', '2026-04-01', '2026-07-01', '2026-08-01'].map((serviceDate, i) => ({
        message: 'ESI session billed here',
        file: 'k.837',
        claimId: `k-${i + 1}`,
        serviceDate,
      })),
    ]);
  });
});
