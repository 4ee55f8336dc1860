import type { Encounter, ServiceLine } from '../../encounter/model.js';
import type { PriorLine } from '../../encounter/history-view.js';
import { defineRule, type RuleContext } from '../types.js';
import { describeLine, sidesOf } from '../common/spine.js';
import { priorLinesOn, skipSession } from '../history/shared.js';

/** Bilateral surgery indicator 1: RT + LT of one code belong on one line with 50 (docs/rules/modifier/bilateral.md). */
const BILATERAL_ELIGIBLE = 1;

function describePrior(prior: PriorLine): string {
  return `${prior.file} claim ${prior.claimId} line ${prior.lineNumber ?? '?'} (${[prior.procedure, ...prior.modifiers].join('-')})`;
}

function causeOf(prior: PriorLine) {
  const cause = { message: 'the rest of the session is billed here', file: prior.file, claimId: prior.claimId, serviceDate: prior.serviceDate };
  return prior.lineNumber === undefined ? cause : { ...cause, lineNumber: prior.lineNumber };
}

/**
 * One session (same patient, date and rendering provider) billed across several claims in a way the session
 * rules would judge differently together: an add-on here and its primary there (either way round), or RT here
 * and LT there of a bilateral-eligible code (one line with 50 together).
 */
export default defineRule({
  meta: {
    id: 'session/split',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description:
        'The same patient, date and rendering provider billed across several claims where the session rules would judge the lines differently together (add-on and primary apart; RT and LT apart).',
      source:
        'CPT add-on rules (an add-on with its primary, in one session); Medicare bilateral surgery rules (one line, 50) [S15][S16]',
      url: 'docs/rules/session/split.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    usesHistory: true,
    messages: {
      addonApart:
        'Merge {{line}} and its primary {{primary}} into one claim (void one, replace the other): {{primary}} is billed for the same patient, date and provider in {{prior}}',
      primaryApart:
        'Merge {{line}} and its add-on {{addon}} into one claim (void one, replace the other): {{addon}} is billed for the same patient, date and provider in {{prior}}',
      sidesApart:
        'Merge {{line}} and the other side into one line with 50 on one claim (void one claim, replace the other): the other side is billed for the same patient, date and provider in {{prior}}',
    },
  },
  check(encounter, context) {
    if (skipSession(encounter)) return;
    // Most sessions have no other claim of the same provider that day: answered before any closure is made.
    const priors = priorLinesOn(encounter, context);
    if (priors.length === 0) return;
    const others = sameProvider(priors, encounter.renderingNpi ?? '');
    if (others.length === 0) return;
    reportSplit(encounter, context, others);
  },
});

/** The prior lines of this rendering provider (no NPI and '' are one provider). */
function sameProvider(priors: readonly PriorLine[], provider: string): PriorLine[] {
  const others: PriorLine[] = [];
  for (const prior of priors) if ((prior.renderingNpi ?? '') === provider) others.push(prior);
  return others;
}

function reportSplit(encounter: Encounter, context: RuleContext<Record<string, unknown>, 'addonApart' | 'primaryApart' | 'sidesApart'>, others: PriorLine[]): void {
  const date = encounter.serviceDate;
  const here = new Set(encounter.lines.map((line) => line.procedure));
  const satisfied = (alternative: string[], codes: ReadonlySet<string>) => alternative.every((code) => codes.has(code));

  for (const line of encounter.lines) {
    const info = context.reference.procedure(line.procedure, date);
    // An add-on here whose primary is only in the other claim.
    if (line.facts.role === 'addon' && info?.allowedPrimaries !== undefined) {
      const alternatives = info.allowedPrimaries;
      if (!alternatives.some((alternative) => satisfied(alternative, here))) {
        const together = new Set([...here, ...others.map((prior) => prior.procedure)]);
        const match = alternatives.find((alternative) => satisfied(alternative, together));
        if (match !== undefined) {
          const cited = others.filter((prior) => match.includes(prior.procedure) && !here.has(prior.procedure));
          report(line, 'addonApart', { primary: match.join(' + ') }, cited);
        }
      }
    }
    // A primary here whose add-on is in the other claim without a primary there.
    if (line.facts.role === 'primary') {
      const cited = others.filter((prior) => {
        if (prior.role !== 'addon') return false;
        const alternatives = context.reference.procedure(prior.procedure, date)?.allowedPrimaries ?? [];
        const there = new Set(others.filter((other) => other.claimId === prior.claimId && other.file === prior.file).map((other) => other.procedure));
        if (alternatives.some((alternative) => satisfied(alternative, there))) return false;
        return alternatives.some((alternative) => alternative.includes(line.procedure) && satisfied(alternative, new Set([...there, ...here])));
      });
      if (cited.length > 0) report(line, 'primaryApart', { addon: [...new Set(cited.map((prior) => prior.procedure))].join(', ') }, cited);
    }
    // RT here, LT there (or the reverse) of a bilateral-eligible code.
    const sides = sidesOf(line);
    if (sides.length === 1 && info?.bilateralIndicator === BILATERAL_ELIGIBLE) {
      const cited = others.filter((prior) => prior.procedure === line.procedure && prior.sides.length === 1 && prior.sides[0] !== sides[0]);
      if (cited.length > 0) report(line, 'sidesApart', {}, cited);
    }
  }

  function report(line: ServiceLine, messageId: 'addonApart' | 'primaryApart' | 'sidesApart', data: Record<string, string>, cited: PriorLine[]): void {
    context.report({
      messageId,
      line,
      data: { line: describeLine(line), prior: cited.map(describePrior).join('; '), ...data },
      cause: cited.map(causeOf),
    });
  }
}

