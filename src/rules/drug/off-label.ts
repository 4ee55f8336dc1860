/** drug/off-label — J3304 (Zilretta, FDA-labeled for knee osteoarthritis only) on a claim with spine codes. */
import { defineRule } from '../types.js';
import { isSpine } from '../common/spine.js';

export default defineRule({
  meta: {
    id: 'drug/off-label',
    type: 'problem',
    scope: 'claim',
    phase: 'removals',
    docs: {
      description: 'A drug labeled for another site (J3304 triamcinolone ER, knee only) on a claim with spine procedures',
      source: 'HCPCS descriptor J3304 (Zilretta: intra-articular knee OA only) [S21]',
      url: 'docs/rules/drug/off-label.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      offLabel: 'Check that {{code}} ({{description}}) is the drug given: it is not labeled for spinal injection, and the claim has spine procedures',
    },
  },
  // Precondition for the engine: needs a spine procedure on the claim (isSpine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa', 'ultrasound-guided'],
  check(encounter, context) {
    if (!encounter.lines.some(isSpine)) return;
    for (const line of encounter.lines) {
      const info = context.reference.drug(line.procedure, line.serviceDate);
      if (info?.offLabelForSpine !== true) continue;
      context.report({
        messageId: 'offLabel',
        line,
        data: { code: line.procedure, description: info.description },
        actual: line.procedure,
        expected: ['J3301', 'J1010', 'J1100', 'J0702'],
      });
    }
  },
});
