/**
 * The exception report's data, as exceptions.json carries it (schemas/exceptions.schema.json is the contract;
 * a test checks the two agree). The CSV, HTML and JUnit writers render the same data.
 */
import type { InputFormat, IsoDate } from '../encounter/model.js';
import type { FindingAction, Severity } from '../rules/types.js';
import type { ReferenceVersion } from '../reference/types.js';
import type { ReferenceVersionsSummary } from '../reference/imported/reference.js';
import type { ProfileName } from '../policy/profiles.js';

/** One row of exceptions.csv / one entry of exceptions.json `findings`. */
export interface ExceptionRow {
  file: string;
  claimId: string;
  memberId: string | null;
  serviceDate: IsoDate | null;
  line: number | null;
  procedure: string | null;
  /** The line's charge in cents after fixes (as read for a removed line); null for a claim-level finding. */
  chargeCents: number | null;
  /** The line's rendering NPI, else the claim's. */
  renderingNpi: string | null;
  ruleId: string;
  severity: Severity;
  action: FindingAction;
  /** The claim's fate: released to ready/ or held. */
  status: 'ready' | 'held';
  message: string;
  before: string | null;
  after: string | null;
  source: string;
  location: string | null;
  /** The claim's payer class (SBR09 code, or the policy's payer entry); null: none known. */
  payerClass: string | null;
  /** The policy profile that judged the claim; null when the rules could not check it. */
  profile: string | null;
}

/**
 * The members of a finding, in order: exceptions.json's keys and exceptions.csv's columns (DESIGN.md "Outputs of
 * spinescrub run"). The CSV names `chargeCents` `charge` and writes it in dollars (CSV_HEADERS in exceptions.ts).
 */
export const EXCEPTION_COLUMNS = [
  'file',
  'claimId',
  'memberId',
  'serviceDate',
  'line',
  'procedure',
  'chargeCents',
  'renderingNpi',
  'ruleId',
  'severity',
  'action',
  'status',
  'message',
  'before',
  'after',
  'source',
  'location',
  'payerClass',
  'profile',
] as const satisfies readonly (keyof ExceptionRow)[];

export interface FileProblemSummary {
  code: string;
  message: string;
  envelope: boolean;
  fatal: boolean;
}

export type HistoryOutcome = 'recorded' | 'already-recorded' | 'not-recorded';

export interface FileSummary {
  file: string;
  format: InputFormat | null;
  bytes: number;
  claims: number;
  ready: number;
  held: number;
  correctedLines: number;
  findings: number;
  readable: boolean;
  problems: FileProblemSummary[];
}

export interface Counts {
  files: number;
  claims: number;
  ready: number;
  held: number;
  correctedLines: number;
  findings: number;
  unreadableFiles: number;
}

export interface RuleCount {
  ruleId: string;
  findings: number;
  corrected: number;
  held: number;
  flagged: number;
  noted: number;
  /** Held claims with an open finding of the rule that holds them, and their charges. */
  heldClaims: number;
  heldChargeCents: number;
  /** Released claims with a flagged finding of the rule, and their charges. */
  flaggedClaims: number;
  flaggedChargeCents: number;
}

export interface JudgedByCount {
  profile: string | null;
  payerClass: string | null;
  claims: number;
  ready: number;
  held: number;
}

export interface RunOptionsSummary {
  fix: boolean;
  holdOn: 'error' | 'warning';
  failOn: 'error' | 'warning' | 'never';
  record: boolean;
  history: boolean;
}

export interface RunSummary {
  options: RunOptionsSummary;
  totals: Counts;
  chargesCents: { total: number; held: number; flagged: number };
  files: FileSummary[];
  unreadable: { file: string; code: string; message: string }[];
  rules: RuleCount[];
  /** Claims per profile and payer class that judged them (profile, then class; null class last). */
  judgedBy: JudgedByCount[];
  policy: { name: string; profile: ProfileName; [key: string]: unknown };
  reference: ReferenceVersion[];
  /** With a reference database: the imported versions the run used, and the dates no import covers. */
  referenceVersions?: ReferenceVersionsSummary;
}

/** The head of exceptions.json (everything but the findings, which are streamed). */
export interface ExceptionReportHead {
  tool: 'spinescrub';
  schemaVersion: 1;
  asOf: IsoDate;
  summary: RunSummary;
}

/** An open finding of a claim, as the HTML report, held-claims.csv and the JUnit file show it. */
export interface ClaimReason {
  ruleId: string;
  severity: Severity;
  action: FindingAction;
  line: number | null;
  procedure: string | null;
  message: string;
}

/** A claim's outcome: what the aggregate counts, and what a held claim's work-queue entry is made from. */
export interface ClaimOutcome {
  file: string;
  claimId: string;
  memberId: string | null;
  /** The first date of service of its lines. */
  serviceDate: IsoDate | null;
  /** The last date of service of its lines. */
  lastServiceDate: IsoDate | null;
  renderingNpi: string | null;
  payerId: string | null;
  payerName: string | null;
  chargeCents: number;
  fate: 'ready' | 'held';
  /** Who judged the claim: payer class and profile (ExceptionRow). */
  payerClass: string | null;
  profile: string | null;
  /** Open findings, in report order. */
  reasons: ClaimReason[];
  corrected: number;
}

/**
 * One held claim of the work queue: a row of held-claims.csv and an entry of exceptions.json `heldClaims`
 * (its open findings are the claim's entries of `findings`).
 */
export interface HeldClaim {
  file: string;
  claimId: string;
  memberId: string | null;
  firstServiceDate: IsoDate | null;
  lastServiceDate: IsoDate | null;
  renderingNpi: string | null;
  payerId: string | null;
  payerName: string | null;
  chargeCents: number;
  /** The rules of its open findings: those that hold it first, then the others, each once. */
  ruleIds: string[];
  /** One line: the first finding that holds it (and how many more open findings there are). */
  reason: string;
}

/** The columns of held-claims.csv, in order (`chargeCents` is written as `charge`, in dollars). */
export const HELD_CLAIM_COLUMNS = [
  'file',
  'claimId',
  'memberId',
  'firstServiceDate',
  'lastServiceDate',
  'renderingNpi',
  'payerId',
  'payerName',
  'chargeCents',
  'ruleIds',
  'reason',
] as const satisfies readonly (keyof HeldClaim)[];
