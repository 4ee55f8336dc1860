/**
 * The engine bound for a run: the policy of each claim's payer, the rules made ready once per policy, the reference
 * data, the run date and the fix setting. The run's thread uses one; so does each check worker (check-worker.ts).
 */
import type { Claim, IsoDate } from '../encounter/model.js';
import { normalizeClaim } from '../encounter/normalize.js';
import type { HistoryView } from '../encounter/history-view.js';
import type { PolicySet } from '../policy/load.js';
import type { ReferenceData } from '../reference/types.js';
import type { HoldOn } from '../report/rows.js';
import { checkClaim, prepareRules, type PreparedRules } from '../rules/engine.js';
import type { ClaimResult, RuleModule } from '../rules/types.js';

export interface Checker {
  /** The engine for one claim; `noFix`: checked, nothing of it changed (see FileContext.check). */
  check(claim: Claim, view: HistoryView, noFix?: boolean): ClaimResult;
  /** A claim normalized for the history: the engine's own normalization of the claim it just returned, when it is that one. */
  normalize(claim: Claim): Claim;
}

export function createChecker(ruleList: readonly RuleModule<unknown>[], policies: PolicySet, reference: ReferenceData, options: { asOf: IsoDate; fix: boolean; holdOn: HoldOn }): Checker {
  // The engine normalizes every claim it checks: the history gets that normalized claim instead of a second
  // normalization (remembered by the identity of the claim it returned; claims are never mutated).
  let lastChecked: Claim | null = null;
  let lastNormalized: Claim | null = null;
  // The rules made ready once per policy of the run (a payer may have a policy of its own).
  const preparedRules = new Map<ReturnType<PolicySet['policyFor']>, PreparedRules>();
  return {
    check: (claim: Claim, view: HistoryView, noFix?: boolean) => {
      const policy = policies.policyFor(claim.payerId, claim.claimFilingIndicator);
      let prepared = preparedRules.get(policy);
      if (prepared === undefined) preparedRules.set(policy, (prepared = prepareRules(ruleList, policy)));
      const checked = checkClaim(claim, {
        rules: ruleList,
        policy,
        prepared,
        reference,
        history: view,
        asOf: options.asOf,
        fix: options.fix && noFix !== true,
        holdOn: options.holdOn,
      });
      lastChecked = checked.result.claim;
      lastNormalized = checked.normalized;
      checked.result.judgedBy = { payerClass: policies.payerClassOf(claim.payerId, claim.claimFilingIndicator) ?? null, profile: policy.profile };
      return checked.result;
    },
    normalize: (claim: Claim) => (claim === lastChecked && lastNormalized ? lastNormalized : normalizeClaim(claim, reference)),
  };
}
