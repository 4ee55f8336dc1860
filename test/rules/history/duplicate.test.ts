import rule from '../../../src/rules/history/duplicate.js';
import { ruleTester } from '../../support/rule-tester.js';
import { historyOf } from '../../history/history-of.js';

ruleTester.run(rule, {
  valid: [
    { name: 'no history', claim: { dx: ['M5416'], lines: ['64483-RT'] } },
    { name: 'the other side', claim: { dx: ['M5416'], lines: ['64483-RT'] }, history: historyOf({ 'a.837': [{ lines: ['64483-LT'] }] }) },
    { name: 'another date', claim: { dx: ['M5416'], lines: ['64483-RT'] }, history: historyOf({ 'b.837': [{ dos: '2026-09-30', lines: ['64483-RT'] }] }) },
    { name: 'another code', claim: { dx: ['M5416'], lines: ['64483-RT'] }, history: historyOf({ 'c.837': [{ lines: ['64484-RT'] }] }) },
    { name: 'the earlier copy of this claim (same claim id)', claim: { dx: ['M5416'], lines: ['64483-RT'] }, history: historyOf({ 'd.837': [{ id: 'CLM1', lines: ['64483-RT'] }] }) },
    {
      name: 'a prior claim that was voided',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf({ 'e.837': [{ id: 'X', lines: ['64483-RT'] }], 'e2.837': [{ id: 'X', freq: '8', payerClaimNumber: 'P', lines: ['64483-RT'] }] }),
    },
    {
      name: 'a prior claim replaced by one on another date',
      claim: { dx: ['M5416'], lines: ['64483-RT'] },
      history: historyOf({ 'f.837': [{ id: 'X', lines: ['64483-RT'] }], 'f2.837': [{ id: 'X', freq: '7', payerClaimNumber: 'P', dos: '2026-10-02', lines: ['64483-RT'] }] }),
    },
  ],
  invalid: [
    {
      name: 'the same code, side and date in a prior file',
      claim: { dx: ['M5416'], lines: ['64483-RT', '64484-RT'] },
      history: historyOf({ 'g.837': [{ lines: ['77003', '64483-RT'] }] }),
      errors: [
        {
          messageId: 'duplicate',
          line: 1,
          severity: 'error',
          message: 'Remove 64483-RT on 2026-10-01, or send this claim as a replacement (frequency 7) if it corrects the earlier one: already billed in g.837 claim g-1 line 2 (64483-RT), and a service is billed once',
        },
      ],
    },
    {
      name: '50 overlaps RT; a line without a side overlaps any',
      claim: { dx: ['M5416'], lines: ['64483-RT', '99213-25'] },
      history: historyOf({ 'h.837': [{ lines: ['64483-50'] }, { lines: ['99213'] }] }),
      errors: [
        { messageId: 'duplicate', line: 1, data: { line: '64483-RT', date: '2026-10-01', prior: 'h.837 claim h-1 line 1 (64483-50)' } },
        { messageId: 'duplicate', line: 2, data: { line: '99213-25', date: '2026-10-01', prior: 'h.837 claim h-2 line 1 (99213)' } },
      ],
    },
  ],
});
