/**
 * coverage/liability-modifier — a line that a ⚑ coverage-limit rule flags carries no liability modifier for an
 * LCD limit (GA: ABN on file, GZ: no ABN). GX does not count: it marks a voluntary ABN for a service Medicare
 * excludes by statute, not one denied as not reasonable and necessary. Under `medicare` this holds the claim; the fix adds the
 * policy's `liabilityModifier` when the policy sets one (none by default: only the provider knows whether an
 * ABN was signed).
 *
 * A post-phase rule (`meta.consumes: 'coverageLimit'`): the runner hands it the findings the ⚑ rules reported on
 * the claim state it checks, so a ⚑ rule that the policy turns off flags nothing. See
 * docs/rules/coverage/liability-modifier.md.
 */
import type { Encounter, ServiceLine } from '../../encounter/model.js';
import { defineRule, type RuleContext } from '../types.js';
import { describeLine } from '../common/spine.js';

/** For messages and `expected`; the check reads the reference list `liability-modifiers`. */
const LIABILITY_MODIFIERS = ['GA', 'GZ'] as const;
const MAX_MODIFIERS = 4;

/**
 * The lines of this session that the ⚑ findings flag, each with the ids of the rules that flag it, in the order
 * the findings come. Without a history index the history ⚑ rules count only this claim's own sessions, which
 * says nothing about coverage: their findings are left out.
 */
function flaggedLines(encounter: Encounter, context: RuleContext): ReadonlyMap<ServiceLine, string[]> {
  const findings = context.findings;
  if (findings === undefined || findings.length === 0) return NOTHING_FLAGGED;
  let flagged: Map<ServiceLine, string[]> | undefined;
  for (const { finding, meta } of findings) {
    if (meta.usesHistory === true && !context.history.available) continue;
    const key = finding.location.lineKey;
    const line = key === undefined ? undefined : encounter.lines.find((candidate) => candidate.key === key);
    if (line === undefined) continue;
    flagged ??= new Map();
    const ids = flagged.get(line);
    const reason = reasonOf(meta.id, finding.actual, finding.expected);
    if (ids === undefined) flagged.set(line, [reason]);
    else if (!ids.includes(reason)) ids.push(reason);
  }
  return flagged ?? NOTHING_FLAGGED;
}

const NOTHING_FLAGGED: ReadonlyMap<ServiceLine, string[]> = new Map();

/** `rfa/repeat-interval: 140 days, needs ≥ 182 days`: the ⚑ rule and what it measured against its limit. */
function reasonOf(ruleId: string, actual: string | undefined, expected: readonly string[] | undefined): string {
  if (actual === undefined || actual === '' || expected === undefined || expected.length === 0) return ruleId;
  return `${ruleId}: ${actual}, needs ${expected.join(' or ')}`;
}

export default defineRule({
  meta: {
    id: 'coverage/liability-modifier',
    type: 'problem',
    scope: 'session',
    phase: 'coverage',
    fixable: 'safe',
    consumes: 'coverageLimit',
    docs: {
      description:
        'A line flagged by a ⚑ coverage-limit rule without GA (ABN on file) or GZ (no ABN): the liability for the non-covered service is not stated (GX, for statutorily excluded services, does not apply to an LCD limit)',
      source:
        'Medicare Claims Processing Manual ch. 30 §40.3.6 (GA, GZ for services expected to be denied as not reasonable and necessary; GX for a voluntary ABN on a statutorily excluded service); CMS ABN form instructions (CMS-R-131)',
      url: 'docs/rules/coverage/liability-modifier.md',
    },
    severity: { medicare: 'error', guide: 'off' },
    messages: {
      missingLiability: 'Add GA (ABN on file) or GZ (no ABN) to {{line}}: beyond coverage ({{reasons}})',
    },
  },
  check(encounter, context) {
    for (const [line, reasons] of flaggedLines(encounter, context)) {
      if (line.modifiers.some((m) => context.reference.inList('liability-modifiers', m, line.serviceDate))) continue;
      const modifier = context.policy.liabilityModifier;
      const canFix = modifier !== null && line.modifiers.length < MAX_MODIFIERS;
      context.report({
        messageId: 'missingLiability',
        line,
        data: { line: describeLine(line), reasons: reasons.join('; ') },
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
