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
 * Imaging guidance is an inclusive component of the image-guided spine codes (62321, 62323, 64479–64484,
 * 64490–64495, 64633–64636), docs/rules/imaging/bundled.md:
 * - 77002, 77003, 77012 in a session with one of those codes: removed whatever the modifiers (no 59/X bypass)
 *   and whatever else the session bills; only 77002 (guidance at any site) may be another procedure's — with
 *   such a procedure (a joint injection) in the session it is held unless marked distinct (59/X).
 * - 76942, 72275: removed in a session where every procedure includes imaging, unless marked distinct.
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

/** The procedures' codes that include imaging (or, with `others`, those that do not), each once, for messages. */
function procedureNames(lines: readonly ServiceLine[], others = false): string {
  return [...new Set(lines.filter((line) => !notAProcedure(line.facts.family) && line.facts.includesImaging !== others).map((line) => line.procedure))].join(', ');
}

export default defineRule({
  meta: {
    id: 'imaging/bundled',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    docs: {
      description:
        'Imaging guidance (77002, 77003, 77012 whatever the modifiers; 76942, 72275) is included in the image-guided spine codes and is not billed with them.',
      source:
        'CPT descriptors of 62321/62323/64479–64495/64633–64636 (imaging guidance and contrast inclusive); NCCI, no modifier bypass [S30][S29]',
      url: 'docs/rules/imaging/bundled.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    hasSuggestions: true,
    messages: {
      bundled: 'Remove {{code}}: imaging guidance is included in the image-guided procedure ({{procedures}})',
      bundledModifier:
        'Remove {{code}}: imaging guidance is included in the image-guided procedure ({{procedures}}), and 59 or an X modifier does not unbundle it',
      otherProcedure:
        'Remove {{code}} if it guided {{procedures}} (included there), or mark it XS if it guided {{others}} (documented): which procedure it guided cannot be told from the claim',
    },
  },
  check(encounter, context) {
    const { reference } = context;
    const lines = encounter.lines;
    let inclusive = false;
    for (const line of lines) {
      if (line.facts.includesImaging) {
        inclusive = true;
        break;
      }
    }
    if (!inclusive) return;
    const allInclusive = everyProcedureIncludesImaging(lines);
    let names: string | undefined; // for messages: only when a line is reported
    for (const line of lines) {
      const date = line.serviceDate;
      const guidance = reference.inList('imaging-guidance-included', line.procedure, date);
      if (!guidance && !reference.inList('imaging-bundled', line.procedure, date)) continue;
      const distinct = hasDistinctModifier(line, reference);
      const remove = { changes: [{ op: 'remove-line' as const, line: line.key }], description: `remove ${line.procedure}` };
      if (!guidance) {
        if (!allInclusive || distinct) continue;
        context.report({ messageId: 'bundled', data: { code: lineLabel(line), procedures: (names ??= procedureNames(lines)) }, line, fix: remove });
        continue;
      }
      if (!allInclusive && reference.inList('imaging-guidance-any-site', line.procedure, date)) {
        // Another procedure of the session (a joint injection) may own this guidance: marked distinct, it is that
        // procedure's; unmarked, an analyst decides (removing it could drop a payable service).
        if (distinct) continue;
        const others = procedureNames(lines, true);
        context.report({
          messageId: 'otherProcedure',
          data: { code: lineLabel(line), procedures: (names ??= procedureNames(lines)), others },
          line,
          actual: lineLabel(line),
          expected: ['(removed)', `${[line.procedure, ...line.modifiers, 'XS'].join('-')}`],
          suggestions: [
            { description: `remove ${line.procedure} (included in ${names})`, fix: remove },
            {
              description: `mark ${line.procedure} XS (it guided ${others})`,
              fix: { changes: [{ op: 'set-modifiers', line: line.key, value: [...line.modifiers, 'XS'] }] },
            },
          ],
        });
        continue;
      }
      context.report({
        messageId: distinct ? 'bundledModifier' : 'bundled',
        data: { code: lineLabel(line), procedures: (names ??= procedureNames(lines)) },
        line,
        fix: remove,
      });
    }
  },
});
