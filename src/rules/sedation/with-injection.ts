/**
 * sedation/with-injection ⚑ — moderate sedation or anesthesia for spine injections in a session with an ESI
 * or facet injection (not RFA): the LCDs call it not reasonable and necessary except in documented cases.
 */
import { defineRule } from '../types.js';
import { describeLine, isInjection } from '../common/spine.js';

export default defineRule({
  meta: {
    id: 'sedation/with-injection',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    coverageLimit: true,
    docs: {
      description:
        'Moderate sedation (99152, 99153, 99156, 99157) or anesthesia for spine injections (01937–01942) in a session with an ESI or facet injection (not RFA)',
      source:
        'ESI and facet LCDs (sedation not reasonable and necessary for ESI and facet injections; RFA excepted at CGS) [S3][S4][S32]; no NCCI PTP edit between 99152 and these codes [A]',
      url: 'docs/rules/sedation/with-injection.md',
    },
    severity: { medicare: 'warning', guide: 'off' },
    messages: {
      sedationWithInjection:
        'Bill {{code}} as not covered (Medicare: GA with an ABN on file, else GZ) or remove it: {{injection}} is in the same session, and the LCDs do not cover sedation or anesthesia for an ESI or facet injection',
    },
  },
  // Precondition for the engine: needs an injection (isInjection).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'ultrasound-guided'],
  check(encounter, context) {
    const injection = encounter.lines.find(isInjection);
    if (injection === undefined) return;
    for (const line of encounter.lines) {
      const isSedation =
        context.reference.inList('sedation', line.procedure, line.serviceDate) ||
        context.reference.inList('anesthesia-spine', line.procedure, line.serviceDate);
      if (!isSedation) continue;
      context.report({
        messageId: 'sedationWithInjection',
        line,
        data: { code: line.procedure, injection: describeLine(injection) },
        actual: line.procedure,
        expected: ['no sedation line'],
      });
    }
  },
});
