/**
 * mue/units — units above the practitioner MUE (reference table, dated): per line for adjudication
 * indicator 1; per date of service across the session for 2 and 3. No fix: which level or side to drop is a
 * clinical decision.
 */
import type { ServiceLine, Side } from '../../encounter/model.js';
import { defineRule } from '../types.js';
import { countedSides } from '../common/spine.js';

/** Units billed in minutes (SV103 MJ, anesthesia) are not units of service. */
const MINUTES = 'MJ';

function countsUnits(line: ServiceLine): boolean {
  return line.unitBasis !== MINUTES;
}

/** No counted line before `index` has the same code. */
function firstOfItsCode(lines: readonly ServiceLine[], index: number): boolean {
  const code = lines[index]!.procedure;
  for (let i = 0; i < index; i++) if (countsUnits(lines[i]!) && lines[i]!.procedure === code) return false;
  return true;
}

export default defineRule({
  meta: {
    id: 'mue/units',
    type: 'problem',
    scope: 'session',
    phase: 'units',
    docs: {
      description:
        'Units above the practitioner MUE: per line for adjudication indicator 1, per date of service across the session for 2 and 3',
      source:
        'cms-indicators.md §2 (practitioner MUE values and adjudication indicators, 2026: sources A, B, C); domain-rules.md §1.3 (MAI 1/2/3 definitions; 50 line counts its units) [S19]',
      url: 'docs/rules/mue/units.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      lineOverMue:
        'Unexpected {{units}} units of {{code}} on one line, expected at most {{mue}} (practitioner MUE, adjudication indicator 1: per line)',
      dateOverMue:
        'Unexpected {{units}} units of {{code}} on {{date}}{{side}}, expected at most {{mue}} (practitioner MUE, adjudication indicator {{mai}}: per date of service)',
    },
  },
  check(encounter, context) {
    // Each code once, in the order of its first counted line (minute-based lines do not count).
    for (let index = 0; index < encounter.lines.length; index++) {
      const first = encounter.lines[index]!;
      if (!countsUnits(first) || !firstOfItsCode(encounter.lines, index)) continue;
      const code = first.procedure;
      const mue = context.reference.procedure(code, encounter.serviceDate)?.mue;
      if (mue === undefined) continue;
      const lines = encounter.lines.filter((line) => countsUnits(line) && line.procedure === code);
      if (mue.adjudication === 1) {
        for (const line of lines) {
          if (line.units <= mue.value) continue;
          context.report({
            messageId: 'lineOverMue',
            line,
            data: { units: line.units, code, mue: mue.value },
            actual: `${line.units} units`,
            expected: [`at most ${mue.value}`],
          });
        }
        continue;
      }
      // Date-of-service edits count every line of the code. A payer that bills bilateral services as RT + LT
      // lines (policy `bilateral: rt-lt`) counts them per side: 50 and unknown lines count toward both.
      const perSide = context.policy.bilateralStyle === 'rt-lt';
      const running: Record<Side | 'all', number> = { left: 0, right: 0, all: 0 };
      for (const line of lines) {
        const keys: readonly (Side | 'all')[] = perSide ? countedSides(line) : ['all'];
        const over = keys.filter((key) => (running[key] += line.units) > mue.value);
        if (over.length === 0) continue;
        const units = Math.max(...over.map((key) => running[key]));
        const side = perSide ? (over.length === 2 ? ' on both sides' : ` on the ${over[0]}`) : '';
        context.report({
          messageId: 'dateOverMue',
          line,
          data: { units, code, date: encounter.serviceDate, side, mue: mue.value, mai: mue.adjudication },
          actual: `${units} units`,
          expected: [`at most ${mue.value}`],
        });
        break;
      }
    }
  },
});
