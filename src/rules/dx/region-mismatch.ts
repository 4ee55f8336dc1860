import {
  claimDiagnoses,
  diagnosisLabel,
  effectiveRegion,
  isSpineLine,
  junctionRegions,
  lineLabel,
  pointedDiagnoses,
  regionName,
  supportingClasses,
  type PointedDiagnosis,
} from '../helpers.js';
import { defineRule, type RuleContext } from '../types.js';
import type { Claim, Region, ServiceLine } from '../../encounter/model.js';
import type { DiagnosisSupport } from '../../reference/types.js';

/**
 * The diagnosis that supports a spine line must be of the line's region: cervical/thoracic codes with sites 1–4,
 * lumbar/sacral codes with sites 6–8 (junction sessions are lumbar). Fires when every supporting pointed
 * diagnosis is of the other definite region; ambiguous sites are `dx/unspecified-site`'s.
 */
export default defineRule({
  meta: {
    id: 'dx/region-mismatch',
    type: 'problem',
    scope: 'session',
    phase: 'diagnoses',
    docs: {
      description: "A spine line's supporting diagnosis must be of the procedure's region (cervical/thoracic vs lumbar/sacral; junction sessions are lumbar).",
      source: 'ESI LCD regions (L39240/A58993); facet billing articles (T12-L1 junction) [S1][S8]',
      url: 'docs/rules/dx/region-mismatch.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    hasSuggestions: true,
    messages: {
      mismatch: 'Point {{code}} ({{region}}) to a diagnosis of the region treated: it is supported only by {{diagnoses}} ({{dxRegion}})',
    },
  },
  // Precondition for the engine: spine lines only (isSpineLine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa'],
  check(encounter, context) {
    const { claim } = encounter;
    let junctions: ReturnType<typeof junctionRegions> | undefined;
    for (const line of encounter.lines) {
      if (!isSpineLine(line)) continue;
      junctions ??= junctionRegions(encounter, context.reference);
      const region = effectiveRegion(line, junctions);
      if (region === 'none') continue;
      const classes = supportingClasses(line.facts.family);
      // Every supporting pointed diagnosis (at least one) is of the other definite region: counted without arrays
      // (most lines pass).
      const pointed = pointedDiagnoses(line, claim, context);
      let supportingCount = 0;
      let allElsewhere = true;
      for (const d of pointed) {
        if (!isSupporting(d, classes)) continue;
        supportingCount++;
        const dxRegion = d.info!.region;
        if (!((dxRegion === 'cervical-thoracic' || dxRegion === 'lumbar-sacral') && dxRegion !== region)) {
          allElsewhere = false;
          break;
        }
      }
      if (supportingCount === 0 || !allElsewhere) continue;
      reportMismatch(line, region, classes, supportingOf(pointed, classes), claim, context);
    }
  },
});

function isSupporting(diagnosis: PointedDiagnosis, classes: readonly DiagnosisSupport[]): boolean {
  return diagnosis.info !== undefined && classes.includes(diagnosis.info.support);
}

function supportingOf(pointed: readonly PointedDiagnosis[], classes: readonly DiagnosisSupport[]): PointedDiagnosis[] {
  const supporting: PointedDiagnosis[] = [];
  for (const d of pointed) if (isSupporting(d, classes)) supporting.push(d);
  return supporting;
}

function reportMismatch(
  line: ServiceLine,
  region: Region,
  classes: readonly DiagnosisSupport[],
  supporting: PointedDiagnosis[],
  claim: Claim,
  context: RuleContext<Record<string, unknown>, 'mismatch'>,
): void {
  const candidates = claimDiagnoses(claim, line.serviceDate, context.reference).filter(
    (d) => d.info && d.info.billable && classes.includes(d.info.support) && d.info.region === region,
  );
  const only = candidates.length === 1 ? candidates[0]! : undefined;
  context.report({
    messageId: 'mismatch',
    data: {
      diagnoses: supporting.map(diagnosisLabel).join(', '),
      dxRegion: regionName(supporting[0]!.info!.region),
      code: lineLabel(line),
      region: regionName(region),
    },
    line,
    actual: supporting.map(diagnosisLabel).join(', '),
    ...(only
      ? { suggestions: [{ description: `point to ${diagnosisLabel(only)}`, fix: { changes: [{ op: 'set-pointers' as const, line: line.key, value: [only.index] }] } }] }
      : {}),
  });
}
