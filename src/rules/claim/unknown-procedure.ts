import { defineRule } from '../types.js';
import { lineLabel } from '../helpers.js';

/**
 * CPT/HCPCS shape: five characters — CPT Category I (5 digits; also PLA/MAAA with a trailing U/M), Category II/III
 * (4 digits + F or T), HCPCS Level II (a letter A–V + 4 digits). A shape test, not a code list.
 */
const PROCEDURE_SHAPE = /^(?:\d{4}[0-9FMTU]|[A-V]\d{4})$/;

export default defineRule({
  meta: {
    id: 'claim/unknown-procedure',
    type: 'problem',
    scope: 'claim',
    phase: 'structure',
    docs: {
      description: 'Every procedure code must have the five-character shape of a CPT or HCPCS code.',
      source: '005010X222A1 SV101-2 (HC qualifier: CPT/HCPCS)',
      url: 'docs/rules/claim/unknown-procedure.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      shape: 'Correct procedure code "{{code}}": it does not have the 5-character CPT/HCPCS shape (99213, 0213T, J1010)',
    },
  },
  check(encounter, context) {
    for (const line of encounter.lines) {
      if (PROCEDURE_SHAPE.test(line.procedure)) continue;
      context.report({ messageId: 'shape', data: { code: line.procedure }, line, actual: lineLabel(line) });
    }
  },
});
