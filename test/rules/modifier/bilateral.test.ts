import rule from '../../../src/rules/modifier/bilateral.js';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416', 'M5412'];
const merge = (right: string, left: string, merged: string, units = 1) =>
  `Merge ${right} and ${left} into one line ${merged} with ${units} unit${units === 1 ? '' : 's'} per side: the payer bills bilateral services as one line with 50`;
const split = (line: string, right: string, left: string) =>
  `Split ${line} into two lines ${right} and ${left}: the payer bills bilateral services as RT + LT`;

ruleTester.run(rule, {
  valid: [
    { name: 'one line with 50', claim: { dx, lines: ['64483-50'] } },
    { name: 'RT and LT with different pointers', claim: { dx, lines: ['64483-RT ptr1', '64483-LT ptr2'] } },
    { name: 'RT and LT with different units', claim: { dx, lines: ['64484-RT x1', '64484-LT x2'] } },
    { name: 'RT and LT with different other modifiers', claim: { dx, lines: ['64493-RT-KX', '64493-LT'] } },
    { name: 'RT and LT of different codes', claim: { dx, lines: ['64483-RT', '64484-LT'] } },
    { name: 'RT and LT on different dates (two sessions)', claim: { dx, lines: ['64483-RT', '64483-LT dos:2026-10-08'] } },
    { name: 'indicator 9 (62323) is modifier/bilateral-not-allowed', claim: { dx, lines: ['62323-RT', '62323-LT'] } },
    { name: '20610 is outside the catalogue list', claim: { dx, lines: ['20610-RT', '20610-LT'] } },
    { name: 'rt-lt payer: two lines are what it wants', policy: { bilateralStyle: 'rt-lt' }, claim: { dx, lines: ['64483-RT', '64483-LT'] } },
  ],
  invalid: [
    {
      name: 'RT + LT become one 50 line, charges summed',
      claim: { dx, lines: ['64483-RT @600.00', '64483-LT @600.00'] },
      errors: [{ messageId: 'mergeSides', line: 1, severity: 'error', message: merge('64483-RT', '64483-LT', '64483-50') }],
      output: ['64483-50 x1 @1200.00 ptr1'],
      outputTotal: '1200.00',
    },
    {
      name: 'other modifiers compare as a set and keep the kept line’s order after 50',
      claim: { dx, lines: ['64493-KX-RT @450.00', '64493-LT-KX @450.00', '64494-KX-RT @200.00'] },
      errors: [{ messageId: 'mergeSides', line: 1, message: merge('64493-KX-RT', '64493-LT-KX', '64493-50-KX') }],
      output: ['64493-50-KX @900.00', '64494-KX-RT @200.00'],
    },
    {
      name: 'LT first: the earlier line is kept, units per side',
      claim: { dx, lines: ['64483-LT', '64484-LT x2 @300.00', '64484-RT x2 @300.00'] },
      errors: [{ messageId: 'mergeSides', line: 2, message: merge('64484-RT', '64484-LT', '64484-50', 2) }],
      output: ['64483-LT', '64484-50 x2 @600.00'],
    },
    {
      name: 'two pairs in one session',
      claim: { dx, lines: ['64635-RT', '64635-LT', '64636-RT', '64636-LT'] },
      errors: [
        { messageId: 'mergeSides', line: 1, message: merge('64635-RT', '64635-LT', '64635-50') },
        { messageId: 'mergeSides', line: 3, message: merge('64636-RT', '64636-LT', '64636-50') },
      ],
      output: ['64635-50 @200.00', '64636-50 @200.00'],
      outputTotal: '400.00',
    },
    {
      name: 'rt-lt payer: splitting a 50 line (the charge too, RT taking the odd cent) is a suggestion, never applied',
      policy: { bilateralStyle: 'rt-lt' },
      claim: { dx, lines: ['64493-50-KX @1000.01', '64494-50-KX @500.00'] },
      errors: [
        { messageId: 'splitSides', line: 1, message: split('64493-50-KX', '64493-RT-KX', '64493-LT-KX'), suggestions: ['64493-50-KX 1000.01 → 64493-RT-KX 500.01, 64493-LT-KX 500.00'] },
        { messageId: 'splitSides', line: 2, message: split('64494-50-KX', '64494-RT-KX', '64494-LT-KX'), suggestions: ['64494-50-KX 500.00 → 64494-RT-KX 250.00, 64494-LT-KX 250.00'] },
      ],
    },
  ],
});
