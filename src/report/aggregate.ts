/**
 * Counters the reports need (totals, findings per rule and per rendering provider, charges at risk, the held
 * claims to work first), kept per file and merged in input order, so memory stays bounded and the result does
 * not depend on which file finished first.
 */
import type { FindingAction } from '../rules/types.js';
import type { ClaimOutcome, ExceptionRow, RuleCount } from './types.js';

/** How many held claims the HTML report lists (the rest are in exceptions.csv). */
export const HELD_LIST_LIMIT = 200;

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
  /** The held claims with the most charges (ties: input order), at most HELD_LIST_LIMIT. */
  heldClaims: (ClaimOutcome & { order: number })[] = [];
  private order = 0;

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
    const provider = outcome.renderingNpi ?? 'unknown';
    if (outcome.fate === 'held') {
      this.held += 1;
      this.heldChargeCents += outcome.chargeCents;
      const count = this.provider(provider);
      count.heldClaims += 1;
      count.heldChargeCents += outcome.chargeCents;
      this.heldClaims.push({ ...outcome, order: this.order });
      if (this.heldClaims.length > HELD_LIST_LIMIT * 2) this.trimHeld();
    } else {
      this.ready += 1;
      if (rows.length !== 0 && hasFlagged(rows)) this.flaggedChargeCents += outcome.chargeCents;
    }
    this.order += 1;
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

  /** Adds the counts of a later file (`other` keeps its own claim order after this one's). */
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
    const offset = this.order;
    for (const claim of other.heldClaims) this.heldClaims.push({ ...claim, order: claim.order + offset });
    this.order += other.order;
    this.trimHeld();
  }

  /** Rules, most findings first (ties by id). */
  rules(): RuleCount[] {
    return [...this.byRule.values()].sort((a, b) => b.findings - a.findings || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }

  /** Rendering providers, most findings first (ties by NPI). */
  providers(): ProviderCount[] {
    return [...this.byProvider.values()].sort((a, b) => b.findings - a.findings || (a.npi < b.npi ? -1 : a.npi > b.npi ? 1 : 0));
  }

  /** Held claims to work first: most charges first, then input order. */
  topHeld(): (ClaimOutcome & { order: number })[] {
    this.trimHeld();
    return this.heldClaims;
  }

  private trimHeld(): void {
    this.heldClaims.sort((a, b) => b.chargeCents - a.chargeCents || a.order - b.order);
    if (this.heldClaims.length > HELD_LIST_LIMIT) this.heldClaims.length = HELD_LIST_LIMIT;
  }

  private rule(ruleId: string): RuleCount {
    let count = this.byRule.get(ruleId);
    if (!count) {
      count = { ruleId, findings: 0, corrected: 0, held: 0, flagged: 0, noted: 0 };
      this.byRule.set(ruleId, count);
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

/** Whether a row of the claim is flagged (a loop: called for every released claim, most with no row). */
function hasFlagged(rows: readonly ExceptionRow[]): boolean {
  for (let i = 0; i < rows.length; i++) if (rows[i]!.action === 'flagged') return true;
  return false;
}
