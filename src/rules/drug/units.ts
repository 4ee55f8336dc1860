/**
 * drug/units — units ≠ ceil(dose ÷ billing unit) where the dose is known: the dose in mg (CTP unit ME, or the
 * CSV dose column), or the volume in mL (CTP unit ML) for per-mL codes such as J0702. Fix: lower the units to
 * what the claim documents, keeping the line's per-unit charge. Raising them bills more than the claim was sent
 * with, and a code that drug/miscoded questions may not be the drug given: both only suggested (the claim is held;
 * docs/rules/drug/units.md).
 */
import type { ServiceLine } from '../../encounter/model.js';
import type { DrugInfo } from '../../reference/types.js';
import { isSpine } from '../common/spine.js';
import { defineRule, type Change } from '../types.js';

/** Float noise in dose ÷ unit (0.3 ÷ 0.1) must not round up a whole number of units. */
const EPSILON = 1e-9;

interface Expected {
  units: number;
  dose: string;
  billingUnit: string;
}

function expectedUnits(line: ServiceLine, info: DrugInfo): Expected | undefined {
  const drug = line.drug;
  if (drug === undefined) return undefined;
  if (info.billingUnitMl !== undefined && drug.unit === 'ML' && drug.quantity !== undefined && drug.quantity > 0) {
    return {
      units: Math.ceil(drug.quantity / info.billingUnitMl - EPSILON),
      dose: `${drug.quantity} mL`,
      billingUnit: `${info.billingUnitMl} mL`,
    };
  }
  if (info.billingUnitMg !== undefined) {
    const doseMg = drug.doseMg ?? (drug.unit === 'ME' ? drug.quantity : undefined);
    if (doseMg === undefined || doseMg <= 0) return undefined;
    return {
      units: Math.ceil(doseMg / info.billingUnitMg - EPSILON),
      dose: `${doseMg} mg`,
      billingUnit: `${info.billingUnitMg} mg`,
    };
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'drug/units',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    fixable: 'safe',
    hasSuggestions: true,
    docs: {
      description: 'Drug units that do not match ceil(dose ÷ billing unit) where the dose is known',
      source:
        'HCPCS long descriptors (billing units J1010 1 mg, J3301 10 mg, J1100 1 mg, J0702 1 mL of 6 mg/mL, J1885 15 mg; units = ceil(dose ÷ unit)) [S21][S22][S23]; 005010X222A1 CTP04/CTP05 in 2410 [S25]',
      url: 'docs/rules/drug/units.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    messages: {
      wrongUnits: 'Bill {{expected}} units of {{code}} for {{dose}}, not {{units}}: {{dose}} ÷ {{billingUnit}} per unit, rounded up',
      codeInQuestion:
        'Check which drug was given before the units of {{code}}: drug/miscoded questions the code; if {{code}} is right, bill {{expected}} units for {{dose}}, not {{units}}',
    },
  },
  check(encounter, context) {
    // drug/miscoded's condition: a code almost always miscoded, on a claim with spine procedures.
    const spineClaim = encounter.claim.lines.some(isSpine);
    for (const line of encounter.lines) {
      const info = context.reference.drug(line.procedure, line.serviceDate);
      if (info === undefined || (info.deletedOn !== undefined && line.serviceDate >= info.deletedOn)) continue;
      const expected = expectedUnits(line, info);
      if (expected === undefined || expected.units === line.units) continue;
      // set-units alone: the engine keeps the line's per-unit charge (docs/rules/README.md, Terms: Charges).
      const changes: Change[] = [{ op: 'set-units', line: line.key, value: expected.units }];
      const suggestOnly = expected.units > line.units || (spineClaim && info.miscodedAs !== undefined);
      const change = { description: `set ${line.procedure} to ${expected.units} units`, changes };
      context.report({
        messageId: spineClaim && info.miscodedAs !== undefined ? 'codeInQuestion' : 'wrongUnits',
        line,
        data: {
          units: line.units,
          code: line.procedure,
          dose: expected.dose,
          expected: expected.units,
          billingUnit: expected.billingUnit,
        },
        actual: `${line.units} units`,
        expected: [`${expected.units} units`],
        ...(suggestOnly ? { suggestions: [{ description: change.description, fix: { changes } }] } : { fix: change }),
      });
    }
  },
});
