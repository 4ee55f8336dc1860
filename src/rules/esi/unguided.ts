import { lineLabel } from '../helpers.js';
import { defineRule } from '../types.js';

/** The harmonized ESI LCDs define the covered regions with 62321/62323 only and require imaging guidance. */
export default defineRule({
  meta: {
    id: 'esi/unguided',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    docs: {
      description: 'An interlaminar ESI without imaging guidance (62320/62322) is not covered by the Medicare ESI LCDs.',
      source:
        'ESI LCD L39240 / article A58993 and peers (regions defined with 62321/62323; fluoroscopy or CT required) [S1][S2]',
      url: 'docs/rules/esi/unguided.md',
    },
    severity: { medicare: 'warning', guide: 'off' },
    coverageLimit: true,
    messages: {
      unguided: '{{code}} (interlaminar ESI without imaging guidance) is not covered: the ESI LCDs require fluoroscopic or CT guidance (62321/62323)',
    },
  },
  // Precondition for the engine: interlaminar ESI lines only.
  families: ['esi-interlaminar'],
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (line.facts.family !== 'esi-interlaminar' || line.facts.includesImaging) continue;
      if (!context.reference.procedure(line.procedure, line.serviceDate)) continue;
      context.report({ messageId: 'unguided', data: { code: lineLabel(line) }, line });
    }
  },
});
