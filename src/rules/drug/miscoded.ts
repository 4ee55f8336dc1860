/**
 * drug/miscoded — J1110 (dihydroergotamine) on a claim with spine codes: almost always ketorolac (J1885)
 * miscoded. No fix: the drug given must be checked in the record.
 */
import { defineRule } from '../types.js';
import { isSpine } from '../common/spine.js';

export default defineRule({
  meta: {
    id: 'drug/miscoded',
    type: 'problem',
    scope: 'claim',
    phase: 'removals',
    docs: {
      description: 'A drug code that is almost always miscoded on a spine claim (J1110 dihydroergotamine for ketorolac J1885)',
      source: 'HCPCS descriptors (J1110 = dihydroergotamine, not ketorolac) [S21]',
      url: 'docs/rules/drug/miscoded.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      miscoded: 'Recode {{code}} to {{intended}} if that was the drug given (check the record): {{code}} ({{description}}) on a claim with spine procedures is almost always {{intended}} billed under the wrong code',
    },
  },
  // Precondition for the engine: needs a spine procedure on the claim (isSpine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa', 'ultrasound-guided'],
  check(encounter, context) {
    if (!encounter.lines.some(isSpine)) return;
    for (const line of encounter.lines) {
      const info = context.reference.drug(line.procedure, line.serviceDate);
      if (info?.miscodedAs === undefined) continue;
      context.report({
        messageId: 'miscoded',
        line,
        data: { code: line.procedure, description: info.description, intended: info.miscodedAs },
        actual: line.procedure,
        expected: [info.miscodedAs],
      });
    }
  },
});
