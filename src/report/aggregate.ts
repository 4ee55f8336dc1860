/**
 * Counters the reports need (totals, findings and money per rule, per rendering provider and per payer, charges
 * at risk), kept per file and merged in input order, so memory stays bounded and the result does not depend on
 * which file finished first. The held claims themselves are spilled (held.ts), not kept here.
 */
import type { FindingAction } from '../rules/types.js';
import type { ClaimOutcome, ExceptionRow, JudgedByCount, RuleCount } from './types.js';

/** Held claims of one payer (the payer id, else its name, else `unknown`). */
export interface PayerCount {
  payer: string;
  name: string | null;
  heldClaims: number;
  heldChargeCents: number;
}

export interface ProviderCount {
  npi: string;
  findings: number;
  held: number;
  flagged: number;
  corrected: number;
  noted: number;
  heldClaims: number;
  heldChargeCents: number;
}

export class ReportAggregate {
  claims = 0;
  ready = 0;
  held = 0;
  correctedLines = 0;
  findings = 0;
  /*
   * Sums of cents pass 2^31 (~$21M) on a large run. Fields that start as small integers then change representation,
   * which gives the aggregate another hidden class mid-run and throws away the optimized per-claim loop that uses it
   * (process-file runPass, addClaim): so they are made doubles from the start (0.5 here, 0 in the constructor).
   */
  chargeCents = 0.5;
  heldChargeCents = 0.5;
  flaggedChargeCents = 0.5;
  /** Findings left open (not corrected), by severity: what `--fail-on` looks at. */
  readonly open = { error: 0, warning: 0, info: 0 };
  /** Claims with an open error, and with an open warning or error: what the `--fail-on` line counts. */
  readonly claimsOpen = { error: 0, warning: 0 };
  readonly byRule = new Map<string, RuleCount>();
  readonly byProvider = new Map<string, ProviderCount>();
  readonly byPayer = new Map<string, PayerCount>();
  /** Claims per (profile, payer class) that judged them. */
  readonly byJudge = new Map<string, JudgedByCount>();

  constructor() {
    this.chargeCents = 0;
    this.heldChargeCents = 0;
    this.flaggedChargeCents = 0;
  }

  addClaim(outcome: ClaimOutcome, rows: readonly ExceptionRow[], correctedLines: number, providerOfRow: (row: ExceptionRow) => string): void {
    this.claims += 1;
    this.correctedLines += correctedLines;
    this.findings += rows.length;
    this.chargeCents += outcome.chargeCents;
    const judge = this.judge(outcome.profile, outcome.payerClass);
    judge.claims += 1;
    judge[outcome.fate] += 1;
    const provider = outcome.renderingNpi ?? 'unknown';
    if (outcome.fate === 'held') {
      this.held += 1;
      this.heldChargeCents += outcome.chargeCents;
      const count = this.provider(provider);
      count.heldClaims += 1;
      count.heldChargeCents += outcome.chargeCents;
      const payer = this.payer(payerKeyOf(outcome), outcome.payerName);
      payer.heldClaims += 1;
      payer.heldChargeCents += outcome.chargeCents;
    } else {
      this.ready += 1;
      if (rows.length !== 0 && hasFlagged(rows)) this.flaggedChargeCents += outcome.chargeCents;
    }
    if (rows.length !== 0) this.addMoneyByRule(outcome, rows);
    const errorsBefore = this.open.error;
    const warningsBefore = this.open.warning;
    for (const row of rows) {
      if (row.action !== 'corrected') this.open[row.severity] += 1;
      const rule = this.rule(row.ruleId);
      rule.findings += 1;
      rule[row.action] += 1;
      const byProvider = this.provider(providerOfRow(row));
      byProvider.findings += 1;
      byProvider[row.action] += 1;
    }
    if (this.open.error !== errorsBefore) this.claimsOpen.error += 1;
    if (this.open.error !== errorsBefore || this.open.warning !== warningsBefore) this.claimsOpen.warning += 1;
  }

  /**
   * Charges per rule: a held claim counts once under each rule with a finding that holds it, a released claim
   * once under each rule that flags it.
   */
  private addMoneyByRule(outcome: ClaimOutcome, rows: readonly ExceptionRow[]): void {
    const wanted: FindingAction = outcome.fate === 'held' ? 'held' : 'flagged';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.action !== wanted) continue;
      let seen = false;
      for (let j = 0; j < i && !seen; j++) seen = rows[j]!.action === wanted && rows[j]!.ruleId === row.ruleId;
      if (seen) continue;
      const rule = this.rule(row.ruleId);
      if (wanted === 'held') {
        rule.heldClaims += 1;
        rule.heldChargeCents += outcome.chargeCents;
      } else {
        rule.flaggedClaims += 1;
        rule.flaggedChargeCents += outcome.chargeCents;
      }
    }
  }

  /** Adds the counts of a later file. */
  merge(other: ReportAggregate): void {
    this.claims += other.claims;
    this.ready += other.ready;
    this.held += other.held;
    this.correctedLines += other.correctedLines;
    this.findings += other.findings;
    this.chargeCents += other.chargeCents;
    this.heldChargeCents += other.heldChargeCents;
    this.flaggedChargeCents += other.flaggedChargeCents;
    this.open.error += other.open.error;
    this.open.warning += other.open.warning;
    this.open.info += other.open.info;
    this.claimsOpen.error += other.claimsOpen.error;
    this.claimsOpen.warning += other.claimsOpen.warning;
    for (const [id, count] of other.byRule) {
      const mine = this.rule(id);
      mine.findings += count.findings;
      for (const action of ['corrected', 'held', 'flagged', 'noted'] as const satisfies FindingAction[]) mine[action] += count[action];
      mine.heldClaims += count.heldClaims;
      mine.heldChargeCents += count.heldChargeCents;
      mine.flaggedClaims += count.flaggedClaims;
      mine.flaggedChargeCents += count.flaggedChargeCents;
    }
    for (const [npi, count] of other.byProvider) {
      const mine = this.provider(npi);
      mine.findings += count.findings;
      mine.held += count.held;
      mine.flagged += count.flagged;
      mine.corrected += count.corrected;
      mine.noted += count.noted;
      mine.heldClaims += count.heldClaims;
      mine.heldChargeCents += count.heldChargeCents;
    }
    for (const [key, count] of other.byPayer) {
      const mine = this.payer(key, count.name);
      mine.heldClaims += count.heldClaims;
      mine.heldChargeCents += count.heldChargeCents;
    }
    for (const count of other.byJudge.values()) {
      const mine = this.judge(count.profile, count.payerClass);
      mine.claims += count.claims;
      mine.ready += count.ready;
      mine.held += count.held;
    }
  }

  /** Rules, most findings first (ties by id). */
  rules(): RuleCount[] {
    return [...this.byRule.values()].sort((a, b) => b.findings - a.findings || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }

  /** Claims per profile and payer class: by profile, then class (null last). */
  judgedBy(): JudgedByCount[] {
    const text = (value: string | null) => value ?? '\uffff';
    return [...this.byJudge.values()].sort(
      (a, b) => (text(a.profile) < text(b.profile) ? -1 : text(a.profile) > text(b.profile) ? 1 : 0) || (text(a.payerClass) < text(b.payerClass) ? -1 : text(a.payerClass) > text(b.payerClass) ? 1 : 0),
    );
  }

  private judge(profile: string | null, payerClass: string | null): JudgedByCount {
    const key = `${profile ?? ''}\u0000${payerClass ?? ''}`;
    let count = this.byJudge.get(key);
    if (count === undefined) {
      count = { profile, payerClass, claims: 0, ready: 0, held: 0 };
      this.byJudge.set(key, count);
    }
    return count;
  }

  /** Rendering providers, most findings first (ties by NPI). */
  providers(): ProviderCount[] {
    return [...this.byProvider.values()].sort((a, b) => b.findings - a.findings || (a.npi < b.npi ? -1 : a.npi > b.npi ? 1 : 0));
  }

  /** Payers of held claims, most held charges first (ties by key). */
  payers(): PayerCount[] {
    return [...this.byPayer.values()].sort((a, b) => b.heldChargeCents - a.heldChargeCents || (a.payer < b.payer ? -1 : a.payer > b.payer ? 1 : 0));
  }

  private rule(ruleId: string): RuleCount {
    let count = this.byRule.get(ruleId);
    if (!count) {
      count = { ruleId, findings: 0, corrected: 0, held: 0, flagged: 0, noted: 0, heldClaims: 0, heldChargeCents: 0, flaggedClaims: 0, flaggedChargeCents: 0 };
      this.byRule.set(ruleId, count);
    }
    return count;
  }

  private payer(key: string, name: string | null): PayerCount {
    let count = this.byPayer.get(key);
    if (!count) {
      count = { payer: key, name, heldClaims: 0, heldChargeCents: 0 };
      this.byPayer.set(key, count);
    }
    return count;
  }

  private provider(npi: string): ProviderCount {
    let count = this.byProvider.get(npi);
    if (!count) {
      count = { npi, findings: 0, held: 0, flagged: 0, corrected: 0, noted: 0, heldClaims: 0, heldChargeCents: 0 };
      this.byProvider.set(npi, count);
    }
    return count;
  }
}

/** The key a claim's payer is counted under: its payer id, else its name, else `unknown`. */
export function payerKeyOf(claim: { payerId: string | null; payerName: string | null }): string {
  return claim.payerId ?? claim.payerName ?? 'unknown';
}

/** Whether a row of the claim is flagged (a loop: called for every released claim, most with no row). */
function hasFlagged(rows: readonly ExceptionRow[]): boolean {
  for (let i = 0; i < rows.length; i++) if (rows[i]!.action === 'flagged') return true;
  return false;
}
