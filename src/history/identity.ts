/**
 * Patient identity across files (DESIGN.md "History index"): the payer member id, with normalized last name,
 * first name and date of birth as the fallback.
 *
 * A dependent (2000C) has no member id of its own: readers copy the subscriber's (model.ts). Keying on the
 * member id alone would merge a subscriber with their children (a child's injection would count toward the
 * parent's frequency limits, or be reported as the parent's duplicate). So a dependent is keyed on member id +
 * date of birth (+ first name when the date of birth is missing); a subscriber who is the patient on member id
 * alone (a name typo or a changed surname does not split them). Twins on one subscriber's id with the same date
 * of birth cannot be told apart by this key: they share one history.
 *
 * Names and dates of birth are stored only as hashes (the database holds member ids, never names or DOBs).
 */
import { hash } from 'node:crypto';
import type { PatientKey } from '../encounter/history-view.js';

export interface PatientIdentity {
  /** Normalized member id, or null when the claim has none. */
  memberId: string | null;
  /** '' for the subscriber as patient; a hash of DOB (or first name) for a dependent. */
  dependentKey: string;
  /** Hash of normalized last name + first name + DOB, or null when one of them is missing. */
  nameKey: string | null;
}

const PLAIN_NAME = /^[A-Z0-9]*$/;
const SUFFIX_ONLY = /^(JR|SR|II|III|IV)$/;
/** A member id already upper case without spaces or hyphens (nearly all): nothing to normalize. */
const PLAIN_MEMBER_ID = /^[A-Z0-9]+$/;

/** Upper case, accents removed, letters and digits only; generational suffixes dropped. */
export function normalizeName(name: string | undefined): string {
  if (name === undefined) return '';
  // Most names are one word of capitals already (X12 sends them so): nothing to normalize but a lone suffix.
  if (PLAIN_NAME.test(name)) return SUFFIX_ONLY.test(name) ? '' : name;
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[\s,]+/)
    .filter((word) => word !== '' && !/^(JR|SR|II|III|IV)\.?$/.test(word));
  return words.join('').replace(/[^A-Z0-9]/g, '');
}

/** Upper case, without spaces and hyphens ("abc 123-45" and "ABC12345" are one member). */
export function normalizeMemberId(memberId: string | undefined): string | null {
  if (memberId === undefined) return null;
  if (PLAIN_MEMBER_ID.test(memberId)) return memberId;
  const normalized = memberId.toUpperCase().replace(/[\s-]/g, '');
  return normalized === '' ? null : normalized;
}

function digest(text: string): string {
  return hash('sha256', text, 'hex').slice(0, 24);
}

export function identityOf(key: PatientKey): PatientIdentity {
  const memberId = normalizeMemberId(key.memberId);
  const last = normalizeName(key.lastName);
  const first = normalizeName(key.firstName);
  const dob = (key.dateOfBirth ?? '').trim();
  const nameKey = last !== '' && first !== '' && dob !== '' ? digest(`n|${last}|${first}|${dob}`) : null;
  let dependentKey = '';
  if (key.dependent === true) {
    if (dob !== '') dependentKey = digest(`d|${dob}`);
    else if (first !== '') dependentKey = digest(`f|${first}`);
    else dependentKey = 'unknown';
  }
  return { memberId, dependentKey, nameKey };
}

/** A string that names the identity's patient in a run (null: no identity at all). */
export function identityString(identity: PatientIdentity): string | null {
  if (identity.memberId !== null) return `m:${identity.memberId}|${identity.dependentKey}`;
  if (identity.nameKey !== null) return `n:${identity.nameKey}`;
  return null;
}
