/**
 * modifier/distinct-procedure — a pair from the distinct-procedure table billed in one session at different
 * sites, with no 59/XS/XE/XP/XU on the second (column-2) code. XS unbundles the second code (it is then paid), and
 * only the provider's documentation can show the separate site: never added automatically. With the policy's
 * `autoDistinct` on, XS is offered as a suggestion (the claim is held for a person to accept it); otherwise the
 * finding is reported only.
 */
import { defineRule } from '../types.js';
import { describeLine } from '../common/spine.js';
import { describeSite, distinctMatches } from '../common/distinct.js';
import { hasDistinctModifier } from '../helpers.js';

const MAX_MODIFIERS = 4;

export default defineRule({
  meta: {
    id: 'modifier/distinct-procedure',
    type: 'problem',
    scope: 'session',
    phase: 'other',
    hasSuggestions: true,
    docs: {
      description:
        'A distinct-procedure pair (a spine code with 20610, or RFA with the other region’s facet injection) in one session at different sites, without 59/XS/XE/XP/XU on the second code',
      source:
        'NCCI PTP pairs with modifier indicator 1: 64483/20610, 64493/20610, 62323/20610, 20610/64484 [A][C][D]; NCCI policy (59/X{EPSU} on the column-2 code); table: src/reference/data/distinct-pairs.ts',
      url: 'docs/rules/modifier/distinct-procedure.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      missingDistinct:
        'Add XS to {{code}} if the documentation shows the separate site: {{second}} is billed with {{first}} at {{site}} without 59/XS/XE/XP/XU (PTP pair, modifier indicator 1)',
    },
  },
  check(encounter, context) {
    for (const match of distinctMatches(encounter, context.reference)) {
      const { second, first, site } = match;
      if (hasDistinctModifier(second, context.reference)) continue;
      const canSuggest = context.policy.autoDistinct && second.modifiers.length < MAX_MODIFIERS;
      context.report({
        messageId: 'missingDistinct',
        line: second,
        data: { second: describeLine(second), first: describeLine(first), site: describeSite(site), code: second.procedure },
        actual: describeLine(second),
        expected: [[second.procedure, ...second.modifiers, 'XS'].join('-')],
        ...(canSuggest
          ? {
              suggestions: [
                {
                  description: `add XS to ${describeLine(second)} (if the documentation shows the separate site)`,
                  fix: { changes: [{ op: 'set-modifiers' as const, line: second.key, value: [...second.modifiers, 'XS'] }] },
                },
              ],
            }
          : {}),
      });
    }
  },
});
