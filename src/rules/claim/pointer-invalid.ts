import type { Claim, Encounter, ServiceLine } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { claimDiagnoses, effectiveRegion, isSpineLine, junctionRegions, lineLabel, supportingClasses } from '../helpers.js';
import { defineRule, type Fix } from '../types.js';

/** SV107 carries at most four pointers (SV107-1…4). */
const MAX_POINTERS = 4;

/** The first pointer that is not a position in the claim's `count` diagnoses. */
function firstBadPointer(pointers: readonly number[], count: number): number | undefined {
  for (const p of pointers) if (!Number.isInteger(p) || p < 1 || p > count) return p;
  return undefined;
}

/**
 * The one diagnosis a line can point to, when exactly one choice exists: for a spine line, the single diagnosis
 * on the claim that supports its family in its region; for any other line, the claim's only diagnosis.
 */
function onlyChoice(line: ServiceLine, encounter: Encounter, claim: Claim, reference: ReferenceData): number | undefined {
  const diagnoses = claimDiagnoses(claim, line.serviceDate, reference);
  if (isSpineLine(line)) {
    const region = effectiveRegion(line, junctionRegions(encounter, reference));
    const classes = supportingClasses(line.facts.family);
    const supporting = diagnoses.filter((d) => d.info && d.info.billable && classes.includes(d.info.support) && d.info.region === region);
    return supporting.length === 1 ? supporting[0]!.index : undefined;
  }
  return diagnoses.length === 1 ? 1 : undefined;
}

export default defineRule({
  meta: {
    id: 'claim/pointer-invalid',
    type: 'problem',
    scope: 'session',
    phase: 'structure',
    docs: {
      description: 'Every line needs 1 to 4 diagnosis pointers, each pointing to a diagnosis of the claim.',
      source: '005010X222A1 SV107 (pointers 1–12 into HI, at most 4)',
      url: 'docs/rules/claim/pointer-invalid.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      missing: 'Point {{code}} to the diagnosis it treats: the line has no diagnosis pointer',
      outOfRange: 'Point {{code}} to a diagnosis on the claim: it points to diagnosis {{pointer}}, but the claim has {{count}}',
      tooMany: 'Keep at most 4 diagnosis pointers on {{code}}: it has {{count}}',
    },
  },
  check(encounter, context) {
    const { claim } = encounter;
    const count = claim.diagnoses.length;
    for (const line of encounter.lines) {
      let messageId: 'missing' | 'outOfRange' | 'tooMany' | undefined;
      let extra: Record<string, string | number> | undefined;
      const bad = firstBadPointer(line.pointers, count);
      if (line.pointers.length === 0) messageId = 'missing';
      else if (bad !== undefined) {
        messageId = 'outOfRange';
        extra = { pointer: bad, count };
      } else if (line.pointers.length > MAX_POINTERS) {
        messageId = 'tooMany';
        extra = { count: line.pointers.length };
      }
      if (!messageId) continue;
      // Message data only for a line that is reported.
      const data: Record<string, string | number> = { line: line.lineNumber, code: lineLabel(line), ...extra };
      const choice = onlyChoice(line, encounter, claim, context.reference);
      const fix: Fix | undefined =
        choice === undefined
          ? undefined
          : { changes: [{ op: 'set-pointers', line: line.key, value: [choice] }], description: `point to diagnosis ${choice}, the only one that fits` };
      context.report({ messageId, data, line, actual: line.pointers.join(',') || '(none)', ...(fix ? { fix } : {}) });
    }
  },
});
