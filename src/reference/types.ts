/**
 * The reference data the normalizer and the rules read: code tables kept as data (src/reference/data/),
 * each entry with its effective dates and the source key it rests on (docs/rules/sources.md: S1…S32, P1–P3,
 * A–E). Rules never hard-code a code list: they ask here.
 *
 * Every lookup takes the date of service, because code sets change (ICD-10-CM each October, HCPCS and
 * NCCI quarterly).
 */
import type { IsoDate, ProcedureFamily, Region } from '../encounter/model.js';

/** Half-open validity window: effective from `from` (inclusive) until `to` (exclusive); absent = open. */
export interface Effective {
  from?: IsoDate;
  to?: IsoDate;
}

/** A source citation: a key of docs/rules/sources.md (S1…S32, P1–P3, A–E), plus a note. */
export interface SourceRef {
  key: string;
  note?: string;
}

/** MUE adjudication indicator: 1 per line, 2 per date of service (policy), 3 per date of service (clinical). */
export type MueAdjudication = 1 | 2 | 3;

export interface ProcedureInfo {
  code: string;
  family: ProcedureFamily;
  region: Region;
  role: 'primary' | 'addon' | 'none';
  /**
   * For add-ons: the primaries that allow it, as alternatives; each alternative is a set of codes that must
   * all be in the session (64492 ← [[64490, 64491]]; 64494 ← [[64493], [64490]]).
   */
  allowedPrimaries?: string[][];
  /** The add-on code that takes the next level(s) of this primary (64483 → 64484; 64493 → 64494). */
  nextLevelAddon?: string;
  /** For a code "without imaging guidance": the code to use when imaging guidance was used (62320 → 62321). */
  guidedCode?: string;
  /** MPFS bilateral surgery indicator (0, 1, 2, 3, 9). */
  bilateralIndicator?: number;
  /** Practitioner MUE. */
  mue?: MueInfo;
  /** Global days: '000', '010', '090', 'ZZZ', 'XXX'. */
  globalDays?: string;
  /** Image-guided spine codes include fluoroscopy/CT and contrast. */
  includesImaging: boolean;
  /** Units are "once per day" (64492, 64495) rather than per level. */
  oncePerDay?: boolean;
  description: string;
  effective: Effective;
  sources: SourceRef[];
}

/** How a diagnosis reads for the spine rules. */
export type DiagnosisRegion = 'cervical-thoracic' | 'lumbar-sacral' | 'ambiguous' | 'none';

/** Which procedure family a diagnosis supports (docs/rules/dx/not-supporting.md). */
export type DiagnosisSupport = 'radicular' | 'axial' | 'esi-other' | 'none';

export interface DiagnosisInfo {
  /** Without the decimal point (M5416). */
  code: string;
  /** With the decimal point, for messages (M54.16). */
  display: string;
  description: string;
  /** False for a category header on that date of service. */
  billable: boolean;
  /** For a header: its billable children on that date (for the message of `dx/header-code`). */
  children?: string[];
  region: DiagnosisRegion;
  /**
   * radicular: supports ESI, not facet/RFA (M54.1x, M50.1x, M51.1x, M47.2x).
   * axial: supports facet/RFA, not ESI (M47.81x, M47.89x, M54.5x, M51.360/M51.370 …).
   * esi-other: supports ESI only, without being radicular (stenosis M48.0x, M96.1, G89.12/G89.18, B02.2x).
   * none: known to the table but supports neither (or neutral).
   */
  support: DiagnosisSupport;
  /** Excludes1 group, for `dx/excludes1-radiculopathy` ('radiculopathy-nos' for M54.1x; 'combination' for M50.1x/M51.1x/M47.2x). */
  excludesGroup?: 'radiculopathy-nos' | 'combination';
  /** The site character says "site unspecified" (M54.10, M47.20 …): the code names no region at all. */
  siteUnspecified?: boolean;
  /**
   * Codes (without the decimal point) this one contradicts on the same claim: spondylosis with radiculopathy
   * (M47.2x) and without (M47.81x) of the same site (`dx/excludes1-radiculopathy`).
   */
  contradicts?: string[];
  effective: Effective;
  sources: SourceRef[];
}

export interface DrugInfo {
  code: string;
  description: string;
  /** The billing unit of the HCPCS long descriptor, in mg (J1010 1, J3301 10, J1885 15); undefined when not mg-based. */
  billingUnitMg?: number;
  /** J0702: 1 unit per mL (of 6 mg/mL). */
  billingUnitMl?: number;
  /** Deleted for dates of service on or after this date (J1020/J1030/J1040 → 2024-04-01). */
  deletedOn?: IsoDate;
  /** Replacement code and the units one unit of this code becomes (J1030 → J1010 × 40). */
  replacement?: { code: string; unitsPerUnit: number };
  /** Local anesthetics (J0665, J2001) are included in the procedure. */
  localAnesthetic?: boolean;
  /** J1110: almost always ketorolac miscoded. */
  miscodedAs?: string;
  /** J3304: labeled for the knee only. */
  offLabelForSpine?: boolean;
  /**
   * The containers the code's drug comes in, for the JW/JZ discarded-drug modifiers (`drug/jw-jz`):
   * `single-dose` or `multiple-dose` for every NDC of the code; `by-ndc` when both exist (the NDC's label decides).
   */
  container?: 'single-dose' | 'multiple-dose' | 'by-ndc';
  effective: Effective;
  sources: SourceRef[];
}

/** The version of every table a run used, for the exception report's summary. */
export interface ReferenceVersion {
  table: string;
  version: string;
  sources: string[];
}

export interface ReferenceData {
  procedure(code: string, serviceDate: IsoDate): ProcedureInfo | undefined;
  diagnosis(code: string, serviceDate: IsoDate): DiagnosisInfo | undefined;
  drug(code: string, serviceDate: IsoDate): DrugInfo | undefined;
  /** Named code lists (imaging 'imaging-bundled', 'contrast', 'ultrasound-guided', 'sedation', 'anesthesia-spine', 'em', …). */
  inList(list: CodeListName, code: string, serviceDate: IsoDate): boolean;
  versions(): ReferenceVersion[];
  /** The practitioner MUE of a code on a date of service (the CMS table in force on that date). */
  mue(code: string, serviceDate: IsoDate): MueInfo | undefined;
  /**
   * The NCCI PTP edit in force on a date of service for one pair (column 1, column 2), if there is one (the edit's
   * own effective and deletion dates applied). Read-only.
   */
  ptpEdit(column1: string, column2: string, serviceDate: IsoDate): PtpEdit | undefined;
  /** A diagnosis that is a category header (not billable) on the date of service, with its billable children. */
  header(code: string, serviceDate: IsoDate): DiagnosisHeader | undefined;
}

/** A practitioner MUE: the value, its adjudication indicator and where it comes from. */
export interface MueInfo {
  value: number;
  adjudication: MueAdjudication;
  source: SourceRef;
}

/** NCCI PTP modifier indicator: 0 no modifier bypasses the edit, 1 an NCCI-associated modifier may. */
export type PtpModifierIndicator = 0 | 1;

/** One NCCI procedure-to-procedure edit: column 2 is denied when billed with column 1 (one provider, patient, date). */
export interface PtpEdit {
  column1: string;
  column2: string;
  modifierIndicator: PtpModifierIndicator;
  /** The PTP edit rationale as the table words it ('' when the table has none). */
  rationale: string;
  effective: Effective;
  /**
   * Set on the shipped curated pairs only: the pair counts only at this kind of distinct site (the curated table
   * holds the distinct-site pairs of `modifier/distinct-procedure`, not the full NCCI table). Absent on imported edits.
   */
  site?: 'other-structure' | 'other-region';
  sources: SourceRef[];
}

/** A category header on a date of service: the code as written with its dot, and its billable children (dotted). */
export interface DiagnosisHeader {
  code: string;
  display: string;
  children: string[];
}

export type CodeListName =
  | 'imaging-bundled'
  | 'imaging-guidance-included'
  | 'imaging-guidance-any-site'
  | 'imaging-fluoro-ct'
  | 'contrast'
  | 'ultrasound-guided'
  | 'sedation'
  | 'anesthesia-spine'
  | 'em'
  | 'local-anesthetic'
  | 'joint-injection'
  | 'distinct-modifiers'
  | 'ncci-modifiers'
  | 'anatomic-modifiers'
  | 'liability-modifiers'
  | 'discarded-drug-modifiers'
  | 'discarded-drug-required';
