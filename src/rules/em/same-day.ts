/**
 * em/same-day — an E/M visit in a session with a spine procedure, without 25: the decision to perform a
 * minor procedure (000/010 global) is included in it.
 */
import { defineRule } from '../types.js';
import { describeLine, isSpine } from '../common/spine.js';

const SEPARATE_EM = '25';

export default defineRule({
  meta: {
    id: 'em/same-day',
    type: 'problem',
    scope: 'session',
    phase: 'other',
    docs: {
      description: 'An E/M visit of any family (office, consultation, hospital, observation, ED, nursing facility, home) in a session with a spine procedure, without modifier 25',
      source:
        'NCCI Policy Manual, global surgery (E/M same day as a 000/010-global procedure: included; a separate E/M needs 25); Medicare Claims Processing Manual ch. 12 §30.6.6 (modifier 25, any E/M category); MPFS GLOB DAYS 000/010 [P1–P3]',
      url: 'docs/rules/em/same-day.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      emWithoutModifier:
        'Add 25 to {{code}} if the visit was significant and separately identifiable, or remove the E/M if not: it is in a session with {{procedure}}',
    },
  },
  // Precondition for the engine: needs a spine procedure (isSpine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa', 'ultrasound-guided'],
  check(encounter, context) {
    const procedure = encounter.lines.find(isSpine);
    if (procedure === undefined) return;
    for (const line of encounter.lines) {
      if (!context.reference.inList('em', line.procedure, line.serviceDate)) continue;
      if (line.modifiers.includes(SEPARATE_EM)) continue;
      context.report({
        messageId: 'emWithoutModifier',
        line,
        data: { code: line.procedure, procedure: describeLine(procedure) },
        actual: describeLine(line),
        expected: [`${line.procedure}-25`],
      });
    }
  },
});
