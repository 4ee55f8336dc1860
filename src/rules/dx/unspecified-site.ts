import { diagnosisLabel, isSpineLine, lineLabel, pointedDiagnoses, supportingClasses, type PointedDiagnosis } from '../helpers.js';
import type { DiagnosisSupport } from '../../reference/types.js';
import { defineRule } from '../types.js';

/** Sites 0/9 (multiple, unspecified) and 5 (thoracolumbar) cannot confirm the region treated: warn, don't reject. */
export default defineRule({
  meta: {
    id: 'dx/unspecified-site',
    type: 'problem',
    scope: 'session',
    phase: 'diagnoses',
    docs: {
      description: "A spine line whose only supporting diagnoses have an ambiguous site (multiple, thoracolumbar, unspecified): the region treated cannot be confirmed.",
      source: 'ICD-10-CM tabular: a code whose site is multiple, thoracolumbar or unspecified names no single region',
      url: 'docs/rules/dx/unspecified-site.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      ambiguous: 'Code the diagnosis of {{code}} to the region treated if the record documents it: {{code}} is supported only by {{diagnoses}}, whose site (multiple, thoracolumbar or unspecified) does not confirm the region treated',
    },
  },
  // Precondition for the engine: spine lines only (isSpineLine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa'],
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (!isSpineLine(line)) continue;
      const classes = supportingClasses(line.facts.family);
      // Every supporting pointed diagnosis (at least one) has an ambiguous site: counted without arrays (most lines pass).
      const pointed = pointedDiagnoses(line, encounter.claim, context);
      let supportingCount = 0;
      let allAmbiguous = true;
      for (const d of pointed) {
        if (!(d.info !== undefined && classes.includes(d.info.support))) continue;
        supportingCount++;
        if (d.info.region !== 'ambiguous') {
          allAmbiguous = false;
          break;
        }
      }
      if (supportingCount === 0 || !allAmbiguous) continue;
      const supporting = supportingOf(pointed, classes);
      context.report({
        messageId: 'ambiguous',
        data: { code: lineLabel(line), diagnoses: supporting.map(diagnosisLabel).join(', ') },
        line,
        actual: supporting.map(diagnosisLabel).join(', '),
      });
    }
  },
});

function supportingOf(pointed: readonly PointedDiagnosis[], classes: readonly DiagnosisSupport[]): PointedDiagnosis[] {
  const supporting: PointedDiagnosis[] = [];
  for (const d of pointed) if (d.info !== undefined && classes.includes(d.info.support)) supporting.push(d);
  return supporting;
}
