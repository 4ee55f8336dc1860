import rule from '../../../src/rules/mue/units.js';
import { defaultReference } from '../../../src/reference/index.js';
import type { ReferenceData } from '../../../src/reference/types.js';
import { RuleTester, ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416', 'M47816', 'M1711'];
const perDate = (units: number, code: string, mue: number, mai: number, side = '', date = '2026-10-01') =>
  `Correct the units of ${code} on ${date} to at most ${mue} (check which levels or sides were done): ${units} units${side} exceed the practitioner MUE (adjudication indicator ${mai}: per date of service)`;
const perLine = (units: number, code: string, mue: number) =>
  `Correct the units of ${code} on one line to at most ${mue} (check which levels or sides were done): ${units} units exceed the practitioner MUE (adjudication indicator 1: per line)`;

ruleTester.run(rule, {
  valid: [
    { name: 'within the MUE', claim: { dx, lines: ['64483-50', '64484-50 x2', '20610-RT x2 ptr3'] } },
    { name: 'the same code on two dates of service', claim: { dx, lines: ['64483-RT', '64483-RT dos:2026-10-15'] } },
    { name: 'the same code for two rendering providers', claim: { dx, lines: ['62323 ptr2', '62323 ptr2 npi:1999999984'] } },
    { name: 'a code without an MUE in the table', claim: { dx, lines: ['J1100 x40'] } },
    { name: 'rt-lt payer: one unit per side', policy: { bilateralStyle: 'rt-lt' }, claim: { dx, lines: ['64483-RT', '64483-LT'] } },
  ],
  invalid: [
    {
      name: 'MAI 3: units added across the session',
      claim: { dx, lines: ['64483-50', '64484-RT x3', '64484-LT x2'] },
      errors: [{ messageId: 'dateOverMue', line: 3, severity: 'error', message: perDate(5, '64484', 4, 3) }],
    },
    {
      name: 'MAI 2: a 50 line with 2 units',
      claim: { dx, lines: ['64483-50 x2'] },
      errors: [{ messageId: 'dateOverMue', line: 1, message: perDate(2, '64483', 1, 2) }],
    },
    {
      name: 'MAI 2: RT and LT lines under modifier-50 billing (modifier/bilateral merges them in a full run)',
      claim: { dx, lines: ['64493-RT ptr2', '64493-LT ptr2'] },
      errors: [{ messageId: 'dateOverMue', line: 2, message: perDate(2, '64493', 1, 2) }],
    },
    {
      name: 'MAI 3: the interlaminar ESI on two lines',
      claim: { dx, dos: '2026-09-30', lines: ['62323', '62323-KX'] },
      errors: [{ messageId: 'dateOverMue', line: 2, message: perDate(2, '62323', 1, 3, '', '2026-09-30') }],
    },
    {
      name: 'rt-lt payer: counted per side',
      policy: { bilateralStyle: 'rt-lt' },
      claim: { dx, lines: ['64483-RT', '64483-LT', '64483-RT'] },
      errors: [{ messageId: 'dateOverMue', line: 3, message: perDate(2, '64483', 1, 2, ' on the right') }],
    },
    {
      name: 'rt-lt payer: a line without side counts on both',
      policy: { bilateralStyle: 'rt-lt' },
      claim: { dx, lines: ['64483-RT', '64483'] },
      errors: [{ messageId: 'dateOverMue', line: 2, message: perDate(2, '64483', 1, 2, ' on the right') }],
    },
    {
      name: 'rt-lt payer: both sides over on one line',
      policy: { bilateralStyle: 'rt-lt' },
      claim: { dx, lines: ['64493-50 x2 ptr2'] },
      errors: [{ messageId: 'dateOverMue', line: 1, message: perDate(2, '64493', 1, 2, ' on both sides') }],
    },
  ],
});

/** The 2026 tables have no MAI-1 row among these codes: a reference where 20610 is a per-line edit (MUE 1). */
const perLineReference: ReferenceData = {
  ...defaultReference,
  procedure: (code, date) => defaultReference.procedure(code, date),
  mue(code, serviceDate) {
    const mue = defaultReference.mue(code, serviceDate);
    if (code !== '20610' || mue === undefined) return mue;
    return { value: 1, adjudication: 1, source: { key: 'test' } };
  },
  diagnosis: (code, date) => defaultReference.diagnosis(code, date),
  drug: (code, date) => defaultReference.drug(code, date),
  inList: (list, code, date) => defaultReference.inList(list, code, date),
  versions: () => defaultReference.versions(),
};

new RuleTester({ reference: perLineReference }).run(rule, {
  valid: [{ name: 'MAI 1: separate lines may each reach the MUE', claim: { dx, lines: ['20610-RT ptr3', '20610-LT ptr3'] } }],
  invalid: [
    {
      name: 'MAI 1: a line above the MUE',
      claim: { dx, lines: ['20610-RT ptr3', '20610-LT x2 ptr3'] },
      errors: [{ messageId: 'lineOverMue', line: 2, message: perLine(2, '20610', 1) }],
    },
  ],
});
