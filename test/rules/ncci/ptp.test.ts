/**
 * ncci/ptp over a table of synthetic edits (made-up rows in the layout of an imported NCCI table, never coding facts):
 * indicator 0 removes column 2, indicator 1 holds it unless an NCCI-associated modifier shows a distinct service,
 * and the pairs other rules judge stay theirs. test/reference/imported.test.ts reads the same kind of rows from files.
 */
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/ncci/ptp.js';
import { defaultReference, isEffective } from '../../../src/reference/index.js';
import type { PtpEdit, ReferenceData } from '../../../src/reference/types.js';
import { RuleTester } from '../../support/rule-tester.js';

type Row = [column1: string, column2: string, indicator: 0 | 1, rationale: string, from: string, to?: string];

const ROWS: Row[] = [
  ['64483', '77003', 0, 'Standards of medical / surgical practice', '2016-01-01'],
  ['62323', '64483', 1, 'Mutually exclusive procedures', '2017-01-01'],
  ['64483', '99152', 1, 'Misuse of column two code with column one code', '2017-01-01'],
  ['64483', '64484', 0, '', '2017-01-01'],
  ['64635', '64493', 1, 'CPT Manual or CMS manual coding instruction', '2012-01-01'],
  ['64635', '64490', 0, 'CPT Manual or CMS manual coding instruction', '2012-01-01'],
  ['64483', '20610', 1, 'Misuse of column two code with column one code', '2001-07-01'],
  ['64483', '99213', 1, 'Standards of medical / surgical practice', '2010-01-01'],
  ['20610', '99213', 0, 'Standards of medical / surgical practice', '2010-01-01'],
  ['62323', '20552', 1, 'Mutually exclusive procedures', '2017-01-01', '2026-07-01'],
];

/** The shipped tables, with these rows as the PTP table of every date. */
export function referenceWithEdits(rows: readonly Row[]): ReferenceData {
  const byColumn2 = new Map<string, PtpEdit[]>();
  for (const [column1, column2, modifierIndicator, rationale, from, to] of rows) {
    const edit: PtpEdit = { column1, column2, modifierIndicator, rationale, effective: to === undefined ? { from } : { from, to }, sources: [{ key: 'test' }] };
    byColumn2.set(column2, [...(byColumn2.get(column2) ?? []), edit]);
  }
  return {
    ...defaultReference,
    ptpEdit: (column1, column2, date) => byColumn2.get(column2)?.find((edit) => edit.column1 === column1 && isEffective(edit.effective, date)),
  };
}

const dx = ['M5416', 'M47816', 'M1711'];
const why = (first: string, c1: string, c2: string, rationale: string) =>
  `billed with ${first} on 2026-10-01, it is column 2 of NCCI PTP edit ${c1}/${c2}${rationale ? ` (${rationale})` : ''}`;
const noModifier = (second: string, first: string, c1: string, c2: string, rationale: string) =>
  `Remove ${second}: ${why(first, c1, c2, rationale)}, which allows no modifier (column 2 is denied)`;
const missing = (second: string, first: string, c1: string, c2: string, rationale: string) =>
  `Remove ${second}, or add an NCCI-associated modifier (59, XE, XS, XP, XU, an anatomic one) to it if the services are distinct: ${why(first, c1, c2, rationale)}`;

new RuleTester({ reference: referenceWithEdits(ROWS) }).run(rule, {
  valid: [
    { name: 'column 2 without its column-1 code', claim: { dx, lines: ['62323', '99152'] } },
    { name: 'indicator 1 with XS on column 2', claim: { dx, lines: ['62323', '64483-RT-XS'] } },
    { name: 'indicator 1 with 59 on column 2', claim: { dx, lines: ['64483-RT', '99152-59'] } },
    { name: 'indicator 1 with an anatomic modifier for the other side', claim: { dx, lines: ['64483-LT', '99152-RT'] } },
    { name: 'the two codes on different dates of service', claim: { dx, lines: ['62323', '64483-RT dos:2026-10-02'] } },
    { name: 'the two codes for different rendering providers', claim: { dx, lines: ['62323', '64483-RT npi:1999999984'] } },
    { name: 'an edit deleted before the date of service', claim: { dx, lines: ['62323', '20552'] } },
    { name: 'an edit not yet effective', claim: { dx: ['M5416'], dos: '2016-06-01', lines: ['62323', '64483-RT'] } },
    { name: 'facet injection with RFA in one region: facet/with-rfa judges it', claim: { dx, lines: ['64635-RT ptr2', '64493-RT ptr2'] } },
    { name: 'imaging guidance with image-guided procedures only: imaging/bundled judges it', claim: { dx, lines: ['64483-RT', '77003'] } },
    { name: 'E/M without 25 with a spine procedure: em/same-day judges it', claim: { dx, lines: ['64483-RT', '99213'] } },
    { name: 'a spine code with a joint injection: modifier/distinct-procedure judges it', claim: { dx, lines: ['64483-RT', '20610-LT ptr3'] } },
  ],
  invalid: [
    {
      name: 'indicator 0: column 2 removed',
      claim: { dx, lines: ['64483-RT', '64484-RT'] },
      errors: [{ messageId: 'noModifierAllowed', line: 2, severity: 'error', message: noModifier('64484-RT', '64483-RT', '64483', '64484', '') }],
      output: ['64483-RT'],
    },
    {
      name: 'indicator 0: a modifier does not bypass it',
      claim: { dx, lines: ['64483-RT', '64484-RT-XS'] },
      errors: [{ messageId: 'noModifierAllowed', line: 2, message: noModifier('64484-RT-XS', '64483-RT', '64483', '64484', '') }],
      output: ['64483-RT'],
    },
    {
      name: 'indicator 1 without a modifier: held, no fix',
      claim: { dx, lines: ['62323', '64483-RT'] },
      errors: [{ messageId: 'modifierMissing', line: 2, severity: 'error', message: missing('64483-RT', '62323', '62323', '64483', 'Mutually exclusive procedures'), suggestions: ['64483-RT → (removed)'] }],
    },
    {
      name: 'indicator 1: an anatomic modifier of the same side is no distinct site',
      claim: { dx, lines: ['64483-RT', '99152-RT'] },
      errors: [{ messageId: 'modifierMissing', line: 2, message: missing('99152-RT', '64483-RT', '64483', '99152', 'Misuse of column two code with column one code'), suggestions: ['99152-RT → (removed)'] }],
    },
    {
      name: 'indicator 1: RT on column 2 against 50 on column 1 overlaps',
      claim: { dx, lines: ['64483-50', '99152-RT'] },
      errors: [{ messageId: 'modifierMissing', line: 2, message: missing('99152-RT', '64483-50', '64483', '99152', 'Misuse of column two code with column one code'), suggestions: ['99152-RT → (removed)'] }],
    },
    {
      name: 'imaging guidance with XS on an indicator-0 edit: imaging/bundled lets it through, the table does not',
      claim: { dx, lines: ['64483-RT', '77003-XS'] },
      errors: [{ messageId: 'noModifierAllowed', line: 2, message: noModifier('77003-XS', '64483-RT', '64483', '77003', 'Standards of medical / surgical practice') }],
      output: ['64483-RT'],
    },
    {
      name: 'imaging guidance in a session with a procedure that does not include imaging',
      claim: { dx, lines: ['64483-RT', '20610-LT-XS ptr3', '77003'] },
      errors: [{ messageId: 'noModifierAllowed', line: 3, message: noModifier('77003', '64483-RT', '64483', '77003', 'Standards of medical / surgical practice') }],
      output: ['64483-RT', '20610-LT-XS ptr3'],
    },
    {
      name: 'facet injection with XS beside an RFA on an indicator-0 edit',
      claim: { dx, lines: ['64635-RT ptr2', '64490-RT-XS ptr2'] },
      errors: [{ messageId: 'noModifierAllowed', line: 2, message: noModifier('64490-RT-XS', '64635-RT', '64635', '64490', 'CPT Manual or CMS manual coding instruction') }],
      output: ['64635-RT ptr2'],
    },
    {
      name: 'E/M with 25 on an indicator-0 edit with a joint injection',
      claim: { dx, lines: ['20610-RT ptr3', '99213-25 ptr3'] },
      errors: [{ messageId: 'noModifierAllowed', line: 2, message: noModifier('99213-25', '20610-RT', '20610', '99213', 'Standards of medical / surgical practice') }],
      output: ['20610-RT ptr3'],
    },
  ],
});

describe('ncci/ptp with the shipped tables', () => {
  it('holds no NCCI table: the shipped distinct-site pairs stay modifier/distinct-procedure’s', () => {
    // 64483/20610 is a shipped pair (modifier indicator 1, another structure): the rule leaves it alone.
    expect(defaultReference.ptpEdit('64483', '20610', '2026-10-01')).toMatchObject({ site: 'other-structure', modifierIndicator: 1 });
  });
});

new RuleTester().run(rule, {
  valid: [
    { name: 'shipped tables: a joint injection without 59/X beside a spine code', claim: { dx, lines: ['64483-RT', '20610-LT ptr3'] } },
    { name: 'shipped tables: 62323 with 64483', claim: { dx, lines: ['62323', '64483-RT'] } },
  ],
  invalid: [],
});
