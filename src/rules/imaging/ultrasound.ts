import { lineLabel } from '../helpers.js';
import { defineRule } from '../types.js';

/** Ultrasound-guided facet (0213T–0218T) and TFESI (0228T–0231T) codes: not covered by the Medicare LCDs. */
export default defineRule({
  meta: {
    id: 'imaging/ultrasound',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    docs: {
      description: 'Ultrasound-guided facet or transforaminal injections (0213T–0218T, 0228T–0231T) are not covered: the LCDs require fluoroscopy or CT.',
      source: 'Facet LCD billing article A57826 (ultrasound guidance not covered) [S12]; Category III codes [S29]',
      url: 'docs/rules/imaging/ultrasound.md',
    },
    severity: { medicare: 'warning', guide: 'off' },
    coverageLimit: true,
    messages: {
      ultrasound: 'Bill {{code}} (ultrasound-guided) as not covered (Medicare: GA with an ABN on file, else GZ): the LCDs require fluoroscopic or CT guidance',
    },
  },
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (!context.reference.inList('ultrasound-guided', line.procedure, line.serviceDate)) continue;
      context.report({ messageId: 'ultrasound', data: { code: lineLabel(line) }, line });
    }
  },
});
