import { defineRule } from '../types.js';

/** CLM05-3 must be 1 (original), 7 (replacement) or 8 (void); 7 and 8 need the payer's claim number (REF*F8). */
const FREQUENCY_CODES: readonly string[] = ['1', '7', '8'];
const NEEDS_PAYER_CLAIM_NUMBER: readonly string[] = ['7', '8'];

export default defineRule({
  meta: {
    id: 'claim/frequency-code',
    type: 'problem',
    scope: 'claim',
    phase: 'structure',
    docs: {
      description: 'The claim frequency code must be 1, 7 or 8, and a replacement (7) or void (8) must carry the payer claim number (REF*F8).',
      source: '005010X222A1 CLM05-3 and 2300 REF*F8',
      url: 'docs/rules/claim/frequency-code.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      invalid: 'Correct claim frequency code {{code}} to 1 (original), 7 (replacement) or 8 (void): CLM05-3 takes no other code',
      missingPayerClaimNumber: 'Add the payer claim number (REF*F8) of the claim this one {{verb}}: claim frequency {{code}} ({{kind}}) must name it',
    },
  },
  check(encounter, context) {
    const { claim } = encounter;
    const code = claim.frequencyCode;
    if (!FREQUENCY_CODES.includes(code)) {
      context.report({ messageId: 'invalid', data: { code: code === '' ? '(empty)' : code }, actual: code, expected: [...FREQUENCY_CODES] });
      return;
    }
    if (NEEDS_PAYER_CLAIM_NUMBER.includes(code) && !claim.payerClaimNumber?.trim()) {
      const replacement = code === '7';
      context.report({
        messageId: 'missingPayerClaimNumber',
        data: { code, kind: replacement ? 'replacement' : 'void', verb: replacement ? 'replaces' : 'voids' },
      });
    }
  },
});
