import {
  claimDiagnoses,
  diagnosisLabel,
  isEsiFamily,
  isSpineLine,
  lineLabel,
  opposingClasses,
  pointedDiagnoses,
  supportingClasses,
  type PointedDiagnosis,
} from '../helpers.js';
import { defineRule, type RuleContext } from '../types.js';
import type { Claim, ServiceLine } from '../../encounter/model.js';
import type { DiagnosisSupport } from '../../reference/types.js';

/**
 * ESI is covered for radicular pain (and stenosis, postlaminectomy, post-op pain, zoster), not for axial pain;
 * facet injections and RFA are covered for axial (non-radicular) pain, and radiculopathy codes do not support
 * them. Fires when every pointed diagnosis is a known spine diagnosis of the other family.
 */
export default defineRule({
  meta: {
    id: 'dx/not-supporting',
    type: 'problem',
    scope: 'session',
    phase: 'diagnoses',
    docs: {
      description: 'A spine line must point to a diagnosis that supports its family: ESI to radicular pain (or stenosis, postlaminectomy, post-op pain, zoster), facet/RFA to axial pain.',
      source:
        'ESI LCD L39240/A58993 and peers (covered indications); facet LCD L38803/L33930 (non-radicular pain) [S2][S5]',
      url: 'docs/rules/dx/not-supporting.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    hasSuggestions: true,
    messages: {
      esiAxial: 'Point {{code}} to a radicular diagnosis (or stenosis, postlaminectomy, post-op pain, zoster) if the record documents one: it points to axial pain only ({{diagnoses}}), and an epidural injection needs one of those',
      facetRadicular: 'Point {{code}} to a non-radicular (axial) diagnosis if the record documents one: it points to radiculopathy only ({{diagnoses}}), and facet injections and RFA need an axial diagnosis',
    },
  },
  // Precondition for the engine: spine lines only (isSpineLine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa'],
  check(encounter, context) {
    const { claim } = encounter;
    for (const line of encounter.lines) {
      if (!isSpineLine(line)) continue;
      const pointed = pointedDiagnoses(line, claim, context);
      if (pointed.length === 0) continue;
      if (!allOpposing(pointed, opposingClasses(line.facts.family))) continue;
      reportNotSupporting(line, pointed, claim, context);
    }
  },
});

/** Every pointed diagnosis is known and of the support class that means the other family. */
function allOpposing(pointed: readonly PointedDiagnosis[], opposing: readonly DiagnosisSupport[]): boolean {
  for (const d of pointed) if (d.info === undefined || !opposing.includes(d.info.support)) return false;
  return true;
}

function reportNotSupporting(
  line: ServiceLine,
  pointed: readonly PointedDiagnosis[],
  claim: Claim,
  context: RuleContext<Record<string, unknown>, 'esiAxial' | 'facetRadicular'>,
): void {
  const supporting = supportingClasses(line.facts.family);
  const candidates = claimDiagnoses(claim, line.serviceDate, context.reference).filter((d) => d.info && d.info.billable && supporting.includes(d.info.support));
  const only = candidates.length === 1 ? candidates[0]! : undefined;
  context.report({
    messageId: isEsiFamily(line.facts.family) ? 'esiAxial' : 'facetRadicular',
    data: { code: lineLabel(line), diagnoses: pointed.map(diagnosisLabel).join(', ') },
    line,
    actual: pointed.map(diagnosisLabel).join(', '),
    ...(only
      ? { suggestions: [{ description: `point to ${diagnosisLabel(only)}`, fix: { changes: [{ op: 'set-pointers' as const, line: line.key, value: [only.index] }] } }] }
      : {}),
  });
}
