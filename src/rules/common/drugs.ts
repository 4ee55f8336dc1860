/** Helpers for the drug rules (rules.md "Drugs", domain-rules.md §5). */
import type { ServiceLine } from '../../encounter/model.js';

/** A drug line: the HCPCS drug families (a local anesthetic is a drug too). */
export function isDrugLine(line: ServiceLine): boolean {
  return line.facts.family === 'drug' || line.facts.family === 'local-anesthetic';
}

/** HCPCS level II J-codes (drugs administered other than oral): the shape, not a code list. */
export function isJCode(code: string): boolean {
  return /^J\d{4}$/.test(code);
}
