import rule from '../../../src/rules/rfa/repeat-interval.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf, priorSessions } from '../../history/history-of.js';

// 2026-10-01 − 182 days = 2026-04-02; − 181 days = 2026-04-03.
ruleTester.run(rule, {
  valid: [
    { name: 'no history', claim: { dx: ['M47816'], lines: ['64635-RT'] } },
    { name: 'the other side', claim: { dx: ['M47816'], lines: ['64635-RT', '64636-RT'] }, history: historyOf(priorSessions('a.837', '64635-LT', ['2026-08-01'])) },
    { name: 'exactly 182 days later', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('b.837', '64635-RT', ['2026-04-02'])) },
    { name: 'the other region', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('c.837', '64633-RT', ['2026-08-01'])) },
    { name: 'a replaced RFA on another date', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf({
      'd.837': [{ id: 'R', dos: '2026-08-01', lines: ['64635-RT'] }],
      'd2.837': [{ id: 'R', freq: '7', payerClaimNumber: 'P', dos: '2026-03-01', lines: ['64635-RT'] }],
    }) },
  ],
  invalid: [
    {
      name: '181 days after an RFA on the same side',
      claim: { dx: ['M47816'], lines: ['64635-RT'] },
      history: historyOf(priorSessions('e.837', '64635-RT', ['2026-04-03'])),
      errors: [
        {
          messageId: 'tooSoon',
          line: 1,
          message:
            'Bill 64635-RT as not covered (Medicare: GA with an ABN on file, else GZ) or reschedule it: RFA on 2026-10-01, 181 days after the lumbar/sacral RFA of e.837 claim e-1 on 2026-04-03 on the right (needs ≥ 182 days)',
        },
      ],
    },
    {
      name: '50 overlaps both sides; the latest earlier RFA is cited',
      claim: { dx: ['M47816'], lines: ['64635-LT', '64636-LT'] },
      history: historyOf({ 'f.837': [{ dos: '2026-05-01', lines: ['64635-50'] }, { dos: '2026-07-01', lines: ['64635-RT'] }] }),
      errors: [
        { messageId: 'tooSoon', line: 1, data: { line: '64635-LT', date: '2026-10-01', days: 153, region: 'lumbar/sacral', prior: 'f.837 claim f-1 on 2026-05-01', sides: 'on the left', min: 182 } },
        { messageId: 'tooSoon', line: 2 },
      ],
    },
    {
      name: 'an unknown side overlaps either',
      claim: { dx: ['M47816'], lines: ['64633'] },
      history: historyOf(priorSessions('g.837', '64633-LT', ['2026-09-01'])),
      errors: [{ messageId: 'tooSoon', line: 1, data: { line: '64633', date: '2026-10-01', days: 30, region: 'cervical/thoracic', prior: 'g.837 claim g-1 on 2026-09-01', sides: 'on the left', min: 182 } }],
    },
  ],
});
