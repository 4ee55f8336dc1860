import rule from '../../../src/rules/session/split.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf } from '../../history/history-of.js';

ruleTester.run(rule, {
  valid: [
    { name: 'no history', claim: { dx: ['M5416'], lines: ['64484-RT'] } },
    { name: 'another rendering provider', claim: { dx: ['M5416'], lines: ['64484-RT'] }, history: historyOf({ 'a.837': [{ npi: '1111111112', lines: ['64483-RT'] }] }) },
    { name: 'the primary is on this claim too (the same line there is a duplicate, not a split)', claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'] }, history: historyOf({ 'b.837': [{ lines: ['64483-RT'] }] }) },
    { name: 'another date', claim: { dx: ['M5416'], lines: ['64483-LT'] }, history: historyOf({ 'c.837': [{ dos: '2026-09-30', lines: ['64483-RT'] }] }) },
    { name: 'the other claim is complete', claim: { dx: ['M5416'], lines: ['64483-RT'] }, history: historyOf({ 'd.837': [{ lines: ['64493-RT', '64494-RT'] }] }) },
  ],
  invalid: [
    {
      name: 'an add-on here, its primary there',
      claim: { dx: ['M5416'], lines: ['64484-RT'] },
      history: historyOf({ 'e.837': [{ lines: ['64483-RT'] }] }),
      errors: [
        {
          messageId: 'addonApart',
          line: 1,
          message:
            'Merge 64484-RT and its primary 64483 into one claim (void one, replace the other): 64483 is billed for the same patient, date and provider in e.837 claim e-1 line 1 (64483-RT)',
        },
      ],
    },
    {
      name: 'a primary here, its add-on there',
      claim: { dx: ['M47816'], lines: ['64493-50-KX'] },
      history: historyOf({ 'f.837': [{ lines: ['64494-50-KX'] }] }),
      errors: [
        {
          messageId: 'primaryApart',
          line: 1,
          message: 'Merge 64493-50-KX and its add-on 64494 into one claim (void one, replace the other): 64494 is billed for the same patient, date and provider in f.837 claim f-1 line 1 (64494-50-KX)',
        },
      ],
    },
    {
      name: 'RT here, LT there',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf({ 'g.837': [{ lines: ['64483-LT'] }] }),
      errors: [{ messageId: 'sidesApart', line: 1, message: 'Merge 64483-RT and the other side into one line with 50 on one claim (void one claim, replace the other): the other side is billed for the same patient, date and provider in g.837 claim g-1 line 1 (64483-LT)' }],
    },
  ],
});
