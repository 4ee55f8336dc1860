/**
 * drug/deleted-code — J1020/J1030/J1040 (methylprednisolone acetate 20/40/80 mg) were deleted for dates of
 * service from 2024-04-01; J1010 (1 mg) replaces them. Fix: J1010 with units × 20, 40 or 80.
 *
 * Charge: the line's total charge stays as billed. The same milligrams were given and charged; only the
 * billing unit shrank, so the charge per milligram (the real per-unit charge) is what is kept — scaling the
 * total by the unit factor would multiply the bill 40-fold (see docs/rules/drug/deleted-code.md).
 */
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'drug/deleted-code',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    fixable: 'safe',
    docs: {
      description: 'A HCPCS drug code deleted on the date of service (J1020, J1030, J1040 from 2024-04-01): recode to J1010 per mg',
      source: 'HCPCS: J1010 replaces J1020/J1030/J1040 for DOS ≥ 2024-04-01 [S20][S21]',
      url: 'docs/rules/drug/deleted-code.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      deletedCode:
        'Bill {{code}} × {{units}} on {{date}} as {{replacement}} × {{replacementUnits}}: {{code}} is deleted from {{deletedOn}}',
    },
  },
  check(encounter, context) {
    for (const line of encounter.lines) {
      const info = context.reference.drug(line.procedure, line.serviceDate);
      if (info?.deletedOn === undefined || info.replacement === undefined) continue;
      if (line.serviceDate < info.deletedOn) continue;
      const replacementUnits = line.units * info.replacement.unitsPerUnit;
      context.report({
        messageId: 'deletedCode',
        line,
        data: {
          code: line.procedure,
          units: line.units,
          date: line.serviceDate,
          deletedOn: info.deletedOn,
          replacement: info.replacement.code,
          replacementUnits,
        },
        actual: `${line.procedure} × ${line.units}`,
        expected: [`${info.replacement.code} × ${replacementUnits}`],
        fix: {
          description: `recode ${line.procedure} × ${line.units} as ${info.replacement.code} × ${replacementUnits} (charge unchanged)`,
          // set-charge before set-units: the engine then keeps the charge instead of scaling it per unit.
          changes: [
            { op: 'set-charge', line: line.key, value: line.chargeCents },
            { op: 'set-code', line: line.key, value: info.replacement.code },
            { op: 'set-units', line: line.key, value: replacementUnits },
          ],
        },
      });
    }
  },
});
