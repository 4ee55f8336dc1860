/** drug/ndc-missing — a J-code line without an NDC (2410 LIN*N4). */
import { defineRule } from '../types.js';
import { isJCode } from '../common/drugs.js';

const NDC_QUALIFIER = 'N4';

export default defineRule({
  meta: {
    id: 'drug/ndc-missing',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    docs: {
      description: 'A J-code line without an NDC (Loop 2410 LIN02 = N4)',
      source: '005010X222A1 Loop 2410 (LIN02 N4, LIN03 11-digit NDC, CTP04, CTP05-1) [S25]',
      url: 'docs/rules/drug/ndc-missing.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      missingNdc: 'Add the 11-digit NDC of the drug given to {{code}} (LIN*N4): many payers require it on a J-code line',
    },
  },
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (!isJCode(line.procedure)) continue;
      const drug = line.drug;
      const hasNdc =
        drug?.ndc !== undefined && drug.ndc.trim() !== '' && (drug.ndcQualifier === undefined || drug.ndcQualifier === NDC_QUALIFIER);
      if (hasNdc) continue;
      context.report({
        messageId: 'missingNdc',
        line,
        data: { code: line.procedure },
        actual: drug?.ndc ? `${drug.ndcQualifier ?? ''} ${drug.ndc}`.trim() : 'no NDC',
        expected: ['N4 + 11-digit NDC'],
      });
    }
  },
});
