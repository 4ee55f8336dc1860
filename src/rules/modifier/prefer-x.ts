/**
 * modifier/prefer-x — 59 where XS describes the separation: the column-2 code of a distinct-procedure pair
 * at a different site, or a facet injection billed with an RFA of the same region (a different joint).
 */
import type { ServiceLine } from '../../encounter/model.js';
import { defineRule } from '../types.js';
import { GENERIC_DISTINCT, describeSite, distinctMatches, hasXModifier } from '../common/distinct.js';
import { injectionsWithRfa } from '../common/facet-rfa.js';

function hasGenericDistinct(lines: readonly ServiceLine[]): boolean {
  for (let i = 0; i < lines.length; i++) if (lines[i]!.modifiers.includes(GENERIC_DISTINCT)) return true;
  return false;
}

export default defineRule({
  meta: {
    id: 'modifier/prefer-x',
    type: 'suggestion',
    scope: 'session',
    phase: 'other',
    docs: {
      description: 'Modifier 59 where XS (separate structure) describes the separation: a different region or joint',
      source:
        'NCCI policy (prefer the more specific X modifier: XS separate structure — different spinal region or joint; 59 only when no X modifier fits)',
      url: 'docs/rules/modifier/prefer-x.md',
    },
    severity: { medicare: 'info', guide: 'info' },
    messages: {
      preferXs: 'Replace 59 with XS on {{code}} ({{reason}}): XS names the separate structure, and 59 is for when no X modifier fits',
    },
  },
  check(encounter, context) {
    // Only a line with 59 can be reported: most sessions have none.
    if (!hasGenericDistinct(encounter.lines)) return;
    const reasons = new Map<ServiceLine, string>();
    for (const match of distinctMatches(encounter, context.reference)) {
      reasons.set(match.second, `${describeSite(match.site)} from ${match.first.procedure}`);
    }
    for (const pair of injectionsWithRfa(encounter, context.reference)) {
      if (!reasons.has(pair.injection)) reasons.set(pair.injection, `a different joint from the RFA ${pair.rfaLines[0]?.procedure ?? ''}`.trim());
    }
    for (const line of encounter.lines) {
      const reason = reasons.get(line);
      if (reason === undefined || !line.modifiers.includes(GENERIC_DISTINCT) || hasXModifier(line, context.reference)) continue;
      context.report({
        messageId: 'preferXs',
        line,
        data: { code: line.procedure, reason },
        actual: '59',
        expected: ['XS'],
      });
    }
  },
});
