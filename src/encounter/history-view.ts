/**
 * The history view contract: what the rules may ask about a patient's other claims (`context.history`), and the
 * facts the core computes for it (a claim's patient key, a line's history family). A store (src/history/) answers
 * these questions; rules never see how. Pure: no I/O, no hashing, no module state.
 */
import type { Claim, IsoDate, ProcedureFamily, Region, Role, Side } from './model.js';

/** How a patient is identified across files: payer member id, or normalized name + date of birth. */
export interface PatientKey {
  memberId?: string;
  lastName?: string;
  firstName?: string;
  dateOfBirth?: IsoDate;
  /**
   * The patient is a dependent (a 2000C patient other than the subscriber). A dependent's member id is the
   * subscriber's (model.ts), so a store keys dependents on member id + date of birth, not member id alone.
   */
  dependent?: boolean;
}

export type HistoryFamily = 'esi' | 'facet' | 'rfa' | 'em' | 'other';

/**
 * The claim a question is asked for: it is never its own prior, and a replacement (7) or void (8) never sees the
 * claim it supersedes. A claim is identified by (billing NPI, claim id).
 */
export type AskingClaim = Pick<Claim, 'claimId' | 'billingNpi' | 'frequencyCode' | 'payerClaimNumber' | 'lines'>;

/** One prior session (a claim's lines of one family and region on one date), for counting and citing. */
export interface PriorSession {
  file: string;
  claimId: string;
  serviceDate: IsoDate;
  family: HistoryFamily;
  /** The session's region (a junction session, 64490 + 64494 or 64633 + 64636, is lumbar-sacral). */
  region: Region;
  codes: string[];
  sides: Side[];
  /** True when a line of the session had none of 50/RT/LT (it counts toward both sides). */
  sideUnknown?: boolean;
  /** A diagnostic facet session: KX on the injection. */
  kx: boolean;
  /** The rendering NPI of the session's lines, when known. */
  renderingNpi?: string;
  /** The claim was held (not released yet): it counts as a pending service until a correction supersedes it. */
  pending?: boolean;
}

/** One prior line (for duplicates and global-period checks). */
export interface PriorLine {
  file: string;
  claimId: string;
  serviceDate: IsoDate;
  procedure: string;
  modifiers: string[];
  sides: Side[];
  renderingNpi?: string;
  /** The line's number in its claim. */
  lineNumber?: number;
  units?: number;
  family?: HistoryFamily;
  /** The session's region (junction sessions are lumbar-sacral). */
  region?: Region;
  role?: Role;
  /** The claim's billing provider NPI. */
  billingNpi?: string;
  /** The claim was held (not released yet): a pending service. */
  pending?: boolean;
}

/**
 * Every answer leaves out the asking claim itself (same billing NPI and claim id), what it supersedes when it is a
 * replacement or void, and every replaced or voided claim. Answers are read-only and in date order.
 */
export interface HistoryView {
  /** True when a history index is configured (rules may say "history may be incomplete" otherwise). */
  readonly available: boolean;
  /** Prior sessions of a family in a region, with dates in [from, to]. */
  sessions(patient: PatientKey, family: HistoryFamily, region: Region, from: IsoDate, to: IsoDate, asking?: AskingClaim): readonly PriorSession[];
  /** Lines of other claims for this patient on a date (duplicates, session/split). */
  linesOn(patient: PatientKey, serviceDate: IsoDate, asking?: AskingClaim): PriorLine[];
  /**
   * Lines of other claims for this patient in [from, to] (global periods). With `family` (optional), a view may leave
   * out the lines of other families (one that does not is still right: callers that pass it look at that family only).
   */
  linesBetween(patient: PatientKey, from: IsoDate, to: IsoDate, asking?: AskingClaim, family?: HistoryFamily): PriorLine[];
}

export const emptyHistory: HistoryView = Object.freeze({
  available: false,
  sessions: () => [],
  linesOn: () => [],
  linesBetween: () => [],
});

/** The patient key of a claim: its patient, flagged as a dependent when the patient is not the subscriber. */
export function patientKeyOf(claim: Pick<Claim, 'patient' | 'subscriber'>): PatientKey {
  const { patient, subscriber } = claim;
  const key: PatientKey = {};
  const memberId = patient.memberId ?? subscriber.memberId;
  if (memberId !== undefined) key.memberId = memberId;
  if (patient.lastName !== undefined) key.lastName = patient.lastName;
  if (patient.firstName !== undefined) key.firstName = patient.firstName;
  if (patient.dateOfBirth !== undefined) key.dateOfBirth = patient.dateOfBirth;
  if (patient !== subscriber && !samePerson(patient, subscriber)) key.dependent = true;
  return key;
}

function samePerson(a: Claim['patient'], b: Claim['subscriber']): boolean {
  return sameField(a.lastName, b.lastName) && sameField(a.firstName, b.firstName) && sameField(a.dateOfBirth, b.dateOfBirth);
}

/** Equal once trimmed and upper-cased (missing counts as ''). */
function sameField(a: string | undefined, b: string | undefined): boolean {
  return a === b || (a ?? '').trim().toUpperCase() === (b ?? '').trim().toUpperCase();
}

/** The history family of a line's procedure family (the families the history rules count). */
export function historyFamilyOf(family: ProcedureFamily): HistoryFamily {
  switch (family) {
    case 'esi-interlaminar':
    case 'esi-transforaminal':
      return 'esi';
    case 'facet':
      return 'facet';
    case 'rfa':
      return 'rfa';
    case 'em':
      return 'em';
    default:
      return 'other';
  }
}
