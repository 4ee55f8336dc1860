/**
 * coverage/liability-modifier — a line that a ⚑ coverage-limit rule flags carries no liability modifier
 * (GA: ABN on file, GZ: no ABN, GX: voluntary notice). Under `medicare` this holds the claim; the fix adds the
 * policy's `liabilityModifier` when the policy sets one (none by default: only the provider knows whether an
 * ABN was signed).
 *
 * It runs each ⚑ rule itself (with that rule's own severity and options under the policy), so it does not
 * depend on the order in which the engine runs them; a ⚑ rule that the policy turns off flags nothing.
 */
import type { Encounter, ServiceLine } from '../../encounter/model.js';
import type { ResolvedPolicy } from '../../policy/types.js';
import { defineRule, type ReportDescriptor, type RuleContext, type RuleModule, type SeveritySetting } from '../types.js';
import { describeLine } from '../common/spine.js';
import { coverageLimitRules } from './limit-rules.js';
import { familyMask, linesFamilyMask, mayApply } from '../helpers.js';

/** For messages and `expected`; the check reads the reference list `liability-modifiers`. */
const LIABILITY_MODIFIERS = ['GA', 'GZ', 'GX'] as const;
const MAX_MODIFIERS = 4;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRule = RuleModule<any, string>;

function severityOf(rule: AnyRule, policy: ResolvedPolicy): SeveritySetting {
  return policy.severities[rule.meta.id] ?? rule.meta.severity[policy.ruleDefaults];
}

interface LimitRun {
  rule: AnyRule;
  /** rule.meta.id, scope and check, read once (the engine does the same: rule objects differ in shape). */
  id: string;
  claimScope: boolean;
  check: AnyRule['check'];
  options: Record<string, unknown>;
  /** familyMask(rule.families): the same precondition the engine uses. */
  families: number;
}

/** The ⚑ rules that take part under a policy, with their options: resolved once per policy (policies are not mutated). */
const runsByPolicy = new WeakMap<ResolvedPolicy, { withHistory: LimitRun[]; withoutHistory: LimitRun[] }>();

function limitRuns(policy: ResolvedPolicy, historyAvailable: boolean): LimitRun[] {
  let runs = runsByPolicy.get(policy);
  if (runs === undefined) {
    const withHistory: LimitRun[] = [];
    for (const rule of coverageLimitRules) {
      if (severityOf(rule, policy) === 'off') continue;
      withHistory.push({
        rule,
        id: rule.meta.id,
        claimScope: rule.meta.scope === 'claim',
        check: rule.check,
        options: { ...(rule.defaultOptions ?? {}), ...(policy.ruleOptions[rule.meta.id] ?? {}) },
        families: familyMask(rule.families),
      });
    }
    // Without a history index the history rules are not part of the run (issue 4 runs with an empty history).
    runs = { withHistory, withoutHistory: withHistory.filter((run) => run.rule.meta.usesHistory !== true) };
    runsByPolicy.set(policy, runs);
  }
  return historyAvailable ? runs.withHistory : runs.withoutHistory;
}

/** The lines of this session that the ⚑ rules flag, each with the ids of the rules that flag it. */
function flaggedLines(encounter: Encounter, context: RuleContext): ReadonlyMap<ServiceLine, string[]> {
  let flagged: Map<ServiceLine, string[]> | undefined; // made for the first flag (most sessions have none)
  const flag = (descriptor: ReportDescriptor, ruleId: string) => {
    const line = descriptor.line;
    if (line === undefined || !encounter.lines.includes(line)) return;
    flagged ??= new Map();
    const ids = flagged.get(line);
    // A one-element literal for the first id (push would size the list for 17).
    if (ids === undefined) flagged.set(line, [ruleId]);
    else if (!ids.includes(ruleId)) ids.push(ruleId);
  };
  // What the ⚑ rule being run reports (made at its first report: most runs report nothing).
  let made: ReportDescriptor[] | null = null;
  // The engine keeps what the ⚑ rules report on this claim's encounters: a rule it ran on this encounter is not run
  // again (the rules are pure: the same encounter gives the same reports), and a run here spares the engine's.
  const known = context.ruleReports;
  // One context for the ⚑ rules run here; `options` follows the rule being run. Its fields are the engine
  // context's, in the same order: the rules and helpers read one shape of context, not two.
  const inner: RuleContext = {
    options: {},
    policy: context.policy,
    reference: context.reference,
    history: context.history,
    asOf: context.asOf,
    report(descriptor) {
      if (made === null) made = [descriptor];
      else made.push(descriptor);
    },
    ruleReports: known,
  };
  const sessionFamilies = linesFamilyMask(encounter.lines);
  const runs = limitRuns(context.policy, context.history.available);
  for (let i = 0; i < runs.length; i++) {
    const { rule, id, claimScope, check, options, families } = runs[i]!;
    // A claim-scope ⚑ rule sees every line of the claim; keep only what it says about this session.
    const target: Encounter = claimScope ? { ...encounter, lines: encounter.claim.lines } : encounter;
    if (!mayApply(families, target === encounter ? sessionFamilies : linesFamilyMask(target.lines))) continue;
    let reports = claimScope ? undefined : known?.find(rule, encounter);
    if (reports === undefined) {
      inner.options = options;
      made = null;
      check(target, inner);
      reports = made ?? NO_REPORTS;
      if (!claimScope) known?.remember(rule, encounter, reports);
    }
    for (let r = 0; r < reports.length; r++) flag(reports[r]!, id);
  }
  return flagged ?? NOTHING_FLAGGED;
}

const NO_REPORTS: readonly ReportDescriptor[] = Object.freeze([]);

const NOTHING_FLAGGED: ReadonlyMap<ServiceLine, string[]> = new Map();

export default defineRule({
  meta: {
    id: 'coverage/liability-modifier',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    fixable: 'safe',
    docs: {
      description:
        'A line flagged by a ⚑ coverage-limit rule without GA (ABN on file), GZ (no ABN) or GX: the liability for the non-covered service is not stated',
      source:
        'domain-rules.md §6 (coverage modifiers GA, GZ; U-high) and §8 SP-006 (suggest GA/GZ on 64492/64495); rules.md Terms (Coverage limits) and Policy values (liability modifier: none by default)',
      url: 'docs/rules/coverage/liability-modifier.md',
    },
    severity: { medicare: 'error', guide: 'off' },
    messages: {
      missingLiability:
        'Unexpected {{line}} without GA, GZ or GX while {{rules}} flags it beyond coverage, expected a liability modifier (GA with an ABN on file, GZ without)',
    },
  },
  check(encounter, context) {
    for (const [line, ruleIds] of flaggedLines(encounter, context)) {
      if (line.modifiers.some((m) => context.reference.inList('liability-modifiers', m, line.serviceDate))) continue;
      const modifier = context.policy.liabilityModifier;
      const canFix = modifier !== null && line.modifiers.length < MAX_MODIFIERS;
      context.report({
        messageId: 'missingLiability',
        line,
        data: { line: describeLine(line), rules: ruleIds.join(', ') },
        actual: describeLine(line),
        expected: LIABILITY_MODIFIERS.map((liability) => [line.procedure, ...line.modifiers, liability].join('-')),
        ...(canFix
          ? {
              fix: {
                description: `add ${modifier} to ${describeLine(line)}`,
                changes: [{ op: 'set-modifiers' as const, line: line.key, value: [...line.modifiers, modifier] }],
              },
            }
          : {}),
      });
    }
  },
});
