/**
 * drug/facility-pos — a drug line on a professional claim with place of service 19, 22 (hospital
 * outpatient) or 24 (ASC): the facility supplies and bills the drug. Fix: remove the line.
 */
import { defineRule } from '../types.js';
import { placeOfService } from '../common/spine.js';
import { isDrugLine } from '../common/drugs.js';

/** Places of service where the facility, not the physician, bears the drug's cost (docs/rules/drug/facility-pos.md). */
const FACILITY_POS: ReadonlySet<string> = new Set(['19', '22', '24']);

export default defineRule({
  meta: {
    id: 'drug/facility-pos',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    fixable: 'safe',
    docs: {
      description: 'A drug line on a professional claim with place of service 19, 22 or 24: the facility bills the drug',
      source:
        'Medicare Benefit Policy Manual ch. 15 §50.3 (the physician bills a drug only when it is an expense to the physician; POS 19/22/24: the facility bills it) [S26]',
      url: 'docs/rules/drug/facility-pos.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      facilityDrug:
        'Remove drug line {{code}} from the professional claim: in place of service {{pos}} the facility bills the drug',
    },
  },
  // Precondition for the engine: drug lines only (isDrugLine).
  families: ['drug', 'local-anesthetic'],
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (!isDrugLine(line)) continue;
      const pos = placeOfService(line, encounter);
      if (!FACILITY_POS.has(pos)) continue;
      context.report({
        messageId: 'facilityDrug',
        line,
        data: { code: line.procedure, pos },
        actual: line.procedure,
        expected: ['no drug line'],
        fix: {
          description: `remove ${line.procedure} (the facility bills the drug at place of service ${pos})`,
          changes: [{ op: 'remove-line', line: line.key }],
        },
      });
    }
  },
});
