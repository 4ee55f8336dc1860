import type { ServiceLine } from '../../encounter/model.js';
import { lineLabel } from '../helpers.js';
import { defineRule } from '../types.js';

/**
 * An add-on code is reported only with its primary in the same session. The allowed primaries come from the
 * reference table (docs/rules/addon/without-primary.md: 64480←64479; 64484←64483; 64491←64490; 64492←64490+64491;
 * 64494←64493 or 64490 (junction); 64495←64494; 64634←64633; 64636←64635 or 64633 (junction); sedation 99153←99151,
 * 99152 or G0500; 99157←99155 or 99156).
 */
/** Every code of some alternative is on a line of the session (sessions have a few lines: scans, no set). */
function someAlternativePresent(alternatives: readonly (readonly string[])[], lines: readonly ServiceLine[]): boolean {
  // Indexed loops: the reference's lists are frozen, and for-of over a frozen array allocates an iterator.
  for (let a = 0; a < alternatives.length; a++) {
    const alternative = alternatives[a]!;
    let all = true;
    for (let c = 0; c < alternative.length; c++) {
      if (!hasCode(lines, alternative[c]!)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

function hasCode(lines: readonly ServiceLine[], code: string): boolean {
  for (let i = 0; i < lines.length; i++) if (lines[i]!.procedure === code) return true;
  return false;
}

export default defineRule({
  meta: {
    id: 'addon/without-primary',
    type: 'problem',
    scope: 'session',
    phase: 'structure',
    docs: {
      description: 'An add-on code (64480, 64484, 64491, 64492, 64494, 64495, 64634, 64636; sedation 99153, 99157) needs its primary code in the same session.',
      source: 'CPT add-on code rules; CMS NCCI add-on code file [E] (99153 ← 99151, 99152, G0500); CPT 99157 descriptor [S8][S9]',
      url: 'docs/rules/addon/without-primary.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      missing:
        'Add the primary {{primaries}} if it was done in this session, or remove add-on {{code}} if it was billed in error: an add-on is reported only with its primary in the same session',
    },
  },
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (line.facts.role !== 'addon') continue;
      const alternatives = context.reference.procedure(line.procedure, line.serviceDate)?.allowedPrimaries;
      if (!alternatives || alternatives.length === 0) continue;
      if (someAlternativePresent(alternatives, encounter.lines)) continue;
      const primaries = alternatives.map((codes) => codes.join(' + '));
      context.report({ messageId: 'missing', data: { code: lineLabel(line), primaries: primaries.join(' or ') }, line, expected: primaries });
    }
  },
});
