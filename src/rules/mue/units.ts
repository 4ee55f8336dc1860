/**
 * mue/units — units above the practitioner MUE (the CMS table in force on the date of service): per line for adjudication
 * indicator 1; per date of service across the session for 2 and 3. No fix: which level or side to drop is a
 * clinical decision.
 */
import type { Encounter, ServiceLine, Side } from '../../encounter/model.js';
import { defineRule, type RuleContext } from '../types.js';
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
        'CMS practitioner MUE values and adjudication indicators, 2026 [A][B][C]; MUE program (MAI 1/2/3; a line with 50 counts its units) [S19]',
      url: 'docs/rules/mue/units.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      lineOverMue:
        'Correct the units of {{code}} on one line to at most {{mue}} (check which levels or sides were done): {{units}} units exceed the practitioner MUE (adjudication indicator 1: per line)',
      dateOverMue:
        'Correct the units of {{code}} on {{date}} to at most {{mue}} (check which levels or sides were done): {{units}} units{{side}} exceed the practitioner MUE (adjudication indicator {{mai}}: per date of service)',
    },
  },
  check(encounter, context) {
    // Each code once, in the order of its first counted line (minute-based lines do not count).
    const lines = encounter.lines;
    for (let index = 0; index < lines.length; index++) {
      const first = lines[index]!;
      if (!countsUnits(first) || !firstOfItsCode(lines, index)) continue;
      const code = first.procedure;
      const mue = context.reference.mue(code, encounter.serviceDate);
      if (mue === undefined) continue;
      if (mue.adjudication === 1) reportLinesOverMue(encounter, context, code, mue.value);
      else reportDateOverMue(encounter, context, code, mue);
    }
  },
});

type Context = RuleContext<Record<string, unknown>, 'lineOverMue' | 'dateOverMue'>;

/** Adjudication indicator 1: each counted line of the code on its own. */
function reportLinesOverMue(encounter: Encounter, context: Context, code: string, mue: number): void {
  for (const line of encounter.lines) {
    if (!countsUnits(line) || line.procedure !== code || line.units <= mue) continue;
    context.report({
      messageId: 'lineOverMue',
      line,
      data: { units: line.units, code, mue },
      actual: `${line.units} units`,
      expected: [`at most ${mue}`],
    });
  }
}

const ALL: readonly (Side | 'all')[] = ['all'];

/**
 * Date-of-service edits (indicators 2 and 3) count every line of the code. A payer that bills bilateral services
 * as RT + LT lines (policy `bilateral: rt-lt`) counts them per side: 50 and unknown lines count toward both.
 * Reports the first line that takes a count past the MUE.
 */
function reportDateOverMue(encounter: Encounter, context: Context, code: string, mue: { value: number; adjudication: number }): void {
  const perSide = context.policy.bilateralStyle === 'rt-lt';
  const running: Record<Side | 'all', number> = { left: 0, right: 0, all: 0 };
  for (const line of encounter.lines) {
    if (!countsUnits(line) || line.procedure !== code) continue;
    const keys = perSide ? countedSides(line) : ALL;
    // The keys this line takes past the MUE, in order; the highest count among them.
    let overCount = 0;
    let firstOver: Side | 'all' | undefined;
    let units = -Infinity;
    for (const key of keys) {
      const count = (running[key] += line.units);
      if (count <= mue.value) continue;
      if (overCount === 0) firstOver = key;
      overCount++;
      if (count > units) units = count;
    }
    if (overCount === 0) continue;
    const side = perSide ? (overCount === 2 ? ' on both sides' : firstOver === 'left' || firstOver === 'right' ? ` on the ${firstOver}` : ' on an unknown side') : '';
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
