import { lineLabel } from '../helpers.js';
import { defineRule, type Change } from '../types.js';

interface Options {
  /**
   * Overrides of the guided code that replaces an unguided interlaminar code; by default the reference's
   * `guidedCode` (CPT: 62320 → 62321, 62322 → 62323).
   */
  guidedCodes: Record<string, string>;
}

/**
 * 62320/62322 mean "without imaging guidance": when the session also bills fluoroscopic or CT guidance
 * (77003/77012), imaging was used and the guided code applies — with the imaging included in it. The recode is
 * a suggestion, never applied: it bills a different, higher-paying procedure on the strength of an imaging line
 * that may itself be the error (docs/rules/imaging/unguided-with-guidance.md).
 */
export default defineRule<Options>({
  meta: {
    id: 'imaging/unguided-with-guidance',
    type: 'problem',
    scope: 'session',
    phase: 'recodes',
    docs: {
      description: 'An unguided interlaminar ESI (62320/62322) billed with fluoroscopic or CT guidance (77003/77012) is the guided code (62321/62323), imaging included.',
      source: 'CPT parenthetical for 62320–62323 (do not report 77003/77012 with 62320–62323)',
      url: 'docs/rules/imaging/unguided-with-guidance.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    hasSuggestions: true,
    schema: {
      type: 'object',
      properties: { guidedCodes: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9A-Z]{5}$' } } },
      additionalProperties: false,
    },
    messages: {
      recode: 'Recode {{code}} to {{guided}} and remove {{imaging}} if imaging guided the injection, or remove {{imaging}} if it did not: {{code}} is the code without imaging guidance',
    },
  },
  defaultOptions: { guidedCodes: {} },
  // Precondition for the engine: needs an unguided interlaminar ESI line.
  families: ['esi-interlaminar'],
  check(encounter, context) {
    const { reference, options } = context;
    const imaging = encounter.lines.filter((line) => reference.inList('imaging-fluoro-ct', line.procedure, line.serviceDate));
    if (imaging.length === 0) return;
    const guidedCodeOf = (line: (typeof encounter.lines)[number]) =>
      options.guidedCodes[line.procedure] ?? reference.procedure(line.procedure, line.serviceDate)?.guidedCode;
    const unguided = encounter.lines.filter(
      (line) => line.facts.family === 'esi-interlaminar' && !line.facts.includesImaging && guidedCodeOf(line) !== undefined,
    );
    if (unguided.length === 0) return;
    // One suggestion for the session: every unguided line recoded, every imaging line removed.
    const changes: Change[] = [];
    for (const line of unguided) {
      const guided = guidedCodeOf(line)!;
      if (reference.procedure(guided, line.serviceDate)?.includesImaging) changes.push({ op: 'set-code', line: line.key, value: guided });
    }
    const complete = changes.length === unguided.length;
    if (complete) for (const line of imaging) changes.push({ op: 'remove-line', line: line.key });
    const first = unguided[0]!;
    for (const line of unguided) {
      context.report({
        messageId: 'recode',
        data: { code: lineLabel(line), imaging: imaging.map((l) => l.procedure).join(', '), guided: guidedCodeOf(line)! },
        line,
        expected: [guidedCodeOf(line)!],
        ...(complete && line === first ? { suggestions: [{ description: 'use the guided code and remove the imaging line', fix: { changes } }] } : {}),
      });
    }
  },
});
