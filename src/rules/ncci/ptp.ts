/**
 * ncci/ptp — a column-2 code of an NCCI procedure-to-procedure edit billed with its column-1 code in one session
 * (one provider, patient and date): column 2 is denied, unless the edit's modifier indicator is 1 and the column-2
 * line carries an NCCI-associated modifier. Indicator 0: no modifier bypasses it, and removing the column-2 line is
 * safe (it cannot be paid with column 1); indicator 1 without a modifier is held (the services may be distinct).
 *
 * The edits are the imported CMS table in force on the date of service. Pairs that a rule with its own message and
 * fix judges are left to it (docs/rules/ncci/ptp.md "Pairs other rules judge").
 */
import type { Encounter, ProcedureFamily, ServiceLine } from '../../encounter/model.js';
import type { PtpEdit, ReferenceData } from '../../reference/types.js';
import { defineRule } from '../types.js';
import { distinctMatches } from '../common/distinct.js';
import { DIFFERENT_JOINT_MODIFIERS } from '../common/facet-rfa.js';
import { describeLine, hasModifier, isSpine, sessionRegions, sidesOf } from '../common/spine.js';
import { hasDistinctModifier } from '../helpers.js';

/** E/M with a spine procedure: em/same-day asks for this modifier. */
const SEPARATE_EM = '25';

/**
 * The column-2 line carries an NCCI-associated modifier that shows a service distinct from the column-1 line: one of
 * the reference list `ncci-modifiers` (59, X{EPSU}, 25, …), or an anatomic one (`anatomic-modifiers`) for another
 * site than column 1's — RT/LT on sides known on both lines that do not overlap (50 is both), any other anatomic
 * modifier that the column-1 line does not carry. Unsure is not distinct.
 */
function showsDistinctService(first: ServiceLine, second: ServiceLine, reference: ReferenceData): boolean {
  for (const modifier of second.modifiers) {
    if (reference.inList('ncci-modifiers', modifier, second.serviceDate)) return true;
    if (!reference.inList('anatomic-modifiers', modifier, second.serviceDate)) continue;
    if (modifier === 'RT' || modifier === 'LT') {
      const firstSides = sidesOf(first);
      if (firstSides.length > 0 && !sidesOf(second).some((side) => firstSides.includes(side))) return true;
    } else if (!first.modifiers.includes(modifier)) return true;
  }
  return false;
}

/** The families imaging/bundled does not count as procedures (imaging, supplies, drugs, sedation, visits). */
function notAProcedure(family: ProcedureFamily): boolean {
  return family === 'imaging' || family === 'contrast' || family === 'drug' || family === 'local-anesthetic' || family === 'sedation' || family === 'anesthesia' || family === 'em';
}

/** imaging/bundled's condition: the session has procedures and each includes imaging guidance. */
function everyProcedureIncludesImaging(lines: readonly ServiceLine[]): boolean {
  let procedures = 0;
  for (const line of lines) {
    if (notAProcedure(line.facts.family)) continue;
    if (!line.facts.includesImaging) return false;
    procedures++;
  }
  return procedures > 0;
}

/**
 * True when another rule reports this column-2 line for this pair with its own message and fix:
 * facet/with-rfa(-distinct) (a facet injection with an RFA of the same region; with XS/59 on an indicator-0 edit the
 * table wins), imaging/bundled (imaging guidance with image-guided procedures only, no 59/X{EPSU}), em/same-day (an
 * E/M without 25 in a session with a spine procedure), modifier/distinct-procedure (a column-2 line it pairs at a
 * different site).
 */
function judgedElsewhere(encounter: Encounter, reference: ReferenceData, first: ServiceLine, second: ServiceLine, edit: PtpEdit): boolean {
  if (second.facts.family === 'facet' && first.facts.family === 'rfa') {
    const regionOf = sessionRegions(encounter, reference);
    const region = regionOf(second);
    if (region !== 'none' && region === regionOf(first)) return !(edit.modifierIndicator === 0 && hasModifier(second, ...DIFFERENT_JOINT_MODIFIERS));
  }
  if (reference.inList('imaging-bundled', second.procedure, second.serviceDate)) {
    if (everyProcedureIncludesImaging(encounter.lines) && !hasDistinctModifier(second, reference)) return true;
  }
  if (reference.inList('em', second.procedure, second.serviceDate)) {
    if (!second.modifiers.includes(SEPARATE_EM) && encounter.lines.some(isSpine)) return true;
  }
  for (const match of distinctMatches(encounter, reference)) if (match.second === second) return true;
  return false;
}

export default defineRule({
  meta: {
    id: 'ncci/ptp',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    fixable: 'safe',
    hasSuggestions: true,
    docs: {
      description:
        'A column-2 code of an NCCI PTP edit billed with its column-1 code in one session: denied unless the modifier indicator is 1 and an NCCI-associated modifier shows distinct services',
      source:
        'NCCI practitioner PTP edits, the quarterly table in force on the date of service (spinescrub reference import); NCCI Policy Manual ch. I (modifier indicators 0/1/9, NCCI-associated modifiers)',
      url: 'docs/rules/ncci/ptp.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      noModifierAllowed:
        'Remove {{second}}: billed with {{first}} on {{date}}, it is column 2 of NCCI PTP edit {{column1}}/{{column2}}{{rationale}}, which allows no modifier (column 2 is denied)',
      modifierMissing:
        'Remove {{second}}, or add an NCCI-associated modifier (59, XE, XS, XP, XU, an anatomic one) to it if the services are distinct: billed with {{first}} on {{date}}, it is column 2 of NCCI PTP edit {{column1}}/{{column2}}{{rationale}}',
    },
  },
  check(encounter, context) {
    const { reference } = context;
    for (const second of encounter.lines) {
      for (const first of encounter.lines) {
        if (first === second) continue;
        const edit = reference.ptpEdit(first.procedure, second.procedure, second.serviceDate);
        // A shipped distinct-site pair is modifier/distinct-procedure's alone: the shipped tables hold no NCCI table.
        if (edit === undefined || edit.site !== undefined) continue;
        if (edit.modifierIndicator === 1 && showsDistinctService(first, second, reference)) continue;
        if (judgedElsewhere(encounter, reference, first, second, edit)) continue;
        const data = {
          second: describeLine(second),
          first: describeLine(first),
          date: second.serviceDate,
          column1: edit.column1,
          column2: edit.column2,
          rationale: edit.rationale === '' ? '' : ` (${edit.rationale})`,
        };
        const remove = { changes: [{ op: 'remove-line' as const, line: second.key }], description: `remove ${describeLine(second)} (NCCI PTP column 2)` };
        if (edit.modifierIndicator === 0) {
          context.report({ messageId: 'noModifierAllowed', line: second, data, actual: describeLine(second), expected: [`no ${edit.column2} line`], fix: remove });
        } else {
          context.report({
            messageId: 'modifierMissing',
            line: second,
            data,
            actual: describeLine(second),
            expected: [`no ${edit.column2} line`, `${[edit.column2, ...second.modifiers, 'XS'].join('-')} when documented as distinct`],
            suggestions: [{ description: remove.description, fix: remove }],
          });
        }
        break;
      }
    }
  },
});
