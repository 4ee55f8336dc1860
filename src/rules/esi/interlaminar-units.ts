import type { ServiceLine } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { lineLabel } from '../helpers.js';
import { defineRule, type Change } from '../types.js';

/** Interlaminar ESI is reported once per region per day, whatever the levels (MUE 1; LCD: one level). */
/** An interlaminar line the reference knows (the lines this rule counts). */
function isCounted(line: ServiceLine, reference: ReferenceData): boolean {
  return line.facts.family === 'esi-interlaminar' && reference.procedure(line.procedure, line.serviceDate) !== undefined;
}

/** Every counted line has 1 unit and a code of its own: the rule has nothing to say. */
function oneUnitEach(lines: readonly ServiceLine[], reference: ReferenceData): boolean {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!isCounted(line, reference)) continue;
    if (line.units !== 1) return false;
    for (let j = 0; j < i; j++) if (lines[j]!.procedure === line.procedure && isCounted(lines[j]!, reference)) return false;
  }
  return true;
}

export default defineRule({
  meta: {
    id: 'esi/interlaminar-units',
    type: 'problem',
    scope: 'session',
    phase: 'recodes',
    docs: {
      description: 'An interlaminar ESI (62320–62323) is one line with 1 unit per session: not several units, not several lines of the same code.',
      source:
        'CPT 62320–62323 (per region, not per level); CMS practitioner MUE 1 [A][B]; ESI LCD (1 level for ILESI) [S2]',
      url: 'docs/rules/esi/interlaminar-units.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      units: 'Bill {{code}} with 1 unit, not {{units}}: an interlaminar ESI is reported once per region per session',
      lines: 'Keep one line of {{code}} and remove the others: {{count}} lines in one session, and an interlaminar ESI is reported once per region per session',
    },
  },
  // Precondition for the engine: interlaminar ESI lines only.
  families: ['esi-interlaminar'],
  check(encounter, context) {
    // Most sessions have one interlaminar line of 1 unit: nothing to report, nothing grouped.
    if (oneUnitEach(encounter.lines, context.reference)) return;
    const byCode = new Map<string, ServiceLine[]>();
    for (const line of encounter.lines) {
      if (line.facts.family !== 'esi-interlaminar' || !context.reference.procedure(line.procedure, line.serviceDate)) continue;
      const list = byCode.get(line.procedure);
      if (list) list.push(line);
      else byCode.set(line.procedure, [line]);
    }
    for (const lines of byCode.values()) {
      const [first, ...rest] = lines as [ServiceLine, ...ServiceLine[]];
      if (first.units === 1 && rest.length === 0) continue;
      // One line, 1 unit, at the per-unit charge (the engine keeps the per-unit charge when units change).
      const changes: Change[] = [];
      if (first.units !== 1) changes.push({ op: 'set-units', line: first.key, value: 1 });
      for (const line of rest) changes.push({ op: 'remove-line', line: line.key });
      const fix = { changes, description: `one ${first.procedure} line, 1 unit` };
      if (rest.length > 0) {
        context.report({ messageId: 'lines', data: { code: first.procedure, count: lines.length }, line: first, actual: lines.map(lineLabel).join(', '), fix });
      } else {
        context.report({ messageId: 'units', data: { code: lineLabel(first), units: first.units }, line: first, actual: String(first.units), expected: ['1'], fix });
      }
    }
  },
});
