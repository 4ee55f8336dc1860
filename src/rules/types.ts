/**
 * The rule contract, in the style of ESLint rules: a rule is a pure module `{ meta, check }`; it reports findings
 * through `context.report`, and a fix is data (a list of changes), never a mutation. The engine (engine/runner.ts)
 * stamps severity from the policy, applies non-overlapping fixes (engine/fixer.ts), re-runs the rules, and records
 * before/after for every applied change and every suggestion.
 */
import type { Cents, Claim, Encounter, IsoDate, ProcedureFamily, ServiceLine, SourceLocation } from '../encounter/model.js';
import type { HistoryView } from '../encounter/history-view.js';
import type { ResolvedPolicy } from '../policy/types.js';
import type { ReferenceData } from '../reference/types.js';
import type { ClaimMemo } from './memo.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/** What happened to a finding's claim line: fixed, left open on a held claim, flagged (warning), noted (info). */
export type FindingAction = 'corrected' | 'held' | 'flagged' | 'noted';

/**
 * One change to a claim. Lines are addressed by their stable `key` (model.ts), never by position.
 * `remove-diagnosis` re-maps the pointers of every line (pointers past it shift down by one).
 */
export type Change =
  | { op: 'set-code'; line: string; value: string }
  | { op: 'set-units'; line: string; value: number }
  | { op: 'set-modifiers'; line: string; value: string[] }
  | { op: 'set-pointers'; line: string; value: number[] }
  | { op: 'set-charge'; line: string; value: Cents }
  | { op: 'set-ndc'; line: string; value: string }
  | { op: 'remove-line'; line: string }
  /** Insert a copy of line `from` right after `after`, with the given overrides; the new key is `${from}+n`. */
  | { op: 'add-line'; from: string; after: string; value: Partial<Pick<ServiceLine, 'procedure' | 'modifiers' | 'units' | 'chargeCents' | 'pointers'>> }
  /** 1-based position in claim.diagnoses. */
  | { op: 'remove-diagnosis'; index: number }
  /** Rewrite the code of the diagnosis at a 1-based position (`dx/invalid-format`: strip a decimal point). */
  | { op: 'set-diagnosis'; index: number; value: string }
  | { op: 'set-total'; value: Cents };

/** A fix: changes applied together or not at all. Two fixes overlap when they touch the same line or claim field. */
export interface Fix {
  changes: Change[];
  /** Short human description of what the fix does ("collapse RT + LT into one line with 50"). */
  description?: string;
}

/**
 * A change proposed for an analyst, never applied (ESLint's `suggest`): a finding that carries one holds its claim,
 * and the exception report shows its before/after.
 */
export interface Suggestion {
  /** Short human description of the change ("add GA to 64495-50"). */
  description: string;
  fix: Fix;
}

/** A suggestion as the finding records it: with the before/after text of its change (as for an applied fix). */
export interface SuggestedFix extends Suggestion {
  before: string;
  after: string;
}

/** Where a finding points: the claim, and the line when there is one. */
export interface FindingLocation {
  file: string;
  claimId: string;
  /** The line's number in the claim as written out (after renumbering), when the finding is about a line. */
  lineNumber?: number;
  /** The line's stable key (model.ts). */
  lineKey?: string;
  /** X12 segment or CSV row the finding was read from. */
  source?: SourceLocation;
}

/** An earlier occurrence the finding rests on (a prior claim in the history, another line). */
export interface FindingCause {
  message: string;
  file?: string;
  claimId?: string;
  serviceDate?: IsoDate;
  lineNumber?: number;
}

export interface Finding {
  ruleId: string;
  /** The policy citation the rule rests on (meta.docs.source). */
  source: string;
  severity: Severity;
  messageId: string;
  message: string;
  location: FindingLocation;
  /** The claim's date of service for this finding (the session's). */
  serviceDate?: IsoDate;
  /** The procedure code the finding is about (the line's, when there is one). */
  procedure?: string;
  actual?: string;
  expected?: string[];
  fix?: Fix;
  /** The rule's suggestions: never applied; their presence holds the claim. */
  suggestions?: SuggestedFix[];
  cause?: FindingCause[];
  url?: string;
}

/** A record of one applied fix: the engine emits one per applied fix, with `action: 'corrected'`. */
export interface AppliedFix {
  ruleId: string;
  source: string;
  severity: Severity;
  message: string;
  location: FindingLocation;
  serviceDate?: IsoDate;
  procedure?: string;
  /** Human-readable before/after of what changed ("64483-RT ×2" → "64483-RT, 64484-RT"). */
  before: string;
  after: string;
  changes: Change[];
}

/** The descriptor a rule passes to `context.report`. */
export interface ReportDescriptor<MessageIds extends string = string> {
  messageId: MessageIds;
  data?: Record<string, string | number>;
  /** The line the finding is about (omit for claim-level findings). */
  line?: ServiceLine;
  actual?: string;
  expected?: string[];
  /** Applied by the engine (rules with `meta.fixable`), when it does not overlap another fix. */
  fix?: Fix;
  /** Never applied; the finding holds its claim (rules with `meta.hasSuggestions`). */
  suggestions?: Suggestion[];
  cause?: FindingCause[];
}

export interface RuleContext<Options = Record<string, unknown>, MessageIds extends string = string> {
  /** The rule's options: the policy's options for this rule merged over meta.defaultOptions. */
  options: Options;
  policy: ResolvedPolicy;
  reference: ReferenceData;
  /** Read-only view of prior claims (empty when no history is configured). */
  history: HistoryView;
  /** The run date (`--as-of`), never the clock. */
  asOf: IsoDate;
  report(descriptor: ReportDescriptor<MessageIds>): void;
  /** Answers remembered for the claim state being checked (speed only): see memo.ts. */
  memo: ClaimMemo;
  /**
   * A post-phase rule (`meta.consumes`): the findings it consumes, reported on the claim state it checks, in rule
   * order. Undefined for the other rules.
   */
  findings?: readonly ConsumedFinding[];
}

/** A finding handed to a post-phase rule, with the meta of the rule that reported it. */
export interface ConsumedFinding {
  finding: Finding;
  meta: RuleMeta;
}

export type RuleScope = 'claim' | 'session';

export interface RuleMeta<MessageIds extends string = string> {
  /** Stable id of the catalogue, docs/rules/README.md (`esi/interlaminar-units`): never renamed. */
  id: string;
  type: 'problem' | 'suggestion';
  /** 'claim' rules run once per claim with an encounter holding every line; 'session' rules once per session. */
  scope: RuleScope;
  docs: {
    description: string;
    /** The policy citation: the public sources (CPT, CMS files, NCCI, LCD ids) behind the rule, as its doc page lists them. */
    source: string;
    url?: string;
  };
  /** Default severity per policy profile (`off` disables it there). */
  severity: { medicare: SeveritySetting; guide: SeveritySetting };
  /** 'safe': the rule reports fixes, which the engine applies. Undefined: the engine rejects a fix from the rule. */
  fixable?: 'safe';
  /** The rule reports suggestions (never applied; they hold the claim). Undefined: the engine rejects them. */
  hasSuggestions?: boolean;
  /** ⚑ coverage-limit rules (docs/rules/README.md): their findings feed `coverage/liability-modifier`. */
  coverageLimit?: boolean;
  /**
   * Makes the rule a post-phase rule: it runs after the other rules of a pass that left the claim unchanged, and
   * reads in `context.findings` what the rules with this meta flag reported in that pass.
   */
  consumes?: 'coverageLimit';
  /** Needs the history index (history/*, frequency/*, rfa/*, global/*). */
  usesHistory?: boolean;
  messages: Record<MessageIds, string>;
  /** JSON Schema of the rule's options (validated with ajv when a policy sets them). */
  schema?: object;
  /** The rule's place in the catalogue's order (earlier phases run first): see PHASE_ORDER in engine/runner.ts. */
  phase: RulePhase;
}

/** The catalogue's order: claim structure → diagnoses → recodes → removals → coverage limits → mue → history. */
export type RulePhase = 'structure' | 'diagnoses' | 'recodes' | 'removals' | 'coverage' | 'units' | 'history' | 'other';

export interface RuleModule<Options = Record<string, unknown>, MessageIds extends string = string> {
  meta: RuleMeta<MessageIds>;
  defaultOptions?: Options;
  /**
   * A precondition the engine checks for the rule (speed only, never meaning): the rule reports nothing for an
   * encounter (a session; the whole claim for claim scope) without a line of one of these families, so the engine
   * does not call check() there. Undefined: always called. Declare only what check() itself makes true.
   */
  families?: readonly ProcedureFamily[];
  check(encounter: Encounter, context: RuleContext<Options, MessageIds>): void;
}

/** Typed helper: a mistyped messageId is a compile error (typescript-eslint's createRule). */
export function defineRule<Options = Record<string, unknown>, MessageIds extends string = string>(
  rule: RuleModule<Options, MessageIds>,
): RuleModule<Options, MessageIds> {
  return rule;
}

/** What the engine returns for one claim. */
export interface ClaimResult {
  /** The claim after the applied fixes (the input claim object when nothing changed). */
  claim: Claim;
  changed: boolean;
  /** Open findings of the final state. */
  findings: Finding[];
  /** One record per applied fix. */
  applied: AppliedFix[];
  /** held when an error (or, with `--hold-on warning`, a warning) remains open, or a finding carries a suggestion. */
  fate: 'ready' | 'held';
  /** Who judged the claim (set by the pipeline from the policy): its payer class (null: none known) and profile. */
  judgedBy?: { payerClass: string | null; profile: string };
}

/** Any rule, whatever its options and message ids (the engine reads options and messages as data). */
export type AnyRule = RuleModule<unknown, string>;
