import rule from '../../../src/rules/frequency/facet.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf, priorSessions } from '../../history/history-of.js';

const DATES = ['2025-10-02', '2026-01-05', '2026-04-01', '2026-07-01'];

ruleTester.run(rule, {
  valid: [
    { name: 'four diagnostic sessions with this one', claim: { dx: ['M47816'], lines: ['64493-RT-KX'] }, history: historyOf(priorSessions('a.837', '64493-RT-KX', DATES.slice(1))) },
    {
      name: 'diagnostic and therapeutic sessions are counted apart',
      claim: { dx: ['M47816'], lines: ['64493-RT'] },
      history: historyOf(priorSessions('b.837', '64493-RT-KX', DATES)),
    },
    {
      name: 'facet sessions of the other region do not count',
      claim: { dx: ['M47816'], lines: ['64493-RT-KX'] },
      history: historyOf(priorSessions('c.837', '64490-RT-KX', DATES)),
    },
  ],
  invalid: [
    {
      name: 'a fifth diagnostic session',
      claim: { dx: ['M47816'], lines: ['64493-50-KX', '64494-50-KX'] },
      history: historyOf(priorSessions('d.837', '64493-RT-KX', DATES)),
      errors: [
        {
          messageId: 'tooMany',
          line: 1,
          message:
            'Bill this diagnostic facet session as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: session 5 in the lumbar/sacral region within 365 days up to 2026-10-01 (at most 4 covered; counted: d.837 claim d-1 on 2025-10-02; d.837 claim d-2 on 2026-01-05; d.837 claim d-3 on 2026-04-01; d.837 claim d-4 on 2026-07-01; and 1 more)',
        },
        { messageId: 'tooMany', line: 2 },
      ],
    },
    {
      name: 'a fifth therapeutic session',
      claim: { dx: ['M47816'], lines: ['64493-LT'] },
      history: historyOf(priorSessions('e.837', '64493-RT', DATES)),
      errors: [{ messageId: 'tooMany', line: 1, data: { kind: 'therapeutic', count: 5, region: 'lumbar/sacral', date: '2026-10-01', limit: 4, sessions: 'e.837 claim e-1 on 2025-10-02; e.837 claim e-2 on 2026-01-05; e.837 claim e-3 on 2026-04-01; e.837 claim e-4 on 2026-07-01; and 1 more' } }],
    },
    {
      name: 'prior junction sessions (64490 + 64494) are lumbar',
      claim: { dx: ['M47816'], lines: ['64493-RT-KX'] },
      history: historyOf({ 'f.837': DATES.map((dos) => ({ dos, lines: ['64490-RT-KX', '64494-RT-KX'] })) }),
      errors: [{ messageId: 'tooMany', line: 1 }],
    },
    {
      name: 'the policy limits apply',
      claim: { dx: ['M47816'], lines: ['64490-RT'] },
      history: historyOf(priorSessions('g.837', '64490-LT', ['2026-09-01'])),
      policy: { limits: { facetTherapeuticSessionsPerYear: 1 } },
      errors: [{ messageId: 'tooMany', line: 1, data: { kind: 'therapeutic', count: 2, region: 'cervical/thoracic', date: '2026-10-01', limit: 1, sessions: 'g.837 claim g-1 on 2026-09-01; this claim on 2026-10-01' } }],
    },
  ],
});
