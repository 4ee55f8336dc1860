import rule from '../../../src/rules/facet/kx.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf, priorSessions } from '../../history/history-of.js';

const EMPTY = historyOf({});

ruleTester.run(rule, {
  valid: [
    { name: 'no history index: only the RFA check runs', claim: { dx: ['M47816'], lines: ['64493-RT'] } },
    { name: 'a diagnostic block with KX', claim: { dx: ['M47816'], lines: ['64493-RT-KX'] }, history: EMPTY },
    { name: 'after two diagnostic blocks', claim: { dx: ['M47816'], lines: ['64493-RT'] }, history: historyOf(priorSessions('a.837', '64493-RT-KX', ['2026-02-01', '2026-03-01'])) },
    { name: 'after an RFA in the region', claim: { dx: ['M47816'], lines: ['64493-RT'] }, history: historyOf(priorSessions('b.837', '64635-RT', ['2026-02-01'])) },
    { name: 'an RFA without KX', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: EMPTY },
  ],
  invalid: [
    {
      name: 'a first facet injection without KX',
      claim: { dx: ['M47816'], lines: ['64493-RT', '64494-RT'] },
      history: EMPTY,
      errors: [
        {
          messageId: 'missingKx',
          line: 1,
          message:
            'Add KX to 64493-RT if it is a diagnostic block: 0 diagnostic (KX) facet sessions in the lumbar/sacral region in the 365 days before 2026-10-01 and no RFA there',
        },
        { messageId: 'missingKx', line: 2 },
      ],
    },
    {
      name: 'one block before, the other region\'s blocks and old blocks do not count',
      claim: { dx: ['M47816'], lines: ['64493-RT'] },
      history: historyOf({ 'c.837': [
        { dos: '2026-05-01', lines: ['64493-RT-KX'] },
        { dos: '2026-06-01', lines: ['64490-RT-KX'] },
        { dos: '2025-09-01', lines: ['64493-LT-KX'] },
        { dos: '2024-01-01', lines: ['64635-RT'] },
      ] }),
      errors: [{ messageId: 'missingKx', line: 1, data: { line: '64493-RT', count: '1 diagnostic (KX) facet session', region: 'lumbar/sacral', date: '2026-10-01', prior: ' (c.837 claim c-1 on 2026-05-01)' } }],
    },
    {
      name: 'KX on an RFA line',
      claim: { dx: ['M47816'], lines: ['64635-RT-KX'] },
      errors: [{ messageId: 'kxOnRfa', line: 1, message: 'Remove KX from 64635-RT-KX: KX marks diagnostic facet injections, not an RFA' }],
    },
    {
      name: 'the number of blocks is an option',
      claim: { dx: ['M47816'], lines: ['64490-LT'] },
      history: historyOf(priorSessions('d.837', '64490-LT-KX', ['2026-02-01', '2026-03-01'])),
      policy: { ruleOptions: { 'facet/kx': { diagnosticBlocks: 3 } } },
      errors: [{ messageId: 'missingKx', line: 1 }],
    },
  ],
});
