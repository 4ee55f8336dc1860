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
      unguided:
        'Recode {{code}} to its image-guided code (62321/62323) if imaging guided the injection, or bill it as not covered (Medicare: GA with an ABN on file, else GZ): {{code}} (interlaminar ESI without imaging guidance) is not covered, as the ESI LCDs require fluoroscopic or CT guidance',
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
