/**
 * modifier/bilateral-not-allowed — 50, RT or LT on an interlaminar ESI (62320–62323): bilateral indicator 9,
 * the concept does not apply. Fix: remove those modifiers.
 */
import { defineRule } from '../types.js';
import { describeLine, isLaterality } from '../common/spine.js';

export default defineRule({
  meta: {
    id: 'modifier/bilateral-not-allowed',
    type: 'problem',
    scope: 'session',
    phase: 'recodes',
    fixable: 'safe',
    docs: {
      description: '50, RT or LT on 62320–62323, whose bilateral indicator is 9 (concept does not apply)',
      source: 'MPFS BILAT SURG = 9 for 62320–62323 [P1–P3] [S13][S2]',
      url: 'docs/rules/modifier/bilateral-not-allowed.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      notAllowed:
        'Remove modifier {{modifiers}} from {{code}}: bilateral indicator 9 (the concept does not apply), so it takes none of 50, RT, LT',
    },
  },
  // Precondition for the engine: interlaminar ESI lines only.
  families: ['esi-interlaminar'],
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (line.facts.family !== 'esi-interlaminar') continue;
      if (context.reference.procedure(line.procedure, line.serviceDate)?.bilateralIndicator !== 9) continue;
      const laterality = line.modifiers.filter(isLaterality);
      if (laterality.length === 0) continue;
      const kept = line.modifiers.filter((modifier) => !isLaterality(modifier));
      context.report({
        messageId: 'notAllowed',
        line,
        data: { modifiers: laterality.join(', '), code: line.procedure },
        actual: describeLine(line),
        expected: [[line.procedure, ...kept].join('-')],
        fix: {
          description: `remove ${laterality.join(', ')} from ${line.procedure}`,
          changes: [{ op: 'set-modifiers', line: line.key, value: kept }],
        },
      });
    }
  },
});
