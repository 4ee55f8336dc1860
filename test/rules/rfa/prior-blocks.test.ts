import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/rfa/prior-blocks.js';
import frequencyRfa from '../../../src/rules/frequency/rfa.js';
import { runRules } from '../../../src/rules/engine.js';
import type { RuleModule } from '../../../src/rules/types.js';
import { profiles } from '../../../src/policy/profiles.js';
import { defaultReference } from '../../../src/reference/index.js';
import { claimOf } from '../../support/claim-builder.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf, priorSessions } from '../../history/history-of.js';

ruleTester.run(rule, {
  valid: [
    { name: 'no history index', claim: { dx: ['M47816'], lines: ['64635-RT'] } },
    { name: 'two prior facet sessions', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('a.837', '64493-RT-KX', ['2026-06-01', '2026-07-01'])) },
    { name: 'an earlier RFA in the region on its side', claim: { dx: ['M47816'], lines: ['64635-RT', '64636-RT'] }, history: historyOf(priorSessions('b.837', '64635-RT', ['2024-06-01'])) },
    { name: 'one prior block is enough under guide', profiles: ['guide'], claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('c.837', '64493-RT-KX', ['2026-06-01'])) },
    { name: 'this claim\'s earlier blocks count', claim: { dx: ['M47816'], lines: ['64493-RT-KX dos:2026-08-01', '64493-RT-KX dos:2026-09-01', '64635-RT'] }, history: historyOf({}) },
    { name: 'bilateral blocks serve an RFA of one side', claim: { dx: ['M47816'], lines: ['64635-RT'] }, history: historyOf(priorSessions('f.837', '64493-50-KX', ['2026-06-01', '2026-07-01'])) },
    { name: 'an RFA without a side takes the blocks of either side', claim: { dx: ['M47816'], lines: ['64635'] }, history: historyOf(priorSessions('g.837', '64493-LT-KX', ['2026-06-01', '2026-07-01'])) },
    {
      name: 'an RFA of both sides with blocks on each side',
      claim: { dx: ['M47816'], lines: ['64635-50'] },
      history: historyOf({ 'h.837': [{ dos: '2026-06-01', lines: ['64493-RT-KX', '64493-LT-KX'] }, { dos: '2026-07-01', lines: ['64493-50-KX'] }] }),
    },
  ],
  invalid: [
    {
      name: 'one prior block under medicare',
      profiles: ['medicare'],
      claim: { dx: ['M47816'], lines: ['64635-RT', '64636-RT'] },
      history: historyOf(priorSessions('d.837', '64493-RT-KX', ['2026-06-01'])),
      errors: [
        {
          messageId: 'tooFew',
          line: 1,
          message:
            'Check the record for at least 2 diagnostic blocks before the RFA in the lumbar/sacral region on 2026-10-01: a first RFA needs them, and the history shows 1 prior facet session on the right side (it may be incomplete); prior: d.837 claim d-1 on 2026-06-01',
        },
      ],
    },
    {
      name: 'blocks on the other side do not count',
      profiles: ['medicare'],
      claim: { dx: ['M47816'], lines: ['64635-RT'] },
      history: historyOf(priorSessions('i.837', '64493-LT-KX', ['2026-06-01', '2026-07-01'])),
      errors: [
        {
          messageId: 'tooFew',
          line: 1,
          message:
            'Check the record for at least 2 diagnostic blocks before the RFA in the lumbar/sacral region on 2026-10-01: a first RFA needs them, and the history shows 0 prior facet sessions on the right side (it may be incomplete)',
        },
      ],
    },
    {
      name: 'an RFA of both sides needs the blocks on each side',
      profiles: ['medicare'],
      claim: { dx: ['M47816'], lines: ['64635-50'] },
      history: historyOf(priorSessions('j.837', '64493-RT-KX', ['2026-06-01', '2026-07-01'])),
      errors: [{ messageId: 'tooFew', line: 1, data: { region: 'lumbar/sacral', date: '2026-10-01', count: '0 prior facet sessions', side: ' on the left side', min: '2 diagnostic blocks', prior: '' } }],
    },
    {
      name: 'an earlier RFA on the other side does not stand for the blocks',
      profiles: ['medicare'],
      claim: { dx: ['M47816'], lines: ['64635-RT'] },
      history: historyOf({ 'k.837': [{ dos: '2025-06-01', lines: ['64635-LT'] }] }),
      errors: [{ messageId: 'tooFew', line: 1, data: { region: 'lumbar/sacral', date: '2026-10-01', count: '0 prior facet sessions', side: ' on the right side', min: '2 diagnostic blocks', prior: '' } }],
    },
    {
      name: 'no prior block; blocks of the other region, of the same day and of an RFA elsewhere do not count',
      profiles: ['medicare'],
      claim: { dx: ['M47816'], lines: ['64633-LT'] },
      history: historyOf({ 'e.837': [
        { dos: '2026-06-01', lines: ['64493-RT-KX'] },
        { dos: '2026-10-01', lines: ['64490-LT-KX'] },
        { dos: '2026-05-01', lines: ['64635-RT'] },
      ] }),
      errors: [{ messageId: 'tooFew', line: 1, data: { region: 'cervical/thoracic', date: '2026-10-01', count: '0 prior facet sessions', side: ' on the left side', min: '2 diagnostic blocks', prior: '' } }],
    },
    {
      name: 'no prior block under guide',
      profiles: ['guide'],
      claim: { dx: ['M47816'], lines: ['64635-50'] },
      history: historyOf({}),
      errors: [{ messageId: 'tooFew', line: 1, data: { region: 'lumbar/sacral', date: '2026-10-01', count: '0 prior facet sessions', side: ' on the left side', min: '1 diagnostic block', prior: '' } }],
    },
  ],
});

describe('rfa/prior-blocks after other history rules read the rolling year', () => {
  it('still finds an RFA older than a year (the view widens what it loaded)', () => {
    const history = historyOf({ 'old.837': [{ dos: '2024-03-01', lines: ['64635-RT'] }] });
    const run = (rules: RuleModule<unknown>[]) =>
      runRules(claimOf({ dx: ['M47816'], lines: ['64635-RT'] }), { rules, policy: profiles.medicare, reference: defaultReference, history, asOf: '2026-11-27', fix: false });
    expect(run([frequencyRfa, rule]).findings).toEqual([]);
    expect(run([rule]).findings).toEqual([]);
  });
});
