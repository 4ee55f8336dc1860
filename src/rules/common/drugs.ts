/** Helpers for the drug rules (docs/rules/drug/). */
import type { ServiceLine } from '../../encounter/model.js';

/** A drug line: the HCPCS drug families (a local anesthetic is a drug too). */
export function isDrugLine(line: ServiceLine): boolean {
  return line.facts.family === 'drug' || line.facts.family === 'local-anesthetic';
}

/** HCPCS level II J-codes (drugs administered other than oral): the shape, not a code list. */
export function isJCode(code: string): boolean {
  // /^J\d{4}$/ by character codes: asked for every line, and a regex test allocates.
  if (code.length !== 5 || code.charCodeAt(0) !== 74 /* J */) return false;
  for (let i = 1; i < 5; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
