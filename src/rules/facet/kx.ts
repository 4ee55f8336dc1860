import { defineRule } from '../types.js';
import { describeLine } from '../common/spine.js';
import { addDays, causesOf, describeRegion, describeSessions, linesByRegion, onePerDate, rollingYear, sessionsIn, skipSession } from '../history/shared.js';

export interface FacetKxOptions {
  /** Diagnostic blocks expected before a facet injection is taken as therapeutic (the LCD's two MBBs). */
  diagnosticBlocks: number;
}

/**
 * KX marks diagnostic facet injections (the LCDs' medial branch blocks). A facet injection without KX while the
 * history shows fewer than 2 KX sessions in the region in the last 365 days and no RFA there is still a
 * diagnostic block; and KX on an RFA line is misplaced. Without a history index only the second check runs.
 */
export default defineRule<FacetKxOptions, 'missingKx' | 'kxOnRfa'>({
  meta: {
    id: 'facet/kx',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description:
        'A facet injection without KX while the history shows fewer than 2 diagnostic (KX) sessions in the region in 365 days and no RFA there; or KX on an RFA line.',
      source:
        'Facet LCD L38803 and billing articles (KX on all diagnostic facet injections; two diagnostic MBBs before RFA) [S5][S11]',
      url: 'docs/rules/facet/kx.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    usesHistory: true,
    schema: {
      type: 'object',
      properties: { diagnosticBlocks: { type: 'integer', minimum: 0 } },
      additionalProperties: false,
    },
    messages: {
      missingKx:
        'Add KX to {{line}} if it is a diagnostic block: {{count}}{{prior}} in the {{region}} region in the 365 days before {{date}} and no RFA there',
      kxOnRfa: 'Remove KX from {{line}}: KX marks diagnostic facet injections, not an RFA',
    },
  },
  defaultOptions: { diagnosticBlocks: 2 },
  // Precondition for the engine: KX on RFA lines; facet lines without KX.
  families: ['facet', 'rfa'],
  check(encounter, context) {
    if (skipSession(encounter)) return;
    for (const line of encounter.lines) {
      if (line.facts.family === 'rfa' && line.modifiers.includes('KX')) {
        context.report({ messageId: 'kxOnRfa', line, data: { line: describeLine(line) } });
      }
    }
    if (!context.history.available) return;
    const { from } = rollingYear(encounter.serviceDate);
    const dayBefore = addDays(encounter.serviceDate, -1);
    for (const [region, lines] of linesByRegion(encounter, context, 'facet')) {
      const withoutKx = lines.filter((line) => !line.modifiers.includes('KX'));
      if (withoutKx.length === 0) continue;
      const rfa = sessionsIn(encounter, context, 'rfa', region, from, encounter.serviceDate);
      if (rfa.length > 0) continue;
      const blocks = onePerDate(sessionsIn(encounter, context, 'facet', region, from, dayBefore).filter((session) => session.kx));
      if (blocks.length >= context.options.diagnosticBlocks) continue;
      for (const line of withoutKx) {
        context.report({
          messageId: 'missingKx',
          line,
          data: {
            line: describeLine(line),
            count: `${blocks.length} diagnostic (KX) facet session${blocks.length === 1 ? '' : 's'}`,
            region: describeRegion(region),
            date: encounter.serviceDate,
            prior: blocks.length > 0 ? ` (${describeSessions(blocks)})` : '',
          },
          expected: [`${describeLine(line)}-KX`],
          cause: causesOf(blocks, 'diagnostic facet session'),
        });
      }
    }
  },
});
