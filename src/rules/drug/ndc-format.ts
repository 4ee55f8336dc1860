/**
 * drug/ndc-format — an NDC that is not 11 digits. Fix: a hyphenated 10-digit NDC (4-4-2, 5-3-2, 5-4-1)
 * becomes the 11-digit 5-4-2 form by a leading zero in the short segment; a hyphenated 5-4-2 loses its
 * hyphens. An unhyphenated 10-digit NDC is left alone: which segment is short cannot be told.
 */
import { defineRule } from '../types.js';

/** Hyphenated NDC layouts and how each becomes 5-4-2. */
const LAYOUTS: readonly { pattern: RegExp; toEleven: (labeler: string, product: string, pack: string) => string }[] = [
  { pattern: /^(\d{4})-(\d{4})-(\d{2})$/, toEleven: (l, p, k) => `0${l}${p}${k}` },
  { pattern: /^(\d{5})-(\d{3})-(\d{2})$/, toEleven: (l, p, k) => `${l}0${p}${k}` },
  { pattern: /^(\d{5})-(\d{4})-(\d{1})$/, toEleven: (l, p, k) => `${l}${p}0${k}` },
  { pattern: /^(\d{5})-(\d{4})-(\d{2})$/, toEleven: (l, p, k) => `${l}${p}${k}` },
];

export function elevenDigitNdc(ndc: string): string | undefined {
  for (const layout of LAYOUTS) {
    const match = layout.pattern.exec(ndc);
    if (match) return layout.toEleven(match[1] ?? '', match[2] ?? '', match[3] ?? '');
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'drug/ndc-format',
    type: 'problem',
    scope: 'session',
    phase: 'removals',
    fixable: 'safe',
    docs: {
      description: 'An NDC that is not 11 digits (LIN03 carries the 5-4-2 form without hyphens)',
      source: '005010X222A1 LIN03 (11-digit NDC, 5-4-2, no hyphens) [S25]',
      url: 'docs/rules/drug/ndc-format.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      badNdc: 'Correct NDC {{ndc}} on {{code}} to 11 digits, 5-4-2 without hyphens: LIN03 carries the NDC in that form',
    },
  },
  check(encounter, context) {
    for (const line of encounter.lines) {
      const ndc = line.drug?.ndc;
      if (ndc === undefined || ndc.trim() === '' || /^\d{11}$/.test(ndc)) continue;
      const fixed = elevenDigitNdc(ndc);
      context.report({
        messageId: 'badNdc',
        line,
        data: { ndc, code: line.procedure },
        actual: ndc,
        expected: [fixed ?? '11 digits, 5-4-2'],
        ...(fixed !== undefined
          ? {
              fix: {
                description: `rewrite NDC ${ndc} as ${fixed}`,
                changes: [{ op: 'set-ndc' as const, line: line.key, value: fixed }],
              },
            }
          : {}),
      });
    }
  },
});
