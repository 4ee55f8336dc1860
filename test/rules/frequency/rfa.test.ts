import rule from '../../../src/rules/frequency/rfa.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf, priorSessions } from '../../history/history-of.js';

ruleTester.run(rule, {
  valid: [
    { name: 'a second RFA session', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('a.837', '64635-LT', ['2026-03-01'])) },
    { name: 'RFAs of the other region', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('b.837', '64633-RT', ['2026-01-01', '2026-03-01'])) },
    { name: 'an RFA older than the rolling year', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('c.837', '64635-RT', ['2025-10-01', '2026-03-01'])) },
  ],
  invalid: [
    {
      name: 'a third RFA session in the region',
      claim: { dx: ['M47816'], lines: ['64635-RT', '64636-RT'] },
      history: historyOf(priorSessions('d.837', '64635-LT', ['2025-10-02', '2026-04-01'])),
      errors: [
        {
          messageId: 'tooMany',
          line: 1,
          message:
            'Bill this RFA as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: session 3 in the lumbar/sacral region within 365 days up to 2026-10-01 (at most 2 covered; counted: d.837 claim d-1 on 2025-10-02; d.837 claim d-2 on 2026-04-01; this claim on 2026-10-01)',
        },
        { messageId: 'tooMany', line: 2 },
      ],
    },
    {
      name: 'a junction RFA (64633 + 64636) counts as lumbar',
      claim: { dx: ['M47816'], lines: ['64633-RT', '64636-RT'] },
      history: historyOf(priorSessions('e.837', '64635-RT', ['2026-01-05', '2026-04-01'])),
      errors: [{ messageId: 'tooMany', line: 1 }, { messageId: 'tooMany', line: 2 }],
    },
  ],
});
