/**
 * The normalized claim model shared by every stage: readers (x12/, csv/) build it, the validation core
 * (rules/) reads it, fixes produce a new copy of it, writers (x12/, csv/) serialize it back.
 *
 * Conventions: money is integer cents (never floating point); dates are ISO `YYYY-MM-DD` strings;
 * codes are kept as they appear in the input (diagnoses without a decimal point, as HI carries them).
 */

/** Integer cents. */
export type Cents = number;
/** `YYYY-MM-DD`. */
export type IsoDate = string;

export type InputFormat = 'x12' | 'csv';

/** Where something came from, so every finding can point back to the source. */
export interface SourceLocation {
  /** The input file as the user named it (or `-` for standard input). */
  file: string;
  /** X12: 1-based ordinal of the segment in the file (ISA is 1). */
  segment?: number;
  /** X12: the segment's tag, for messages ("SV1 at segment 42"). */
  tag?: string;
  /** Byte offset of the segment or row in the file. */
  byteOffset?: number;
  /** CSV: 1-based physical line number of the row (the header is line 1). */
  csvLine?: number;
}

export interface Person {
  /** Payer member id (NM1*IL MI). A dependent patient (2000C) has none of its own: readers copy the subscriber's. */
  memberId?: string;
  lastName?: string;
  firstName?: string;
  dateOfBirth?: IsoDate;
  sex?: string;
}

export type DiagnosisQualifier = 'ABK' | 'ABF' | 'BK' | 'BF' | (string & {});

export interface Diagnosis {
  /** As carried by HI / dx_codes: no decimal point expected (a rule reports one). */
  code: string;
  qualifier: DiagnosisQualifier;
  /** BK/BF: ICD-9; kept and passed through, never validated as ICD-10. */
  icd9: boolean;
}

/** 2410 LIN/CTP (or CSV ndc, ndc_qty, ndc_unit, dose_mg). */
export interface DrugDetail {
  /** LIN03 as given (may be hyphenated or of the wrong length: a rule reports it). */
  ndc?: string;
  /** LIN02, normally `N4`. */
  ndcQualifier?: string;
  /** CTP04. */
  quantity?: number;
  /** CTP05-1: F2, GR, ME (milligram), ML, UN. */
  unit?: string;
  /** Dose in mg when known (CTP unit ME, or the CSV dose_mg column). */
  doseMg?: number;
}

export type ProcedureFamily =
  | 'esi-interlaminar'
  | 'esi-transforaminal'
  | 'facet'
  | 'rfa'
  | 'imaging'
  | 'contrast'
  | 'drug'
  | 'local-anesthetic'
  | 'sedation'
  | 'anesthesia'
  | 'em'
  | 'ultrasound-guided'
  | 'other';

/** C/T = cervical/thoracic, L/S = lumbar/sacral. */
export type Region = 'cervical-thoracic' | 'lumbar-sacral' | 'none';
export type Role = 'primary' | 'addon' | 'none';
export type Side = 'left' | 'right';

/** Facts derived from a line's code and modifiers by encounter/normalize.ts (never set by readers). */
export interface LineFacts {
  family: ProcedureFamily;
  region: Region;
  role: Role;
  /** 50 → [left, right]; RT → [right]; LT → [left]; none of these → [] (unknown). */
  sides: Side[];
  /** True when none of 50/RT/LT is present. */
  sideUnknown: boolean;
  /** Units of the line, counted as levels for spine families (0 for others). */
  levels: number;
  /** True for image-guided spine codes (imaging included in the procedure). */
  includesImaging: boolean;
}

export interface ServiceLine {
  /**
   * Stable identity of the line through fixes: readers set the 1-based position as read ("1", "2" …);
   * a line added by a fix gets "<key of the line it came from>+<n>" ("3+1"). Fixes target lines by key,
   * and writers use it to find the line's original segments or row.
   */
  key: string;
  /** LX01 / CSV line_no: 1-based position in the claim, renumbered after fixes. */
  lineNumber: number;
  /** SV101-1 qualifier, normally `HC`. */
  procedureQualifier: string;
  /** SV101-2. */
  procedure: string;
  /** SV101-3..6, in order, at most 4. */
  modifiers: string[];
  /** SV101-7 description, when present. */
  description?: string;
  chargeCents: Cents;
  /** SV103: `UN` units, `MJ` minutes (anesthesia). */
  unitBasis: string;
  units: number;
  /** SV105, only when it differs from the claim's. */
  placeOfService?: string;
  /** SV107: 1-based positions into the claim's diagnoses. */
  pointers: number[];
  /** DTP*472 (D8, or the start of RD8). */
  serviceDate: IsoDate;
  /** RD8 end date, when a range was given. */
  serviceDateEnd?: IsoDate;
  drug?: DrugDetail;
  /** 2420A rendering provider NPI; falls back to the claim's (2310B) when absent. */
  renderingNpi?: string;
  source: SourceLocation;
  /** Filled by normalize(); recomputed after every fix. */
  facts: LineFacts;
}

/** A problem found while reading one claim (bad amount, bad date, short SV1 …): it holds the claim. */
export interface ReadProblem {
  /** `X12_*` or `CSV_*`. */
  code: string;
  message: string;
  location: SourceLocation;
}

export interface Claim {
  /** CLM01. */
  claimId: string;
  /** CLM05-3: 1 original, 7 replacement, 8 void. */
  frequencyCode: string;
  /** REF*F8. */
  payerClaimNumber?: string;
  /** CLM05-1. */
  placeOfService: string;
  /** CLM02 as read (the rule `claim/total-mismatch` compares it with the lines). */
  totalChargeCents: Cents;
  billingNpi?: string;
  /** 2310B (claim level); lines may override it. */
  renderingNpi?: string;
  payerId?: string;
  payerName?: string;
  /**
   * SBR09 claim filing indicator of the 2000B subscriber loop (CSV `claim_filing_indicator`): MB Medicare Part B,
   * 16 Medicare Advantage, CI commercial … as read; the policy turns it into the claim's payer class.
   */
  claimFilingIndicator?: string;
  subscriber: Person;
  /** The patient: the 2000C patient when present, otherwise the subscriber. */
  patient: Person;
  diagnoses: Diagnosis[];
  lines: ServiceLine[];
  format: InputFormat;
  source: SourceLocation;
  /** Problems found while reading; each becomes a held finding. Empty for a clean read. */
  readProblems: ReadProblem[];
}

/**
 * A session: the lines of one claim with the same date of service and rendering provider (docs/rules/README.md, Terms).
 * Rules see encounters; `claim` gives them the claim-level fields (diagnoses, place of service, frequency).
 */
export interface Encounter {
  claim: Claim;
  serviceDate: IsoDate;
  renderingNpi?: string;
  /** The lines of this session, in claim order (a subset of claim.lines, same objects). */
  lines: ServiceLine[];
}

/**
 * The facts a reader puts on a line before normalization (readers know nothing of the reference tables);
 * encounter/normalize.ts replaces them, and the engine re-normalizes after every fix.
 */
export const UNNORMALIZED: LineFacts = Object.freeze({
  family: 'other',
  region: 'none',
  role: 'none',
  sides: [],
  sideUnknown: true,
  levels: 0,
  includesImaging: false,
}) as LineFacts;

/** An 837P claim holds at most 50 service lines (2400 loop repeat): both readers hold a longer claim. */
export const MAX_LINES_PER_CLAIM = 50;
/** Longest value either reader accepts in a field it reads (837P elements are at most a few hundred bytes). */
export const MAX_VALUE_CHARS = 1000;
