import type { Encounter, IsoDate, ServiceLine } from '../../encounter/model.js';
import { defineRule, type RuleContext } from '../types.js';
import { describeLine, hasModifier, isSpine } from '../common/spine.js';
import { addDays, daysBetween, describeSession, noHistory, priorLinesBetween, skipSession } from '../history/shared.js';
import type { PriorLine } from '../../encounter/history-view.js';

/** Unrelated E/M during a postoperative period. */
const EM_MODIFIER = '24';
/** Staged (58), return to the OR (78), unrelated procedure (79) during a postoperative period. */
const PROCEDURE_MODIFIERS = ['58', '78', '79'];
/** RFA primaries carry a 010 global (MPFS); used when the reference does not give one. */
const DEFAULT_GLOBAL_DAYS = 10;
/** The longest global period looked back over (090). */
const LONGEST_GLOBAL = 90;

interface Rfa {
  file: string;
  claimId: string;
  serviceDate: IsoDate;
  own: boolean;
  globalDays: number;
}

/**
 * Inside an RFA's global period (010 for 64633/64635): an E/M on a later day needs 24, and another spine
 * procedure (a staged contralateral RFA, an injection) needs 58, 78 or 79. The same day is em/same-day's business.
 * The global package binds the same provider group: RFAs billed by another billing provider do not count.
 */
export default defineRule({
  meta: {
    id: 'global/rfa-followup',
    type: 'problem',
    scope: 'session',
    phase: 'history',
    docs: {
      description:
        'Within the 10-day global period of an RFA: an E/M on a later day without 24, or another spine procedure without 58, 78 or 79.',
      source: 'MPFS global period 010 for 64633/64635 (follow-up E/M needs 24/25, a staged procedure 79) [S31]',
      url: 'docs/rules/global/rfa-followup.md',
    },
    severity: { medicare: 'warning', guide: 'warning' },
    usesHistory: true,
    messages: {
      emInGlobal:
        'Add 24 to {{line}} on {{date}} if the E/M is unrelated to the RFA: {{days}} days after the RFA of {{prior}} (inside its {{global}}-day global period)',
      procedureInGlobal:
        'Add 58 (staged or planned), 78 (unplanned return, related) or 79 (unrelated) to {{line}} on {{date}}, as the record shows: {{days}} days after the RFA of {{prior}} (inside its {{global}}-day global period)',
    },
  },
  // Precondition for the engine: E/M and spine lines only.
  families: ['em', 'esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa', 'ultrasound-guided'],
  check(encounter, context) {
    if (skipSession(encounter)) return;
    // Without a history, only an RFA on an earlier date of this claim can open a global period (rarely). Asked
    // before any closure of the check below is made.
    if (noHistory(context) && !hasRfaBefore(encounter.claim.lines, encounter.serviceDate)) return;
    checkGlobalPeriods(encounter, context);
  },
});

function hasRfaBefore(lines: readonly ServiceLine[], date: IsoDate): boolean {
  for (const line of lines) if (line.facts.family === 'rfa' && line.serviceDate < date) return true;
  return false;
}

type FollowupContext = RuleContext<Record<string, unknown>, 'emInGlobal' | 'procedureInGlobal'>;

/**
 * Asks about RFAs in the window before anything else; the reporting part (closures, maps) is its own function,
 * so that the usual session, with no RFA before it, allocates none of it (variables a closure captures are
 * kept in a context object made at every call of the function that holds them).
 */
function checkGlobalPeriods(encounter: Encounter, context: FollowupContext): void {
  const date = encounter.serviceDate;
  const from = addDays(date, -LONGEST_GLOBAL);
  const to = addDays(date, -1);
  // Only prior RFAs open a global period: the history may leave the other lines out.
  const priorLines = priorLinesBetween(encounter, context, from, to, 'rfa');
  // No RFA before this date, prior or on this claim: no global period to be inside of (the usual case).
  if (!hasRfaBetween(encounter.claim.lines, from, to) && !hasPriorRfa(priorLines)) return;
  reportInGlobalPeriods(encounter, context, from, to, priorLines);
}

function hasRfaBetween(lines: readonly ServiceLine[], from: IsoDate, to: IsoDate): boolean {
  for (const line of lines) if (line.facts.family === 'rfa' && line.serviceDate >= from && line.serviceDate <= to) return true;
  return false;
}

function hasPriorRfa(priorLines: readonly PriorLine[]): boolean {
  for (const prior of priorLines) if (prior.family === 'rfa') return true;
  return false;
}

function reportInGlobalPeriods(encounter: Encounter, context: FollowupContext, from: IsoDate, to: IsoDate, priorLines: readonly PriorLine[]): void {
  const date = encounter.serviceDate;
  const billing = encounter.claim.billingNpi;
  const candidates = encounter.lines.filter((line) =>
    line.facts.family === 'em' ? !hasModifier(line, EM_MODIFIER) : isSpine(line) && !hasModifier(line, ...PROCEDURE_MODIFIERS),
  );
  if (candidates.length === 0) return;
  const globalOf = (code: string, serviceDate: IsoDate): number | undefined => {
    const days = context.reference.procedure(code, serviceDate)?.globalDays;
    return days !== undefined && /^\d{3}$/.test(days) ? Number(days) : undefined;
  };

  const rfas = new Map<string, Rfa>();
  const note = (file: string, claimId: string, serviceDate: IsoDate, code: string, own: boolean) => {
    const key = `${serviceDate}\u0000${file}\u0000${claimId}`;
    const days = globalOf(code, serviceDate);
    const rfa = rfas.get(key);
    if (rfa === undefined) rfas.set(key, { file, claimId, serviceDate, own, globalDays: days ?? DEFAULT_GLOBAL_DAYS });
    else if (days !== undefined && days > rfa.globalDays) rfa.globalDays = days;
  };
  for (const prior of priorLines) {
    if (prior.family !== 'rfa') continue;
    if (billing !== undefined && prior.billingNpi !== undefined && prior.billingNpi !== '' && prior.billingNpi !== billing) continue;
    note(prior.file, prior.claimId, prior.serviceDate, prior.procedure, false);
  }
  for (const line of encounter.claim.lines) {
    if (line.facts.family === 'rfa' && line.serviceDate >= from && line.serviceDate <= to) {
      note(encounter.claim.source.file, encounter.claim.claimId, line.serviceDate, line.procedure, true);
    }
  }
  const inGlobal = [...rfas.values()]
    .filter((rfa) => rfa.globalDays > 0 && daysBetween(rfa.serviceDate, date) <= rfa.globalDays)
    .sort((a, b) => (a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : 0));
  const latest = inGlobal[inGlobal.length - 1];
  if (latest === undefined) return;
  for (const line of candidates) {
    context.report({
      messageId: line.facts.family === 'em' ? 'emInGlobal' : 'procedureInGlobal',
      line,
      data: {
        line: describeLine(line),
        date,
        days: daysBetween(latest.serviceDate, date),
        prior: describeSession(latest),
        global: latest.globalDays,
      },
      cause: inGlobal
        .filter((rfa) => !rfa.own)
        .map((rfa) => ({ message: 'RFA billed here', file: rfa.file, claimId: rfa.claimId, serviceDate: rfa.serviceDate })),
    });
  }
}

