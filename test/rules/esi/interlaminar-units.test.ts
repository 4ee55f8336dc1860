import rule from '../../../src/rules/esi/interlaminar-units.js';
import { ruleTester } from '../../support/rule-tester.js';

ruleTester.run(rule, {
  valid: [
    { name: 'one line, one unit', claim: { dx: ['M5416'], lines: ['62323'] } },
    { name: 'one per region', claim: { dx: ['M5416', 'M5412'], lines: ['62323 ptr1', '62321 ptr2'] } },
    { name: 'the same code on two dates', claim: { dx: ['M5416'], lines: ['62323', '62323 dos:2026-10-15'] } },
    { name: 'TFESI units are another rule\'s', claim: { dx: ['M5416'], lines: ['64484-RT x2'] } },
  ],
  invalid: [
    {
      name: '62323 ×2 → 1 unit at the per-unit charge',
      claim: { dx: ['M5416'], lines: ['62323 x2 @1200.00', 'J1010 x80 @20.00'] },
      errors: [{ messageId: 'units', line: 1, message: 'Bill 62323 with 1 unit, not 2: an interlaminar ESI is reported once per region per session' }],
      output: ['62323 @600.00', 'J1010 x80 @20.00'],
      outputTotal: '620.00',
    },
    {
      name: 'the same code on three lines → one line',
      claim: { dx: ['M5416'], lines: ['62323 @600.00', '62323 @600.00', 'J1010 x40', '62323 x2 @1200.00'] },
      errors: [{ messageId: 'lines', line: 1, message: 'Keep one line of 62323 and remove the others: 3 lines in one session, and an interlaminar ESI is reported once per region per session' }],
      output: ['62323 @600.00', 'J1010 x40'],
    },
    {
      name: 'units on the first of two lines',
      claim: { dx: ['M5412'], lines: ['62321 x3 @900.00', '62321 @300.00'] },
      errors: [{ messageId: 'lines', line: 1, data: { code: '62321', count: 2 } }],
      output: ['62321 @300.00'],
    },
  ],
});
