import rule from '../../../src/rules/global/rfa-followup.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf, priorSessions } from '../../history/history-of.js';

const RFA_FIVE_DAYS_BEFORE = historyOf(priorSessions('a.837', '64635-RT', ['2026-09-26']));

ruleTester.run(rule, {
  valid: [
    { name: 'no RFA before', claim: { dx: ['M47816'], lines: ['99213'] }, history: historyOf({}) },
    { name: 'an E/M with 24', claim: { dx: ['M47816'], lines: ['99213-24'] }, history: RFA_FIVE_DAYS_BEFORE },
    { name: 'a staged RFA with 58', claim: { dx: ['M47816'], lines: ['64635-LT-58'] }, history: RFA_FIVE_DAYS_BEFORE },
    { name: 'eleven days later', claim: { dx: ['M47816'], lines: ['99213', '64635-LT'] }, history: historyOf(priorSessions('b.837', '64635-RT', ['2026-09-20'])) },
    { name: 'the same day is em/same-day\'s business', claim: { dx: ['M47816'], lines: ['99213'] }, history: historyOf(priorSessions('c.837', '64635-RT', ['2026-10-01'])) },
    { name: 'after a facet injection (000 global)', claim: { dx: ['M47816'], lines: ['99213'] }, history: historyOf(priorSessions('d.837', '64493-RT-KX', ['2026-09-28'])) },
  ],
  invalid: [
    {
      name: 'an E/M five days after an RFA',
      claim: { dx: ['M47816'], lines: ['99213', '20610'] },
      history: RFA_FIVE_DAYS_BEFORE,
      errors: [
        {
          messageId: 'emInGlobal',
          line: 1,
          message:
            'Add 24 to 99213 on 2026-10-01 if the E/M is unrelated to the RFA: 5 days after the RFA of a.837 claim a-1 on 2026-09-26 (inside its 10-day global period)',
        },
      ],
    },
    {
      name: 'a contralateral RFA ten days later without 79',
      claim: { dx: ['M47816'], lines: ['64635-LT', '64636-LT'] },
      history: historyOf(priorSessions('e.837', '64635-RT', ['2026-09-21'])),
      errors: [
        {
          messageId: 'procedureInGlobal',
          line: 1,
          message:
            'Add 58 (staged or planned), 78 (unplanned return, related) or 79 (unrelated) to 64635-LT on 2026-10-01, as the record shows: 10 days after the RFA of e.837 claim e-1 on 2026-09-21 (inside its 10-day global period)',
        },
        { messageId: 'procedureInGlobal', line: 2 },
      ],
    },
    {
      name: 'the RFA on an earlier date of this claim',
      claim: { dx: ['M47816'], lines: ['64633-RT dos:2026-09-29', '99214'] },
      history: historyOf({}),
      errors: [{ messageId: 'emInGlobal', line: 2, data: { line: '99214', date: '2026-10-01', days: 2, prior: 'this claim on 2026-09-29', global: 10 } }],
    },
  ],
});
