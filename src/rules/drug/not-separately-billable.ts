import { isSpineLine, lineLabel } from '../helpers.js';
import { defineRule } from '../types.js';

/** The local anesthetic used for the procedure is part of it (practice expense; NCCI anesthesia by the surgeon). */
export default defineRule({
  meta: {
    id: 'drug/not-separately-billable',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    docs: {
      description: 'A local anesthetic (J0665 bupivacaine, J2001 lidocaine) in a session with a spine procedure is included in the procedure.',
      source: 'NCCI Policy Manual ch. I/II (anesthesia by the surgeon included; J0665, J2001) [S21]',
      url: 'docs/rules/drug/not-separately-billable.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      included: 'Remove {{code}} (local anesthetic): the local anesthetic is included in the procedure ({{procedures}})',
    },
  },
  // Precondition for the engine: needs a spine line (isSpineLine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa'],
  check(encounter, context) {
    if (!encounter.lines.some(isSpineLine)) return;
    let names: string | undefined; // for messages: only when a line is reported
    for (const line of encounter.lines) {
      if (!context.reference.inList('local-anesthetic', line.procedure, line.serviceDate)) continue;
      context.report({
        messageId: 'included',
        data: { code: lineLabel(line), procedures: (names ??= [...new Set(encounter.lines.filter(isSpineLine).map((line) => line.procedure))].join(', ')) },
        line,
        fix: { changes: [{ op: 'remove-line', line: line.key }], description: `remove ${line.procedure}` },
      });
    }
  },
});
