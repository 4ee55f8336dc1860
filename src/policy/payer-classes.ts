/**
 * Payer classes: the claim filing indicator codes of the 837P subscriber loop (2000B SBR09, 005010X222A1), and
 * the profile each class is judged by unless a policy file maps it otherwise (docs/payer-classes.md).
 *
 * Medicare Part B is judged by the policy's base profile (`medicare` unless the policy extends another);
 * Medicare Advantage (16) by `medicare-advantage` (Medicare's coverage limits, never an ABN modifier); every other
 * class by `commercial`. ZZ (mutually defined), no indicator, or a code outside the list: the base profile.
 */

/** SBR09 codes and what they name (X12 005010X222A1, element 1032 Claim Filing Indicator Code). */
export const PAYER_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  '11': 'Other non-federal programs',
  '12': 'Preferred provider organization (PPO)',
  '13': 'Point of service (POS)',
  '14': 'Exclusive provider organization (EPO)',
  '15': 'Indemnity insurance',
  '16': 'Health maintenance organization (HMO) Medicare risk (Medicare Advantage)',
  '17': 'Dental maintenance organization',
  AM: 'Automobile medical',
  BL: 'Blue Cross/Blue Shield',
  CH: 'CHAMPUS (TRICARE)',
  CI: 'Commercial insurance',
  DS: 'Disability',
  FI: 'Federal Employees Program',
  HM: 'Health maintenance organization (HMO)',
  LM: 'Liability medical',
  MA: 'Medicare Part A',
  MB: 'Medicare Part B',
  MC: 'Medicaid',
  OF: 'Other federal program',
  TV: 'Title V',
  VA: 'Veterans Affairs plan',
  WC: "Workers' compensation health claim",
  ZZ: 'Mutually defined (unknown)',
});

/** The classes judged by the policy's base profile when the policy does not map them. */
const BASE_CLASSES: ReadonlySet<string> = new Set(['MB', 'ZZ']);

/** A known payer class code for an indicator as read (trimmed, upper case), or undefined (none, or not a code). */
export function payerClassOf(indicator: string | undefined): string | undefined {
  if (indicator === undefined) return undefined;
  const code = indicator.trim().toUpperCase();
  return Object.hasOwn(PAYER_CLASSES, code) ? code : undefined;
}

/**
 * The built-in profile of a class: `base` for MB, ZZ and an unknown class; `medicare-advantage` for 16;
 * `commercial` for every other class.
 */
export function builtInProfileOf<P extends string>(payerClass: string | undefined, base: P): P | 'medicare-advantage' | 'commercial' {
  if (payerClass === undefined || BASE_CLASSES.has(payerClass)) return base;
  if (payerClass === '16') return 'medicare-advantage';
  return 'commercial';
}
