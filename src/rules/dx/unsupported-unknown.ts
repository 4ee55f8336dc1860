import { diagnosisLabel, isSpineLine, lineLabel, pointedDiagnoses, type PointedDiagnosis } from '../helpers.js';
import { defineRule } from '../types.js';

/** When no pointed diagnosis is in the reference table, neither ESI nor facet/RFA support can be told. */
function someKnown(pointed: readonly PointedDiagnosis[]): boolean {
  for (const d of pointed) if (d.info !== undefined) return true;
  return false;
}

export default defineRule({
  meta: {
    id: 'dx/unsupported-unknown',
    type: 'problem',
    scope: 'session',
    phase: 'diagnoses',
    docs: {
      description: 'A spine line whose pointed diagnoses are all outside the reference table: whether they support the procedure cannot be told.',
      source: 'ESI and facet LCD billing articles (covered ICD-10 groups)',
      url: 'docs/rules/dx/unsupported-unknown.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      unknown: 'Check that the LCD billing article covers {{code}} for {{diagnoses}}: the line points only to diagnoses outside the spine reference table, so coverage support cannot be checked here',
    },
  },
  // Precondition for the engine: spine lines only (isSpineLine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa'],
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (!isSpineLine(line)) continue;
      const pointed = pointedDiagnoses(line, encounter.claim, context);
      if (pointed.length === 0 || someKnown(pointed)) continue;
      context.report({
        messageId: 'unknown',
        data: { code: lineLabel(line), diagnoses: pointed.map(diagnosisLabel).join(', ') },
        line,
        actual: pointed.map(diagnosisLabel).join(', '),
      });
    }
  },
});
