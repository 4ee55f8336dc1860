import { defineRule } from '../types.js';

/**
 * ICD-10-CM shape: a letter, a digit, a letter or digit, then up to four letters or digits — 3 to 7 characters,
 * no decimal point (HI carries codes without it). A shape test, not a code list.
 */
const ICD10_SHAPE = /^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$/;

export default defineRule({
  meta: {
    id: 'dx/invalid-format',
    type: 'problem',
    scope: 'claim',
    phase: 'structure',
    docs: {
      description: 'An ICD-10 diagnosis (qualifier ABK/ABF) must have ICD-10-CM shape, without a decimal point; ICD-9 (BK/BF) codes are left alone.',
      source: '005010X222A1 HI (ABK/ABF: ICD-10-CM, decimal point not transmitted)',
      url: 'docs/rules/dx/invalid-format.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      decimal: 'Send diagnosis {{code}} as {{expected}}: ICD-10-CM codes are transmitted without the decimal point',
      shape: 'Correct diagnosis "{{code}}" (diagnosis {{index}}): an ICD-10-CM code is 3 to 7 characters, such as M5416',
    },
  },
  check(encounter, context) {
    const diagnoses = encounter.claim.diagnoses;
    for (let i = 0; i < diagnoses.length; i++) {
      const diagnosis = diagnoses[i]!;
      if (diagnosis.icd9 || ICD10_SHAPE.test(diagnosis.code)) continue;
      const stripped = diagnosis.code.replace('.', '');
      if (diagnosis.code.includes('.') && ICD10_SHAPE.test(stripped)) {
        context.report({
          messageId: 'decimal',
          data: { code: diagnosis.code, expected: stripped },
          actual: diagnosis.code,
          expected: [stripped],
          fix: { changes: [{ op: 'set-diagnosis', index: i + 1, value: stripped }], description: 'strip the decimal point' },
        });
        continue;
      }
      context.report({ messageId: 'shape', data: { code: diagnosis.code, index: i + 1 }, actual: diagnosis.code });
    }
  },
});
