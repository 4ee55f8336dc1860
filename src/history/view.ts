/**
 * The read-only history view the rules receive (`context.history`). The engine never lets a rule touch the
 * database: the store (history/store.ts) answers these queries, and tests use an in-memory database.
 *
 * The history issue owns this interface and may extend it; the engine runs with `emptyHistory` until then.
 */
import type { Claim, IsoDate, Region, Role, Side } from '../encounter/model.js';

/** How a patient is identified across files: payer member id, or normalized name + date of birth. */
export interface PatientKey {
  memberId?: string;
  lastName?: string;
  firstName?: string;
  dateOfBirth?: IsoDate;
  /**
   * The patient is a dependent (a 2000C patient other than the subscriber). A dependent's member id is the
   * subscriber's (model.ts), so the store keys dependents on member id + date of birth, not member id alone.
   */
  dependent?: boolean;
}

export type HistoryFamily = 'esi' | 'facet' | 'rfa' | 'em' | 'other';

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
}

export interface HistoryView {
  /** True when a history index is configured (rules may say "history may be incomplete" otherwise). */
  readonly available: boolean;
  /** Prior sessions of a family in a region, with dates in [from, to], superseded/voided claims excluded, excluding claim `excludeClaimId`. */
  sessions(patient: PatientKey, family: HistoryFamily, region: Region, from: IsoDate, to: IsoDate, excludeClaimId?: string): readonly PriorSession[];
  /** Lines of other claims for this patient on a date (duplicates, session/split). */
  linesOn(patient: PatientKey, serviceDate: IsoDate, excludeClaimId?: string): PriorLine[];
  /**
   * Lines of other claims for this patient in [from, to] (global periods). With `family` (optional), a view may leave
   * out the lines of other families (one that does not is still right: callers that pass it look at that family only).
   */
  linesBetween(patient: PatientKey, from: IsoDate, to: IsoDate, excludeClaimId?: string, family?: HistoryFamily): PriorLine[];
}

export const emptyHistory: HistoryView = {
  available: false,
  sessions: () => [],
  linesOn: () => [],
  linesBetween: () => [],
};

/**
 * Keys of the last few claims asked about (the history rules ask many times per claim, then the store's add() of the
 * same claim): a few slots instead of a WeakMap entry per claim (its set, and the collector's visits, cost more than
 * building a key again for a claim asked about long after). Claims are not mutated.
 */
const RECENT_CLAIMS = 8;
const recentClaims: (Claim | undefined)[] = new Array<Claim | undefined>(RECENT_CLAIMS).fill(undefined);
const recentKeys: (PatientKey | undefined)[] = new Array<PatientKey | undefined>(RECENT_CLAIMS).fill(undefined);
let recentNext = 0;

/** The last claim asked about and its key (the same claim is asked about many times in a row). */
let lastClaim: Claim | undefined;
let lastKey: PatientKey | undefined;

/** The patient key of a claim: its patient, flagged as a dependent when the patient is not the subscriber. */
export function patientKeyOf(claim: Claim): PatientKey {
  if (claim === lastClaim && lastKey !== undefined) return lastKey;
  let key: PatientKey | undefined;
  for (let slot = 0; slot < RECENT_CLAIMS; slot++) {
    if (recentClaims[slot] === claim) {
      key = recentKeys[slot];
      break;
    }
  }
  if (key === undefined) {
    key = Object.freeze(buildPatientKey(claim));
    recentClaims[recentNext] = claim;
    recentKeys[recentNext] = key;
    recentNext = (recentNext + 1) % RECENT_CLAIMS;
  }
  lastClaim = claim;
  lastKey = key;
  return key;
}

function buildPatientKey(claim: Claim): PatientKey {
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

/** Equal once trimmed and upper-cased (missing counts as ''); equal strings need neither. */
function sameField(a: string | undefined, b: string | undefined): boolean {
  return a === b || (a ?? '').trim().toUpperCase() === (b ?? '').trim().toUpperCase();
}
