import { isSpineLine, lineLabel } from '../helpers.js';
import { defineRule } from '../types.js';
import type { ServiceLine } from '../../encounter/model.js';

/** An image-guided spine line (its code includes the imaging). */
function isGuided(line: ServiceLine): boolean {
  return isSpineLine(line) && line.facts.includesImaging;
}

/**
 * Contrast is an inclusive component of the image-guided spine codes per their descriptors, but whether a payer
 * refuses office LOCM is unverified: a warning, and the line is removed only under `removeContrast`.
 */
export default defineRule({
  meta: {
    id: 'imaging/contrast',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    docs: {
      description: 'Contrast (Q9965–Q9967) billed with an image-guided spine code, whose descriptor includes the injection of contrast.',
      source: 'CPT descriptors of 62321/62323/64479–64484 (contrast inclusive) [S30]',
      url: 'docs/rules/imaging/contrast.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    fixable: 'safe',
    messages: {
      contrast: 'Remove contrast {{code}} unless the payer pays contrast separately: contrast is an inclusive component of the image-guided procedure ({{procedures}})',
    },
  },
  // Precondition for the engine: needs an image-guided spine line (isSpineLine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa'],
  check(encounter, context) {
    const { reference, policy } = context;
    if (!encounter.lines.some(isGuided)) return;
    let names: string | undefined; // for messages: only when a line is reported
    for (const line of encounter.lines) {
      if (!reference.inList('contrast', line.procedure, line.serviceDate)) continue;
      context.report({
        messageId: 'contrast',
        data: { code: lineLabel(line), procedures: (names ??= [...new Set(encounter.lines.filter(isGuided).map((line) => line.procedure))].join(', ')) },
        line,
        ...(policy.removeContrast ? { fix: { changes: [{ op: 'remove-line' as const, line: line.key }], description: `remove ${line.procedure}` } } : {}),
      });
    }
  },
});
