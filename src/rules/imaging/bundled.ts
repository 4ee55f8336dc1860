import type { ProcedureFamily, ServiceLine } from '../../encounter/model.js';
import { hasDistinctModifier, lineLabel } from '../helpers.js';
import { defineRule } from '../types.js';

/**
 * Families that are not procedures of their own for this rule: imaging, supplies, drugs, sedation, visits.
 * A switch, not a Set: asked for every line of every session.
 */
function notAProcedure(family: ProcedureFamily): boolean {
  switch (family) {
    case 'imaging':
    case 'contrast':
    case 'drug':
    case 'local-anesthetic':
    case 'sedation':
    case 'anesthesia':
    case 'em':
      return true;
    default:
      return false;
  }
}

/**
 * Imaging guidance (fluoroscopy, CT, ultrasound, epidurography) is an inclusive component of the image-guided
 * spine codes: in a session where every procedure includes imaging, the imaging line is removed (not 59/XS'd).
 */
/** The session has procedures, and every one of them includes imaging guidance (a loop: most sessions stop early). */
function everyProcedureIncludesImaging(lines: readonly ServiceLine[]): boolean {
  let procedures = 0;
  for (const line of lines) {
    if (notAProcedure(line.facts.family)) continue;
    if (!line.facts.includesImaging) return false;
    procedures++;
  }
  return procedures > 0;
}

/** The procedures' codes, each once, for messages. */
function procedureNames(lines: readonly ServiceLine[]): string {
  return [...new Set(lines.filter((line) => !notAProcedure(line.facts.family)).map((line) => line.procedure))].join(', ');
}

export default defineRule({
  meta: {
    id: 'imaging/bundled',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    docs: {
      description: 'Imaging guidance (77002, 77003, 77012, 76942, 72275) is included in the image-guided spine codes and is not billed with them.',
      source:
        'CPT descriptors of 62321/62323/64479–64495/64633–64636 (imaging guidance and contrast inclusive); NCCI [S30][S29]',
      url: 'docs/rules/imaging/bundled.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      bundled: 'Unexpected {{code}} with {{procedures}}: imaging guidance is included in the image-guided procedure',
    },
  },
  check(encounter, context) {
    const { reference } = context;
    if (!everyProcedureIncludesImaging(encounter.lines)) return;
    let names: string | undefined; // for messages: only when a line is reported
    for (const line of encounter.lines) {
      if (!reference.inList('imaging-bundled', line.procedure, line.serviceDate)) continue;
      if (hasDistinctModifier(line, reference)) continue;
      context.report({
        messageId: 'bundled',
        data: { code: lineLabel(line), procedures: (names ??= procedureNames(encounter.lines)) },
        line,
        fix: { changes: [{ op: 'remove-line', line: line.key }], description: `remove ${line.procedure}` },
      });
    }
  },
});
