/**
 * The read-only history view the rules receive (`context.history`). The engine never lets a rule touch the
 * database: the store (history/store.ts) answers these queries, and tests use an in-memory database.
 *
 * The history issue owns this interface and may extend it; the engine runs with `emptyHistory` until then.
 */
import type { IsoDate, Region, Side } from '../encounter/model.js';

/** How a patient is identified across files: payer member id, or normalized name + date of birth. */
export interface PatientKey {
  memberId?: string;
  lastName?: string;
  firstName?: string;
  dateOfBirth?: IsoDate;
}

export type HistoryFamily = 'esi' | 'facet' | 'rfa' | 'em' | 'other';

/** One prior session (a claim's lines of one family and region on one date), for counting and citing. */
export interface PriorSession {
  file: string;
  claimId: string;
  serviceDate: IsoDate;
  family: HistoryFamily;
  region: Region;
  codes: string[];
  sides: Side[];
  /** A diagnostic facet session: KX on the injection. */
  kx: boolean;
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
}

export interface HistoryView {
  /** True when a history index is configured (rules may say "history may be incomplete" otherwise). */
  readonly available: boolean;
  /** Prior sessions of a family in a region, with dates in [from, to], superseded/voided claims excluded, excluding claim `excludeClaimId`. */
  sessions(patient: PatientKey, family: HistoryFamily, region: Region, from: IsoDate, to: IsoDate, excludeClaimId?: string): PriorSession[];
  /** Lines of other claims for this patient on a date (duplicates, session/split). */
  linesOn(patient: PatientKey, serviceDate: IsoDate, excludeClaimId?: string): PriorLine[];
  /** Lines of other claims for this patient in [from, to] (global periods). */
  linesBetween(patient: PatientKey, from: IsoDate, to: IsoDate, excludeClaimId?: string): PriorLine[];
}

export const emptyHistory: HistoryView = {
  available: false,
  sessions: () => [],
  linesOn: () => [],
  linesBetween: () => [],
};
