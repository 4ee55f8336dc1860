/**
 * The exception report's data, as exceptions.json carries it (schemas/exceptions.schema.json is the contract;
 * a test checks the two agree). The CSV, HTML and JUnit writers render the same data.
 */
import type { InputFormat, IsoDate } from '../encounter/model.js';
import type { FindingAction, Severity } from '../rules/types.js';
import type { ReferenceVersion } from '../reference/types.js';
import type { ProfileName } from '../policy/profiles.js';

/** One row of exceptions.csv / one entry of exceptions.json `findings`. */
export interface ExceptionRow {
  file: string;
  claimId: string;
  memberId: string | null;
  serviceDate: IsoDate | null;
  line: number | null;
  procedure: string | null;
  ruleId: string;
  severity: Severity;
  action: FindingAction;
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

/** The columns of exceptions.csv, in order (README "Outputs"). */
export const EXCEPTION_COLUMNS = [
  'file',
  'claimId',
  'memberId',
  'serviceDate',
  'line',
  'procedure',
  'ruleId',
  'severity',
  'action',
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
}

/** The head of exceptions.json (everything but the findings, which are streamed). */
export interface ExceptionReportHead {
  tool: 'spinescrub';
  schemaVersion: 1;
  asOf: IsoDate;
  summary: RunSummary;
}

/** A held claim as the HTML report and the JUnit file show it. */
export interface ClaimOutcome {
  file: string;
  claimId: string;
  memberId: string | null;
  serviceDate: IsoDate | null;
  renderingNpi: string | null;
  chargeCents: number;
  fate: 'ready' | 'held';
  /** Who judged the claim: payer class and profile (ExceptionRow). */
  payerClass: string | null;
  profile: string | null;
  /** Open findings, in report order. */
  reasons: { ruleId: string; severity: Severity; action: FindingAction; line: number | null; message: string }[];
  corrected: number;
}
