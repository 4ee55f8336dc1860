/**
 * Helpers shared by the rules that read the history index (history/*, session/split, frequency/*, facet/kx,
 * rfa/*, global/rfa-followup): the counting window, this claim's own sessions merged with the prior ones, side
 * overlap, and citing prior claims (Finding.cause).
 *
 * Counting (docs/rules/README.md, History): distinct dates of service in [DOS − 364, DOS], this session's date included;
 * replaced and voided claims are excluded by the history view; this claim's own sessions on other dates count
 * too (the view leaves the whole claim out, by claim id, so a replacement never counts the claim it replaces).
 */
import type { Encounter, IsoDate, Region, ServiceLine, Side } from '../../encounter/model.js';
import { sessionsOf } from '../../encounter/sessions.js';
import { historyFamilyOf } from '../../history/records.js';
import { emptyHistory, patientKeyOf, type HistoryFamily, type PatientKey, type PriorLine, type PriorSession } from '../../history/view.js';
import type { FindingCause, RuleContext } from '../types.js';

/** What the helpers read from a rule's context (any rule's: options and message ids do not matter here). */
export type HistoryContext = Pick<RuleContext, 'history' | 'reference' | 'memo'>;
import { describeRegion, junctionFamilies, sessionRegion, sidesOf } from '../common/spine.js';
import { memoTable } from '../memo.js';

const DAY_MS = 86_400_000;

/** `date` shifted by `days` (a YYYY-MM-DD date; anything else as Date would shift it). */
export function addDays(date: IsoDate, days: number): IsoDate {
  const from = civilDays(date);
  if (from === from) {
    const shifted = civilDate(from + days);
    if (shifted !== undefined) return shifted;
  }
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The YYYY-MM-DD date of a day count from 1970-01-01 (civil_from_days, H. Hinnant); undefined outside years 0–9999. */
function civilDate(days: number): IsoDate | undefined {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return undefined;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/**
 * Date.parse(`<date>T00:00:00Z`). A date of the usual shape (YYYY-MM-DD, month 01–12, day 01–31) is counted from its
 * digits: the days of the month's first day (proleptic Gregorian, like Date) plus the day − 1, which rolls a day
 * past the month's end over as Date.parse does (2026-02-30 is 2026-03-02). Anything else is parsed.
 */
function midnightMs(date: string): number {
  const days = civilDays(date);
  return days === days ? days * DAY_MS : Date.parse(`${date}T00:00:00Z`);
}

/** Days from 1970-01-01 of a YYYY-MM-DD date with month 01–12 and day 01–31; NaN for any other text. */
function civilDays(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 /* - */ || date.charCodeAt(7) !== 45) return Number.NaN;
  const year = digitsAt(date, 0, 4);
  const month = digitsAt(date, 5, 2);
  const day = digitsAt(date, 8, 2);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31) || year !== year) return Number.NaN;
  // days_from_civil (H. Hinnant) for the first of the month, years counted from March.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5);
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468 + day - 1;
}

/** The number written by `count` ASCII digits from `at`; NaN when one is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((midnightMs(to) - midnightMs(from)) / DAY_MS);
}

/** YYYY-MM-DD that Date reads as a date (a date of the usual shape is one: civilDays counts it). */
export function isIsoDate(date: string): boolean {
  const days = civilDays(date);
  return days === days || (/^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)));
}

/** The rolling year the history rules count in: [DOS − 364, DOS]. */
export function rollingYear(serviceDate: IsoDate): { readonly from: IsoDate; readonly to: IsoDate } {
  return { from: addDays(serviceDate, -364), to: serviceDate };
}

/** History rules have nothing to say about a void (8) or a session without a readable date. */
export function skipSession(encounter: Encounter): boolean {
  return encounter.claim.frequencyCode === '8' || !isIsoDate(encounter.serviceDate);
}

export function patientOf(encounter: Encounter): PatientKey {
  return patientKeyOf(encounter.claim);
}

/** The empty history (no index configured): every question about other claims has the answer "none". */
export function noHistory(context: HistoryContext): boolean {
  return context.history === emptyHistory;
}

/** The empty history's answer about prior lines (shared: read-only). */
const NO_PRIOR_LINES: readonly PriorLine[] = Object.freeze([]);

/** Lines of other claims for this patient on the session's date (an empty history answers without a patient key). */
export function priorLinesOn(encounter: Encounter, context: HistoryContext): readonly PriorLine[] {
  if (noHistory(context)) return NO_PRIOR_LINES;
  return context.history.linesOn(patientOf(encounter), encounter.serviceDate, encounter.claim.claimId);
}

/**
 * Lines of other claims for this patient in [from, to] (an empty history answers without a patient key); with
 * `family`, the history may leave out other families' lines (the caller looks at that family only).
 */
export function priorLinesBetween(encounter: Encounter, context: HistoryContext, from: IsoDate, to: IsoDate, family?: HistoryFamily): readonly PriorLine[] {
  if (noHistory(context)) return NO_PRIOR_LINES;
  return context.history.linesBetween(patientOf(encounter), from, to, encounter.claim.claimId, family);
}

/**
 * A session to count: a prior one from the history, or one of this claim (`own: true`). Prior sessions are the
 * history's own objects, shared and read-only, without `own` (copying each to add `own: false` cost more than
 * anything else the helpers do): read it as a flag (`own === true`, `!own`), never as a boolean value.
 */
export interface CountedSession extends PriorSession {
  own?: boolean;
}

/**
 * The family lines of a session per (session) region, regions in the order of their first line: junction sessions
 * are lumbar-sacral. Pairs, not a Map (a session has a region or two; a Map costs a hash table per session): read
 * with `for (const [region, lines] of …)`. Read-only, like every answer here.
 */
export type RegionLines = readonly (readonly [Region, ServiceLine[]])[];

export function linesByRegion(encounter: Encounter, context: HistoryContext, family: HistoryFamily): RegionLines {
  // Most sessions have no line of the family asked for: no junction lookup, nothing grouped.
  if (!hasFamily(encounter, family)) return NO_LINES;
  // Several history rules ask about one session: grouped once per encounter object and family (context.memo).
  const byFamily = context.memo.get(LINES_BY_REGION, encounter) ?? context.memo.set(LINES_BY_REGION, encounter, {});
  let byRegion = byFamily[family];
  if (byRegion === undefined) {
    byRegion = groupByRegion(encounter, context, family);
    byFamily[family] = byRegion;
  }
  return byRegion;
}

type FamilyLines = { [family in HistoryFamily]?: RegionLines };

const LINES_BY_REGION = memoTable<Encounter, FamilyLines>('lines by region');

function groupByRegion(encounter: Encounter, context: HistoryContext, family: HistoryFamily): RegionLines {
  const junction = junctionFamilies(encounter, context.reference);
  // Made at the first region as a one-pair literal (most sessions have one region; push would size it for 17).
  let byRegion: [Region, ServiceLine[]][] | null = null;
  for (const line of encounter.lines) {
    if (historyFamilyOf(line.facts.family) !== family) continue;
    const region = sessionRegion(line, junction);
    if (region === 'none') continue;
    if (byRegion === null) {
      byRegion = [[region, [line]]];
      continue;
    }
    const list = linesOfRegion(byRegion, region);
    if (list === undefined) byRegion.push([region, [line]]);
    else list.push(line);
  }
  return byRegion ?? NO_LINES;
}

function linesOfRegion(byRegion: RegionLines, region: Region): ServiceLine[] | undefined {
  for (let i = 0; i < byRegion.length; i++) if (byRegion[i]![0] === region) return byRegion[i]![1];
  return undefined;
}

/** Shared empty answer of linesByRegion. */
const NO_LINES: RegionLines = Object.freeze([]);

/** A line of `family` in the session. */
export function hasFamily(encounter: Encounter, family: HistoryFamily): boolean {
  for (const line of encounter.lines) if (historyFamilyOf(line.facts.family) === family) return true;
  return false;
}

/** The number of distinct dates of service on the claim: at most that many of its own sessions can be counted. */
function claimDateCount(claim: Encounter['claim']): number {
  const first = claim.lines[0]?.serviceDate;
  let other: Set<string> | undefined;
  for (const line of claim.lines) {
    if (line.serviceDate === first) continue;
    (other ??= new Set()).add(line.serviceDate);
  }
  return (first === undefined ? 0 : 1) + (other?.size ?? 0);
}

/**
 * Answers about the claim being checked: the same questions come from several rules, remembered for the claim
 * state (context.memo).
 */
interface ClaimAnswers {
  /**
   * This claim's own sessions (all dates) per family and region. Each list is made at its first answer, as a
   * one-element literal: an empty array grown by push gets room for 17.
   */
  own: Answer<CountedSession[]>[] | null;
  /** sessionsIn() per family, region and window. */
  sessions: Answer<CountedSession[]>[] | null;
  /** The history's prior sessions per family, region and window. */
  prior: Answer<readonly PriorSession[]>[] | null;
}

/**
 * One remembered answer about a claim. A claim asks a handful of questions (a family or two, a region, a window
 * or two): a short list compared field by field, not a string key built and hashed for every question.
 */
interface Answer<T> {
  family: HistoryFamily;
  region: Region;
  from: IsoDate;
  to: IsoDate;
  value: T;
}

function findAnswer<T>(answers: readonly Answer<T>[] | null, family: HistoryFamily, region: Region, from: IsoDate, to: IsoDate): T | undefined {
  if (answers === null) return undefined;
  for (let i = 0; i < answers.length; i++) {
    const answer = answers[i]!;
    if (answer.family === family && answer.region === region && answer.from === from && answer.to === to) return answer.value;
  }
  return undefined;
}

const CLAIM_ANSWERS = memoTable<Encounter['claim'], ClaimAnswers>('history answers');

function answersFor(encounter: Encounter, context: HistoryContext): ClaimAnswers {
  return context.memo.get(CLAIM_ANSWERS, encounter.claim) ?? context.memo.set(CLAIM_ANSWERS, encounter.claim, { own: null, sessions: null, prior: null });
}

/** This claim's sessions (all dates, this one included) with lines of `family` in `region`, dates in [from, to]. */
export function ownSessions(encounter: Encounter, context: HistoryContext, family: HistoryFamily, region: Region, from: IsoDate, to: IsoDate): CountedSession[] {
  const answers = answersFor(encounter, context);
  let all = findAnswer(answers.own, family, region, '', '');
  if (all === undefined) {
    all = computeOwnSessions(encounter, context, family, region);
    const answer = { family, region, from: '', to: '', value: all };
    if (answers.own === null) answers.own = [answer];
    else answers.own.push(answer);
  }
  return within(all, from, to);
}

/**
 * The sessions dated in [from, to], in their order (a claim has a session or two: a loop, no closure). A new array,
 * made at the first session kept as a one-element literal (an empty array grown by push gets room for 17).
 */
function within(sessions: readonly CountedSession[], from: IsoDate, to: IsoDate): CountedSession[] {
  let result: CountedSession[] | null = null;
  for (const session of sessions) {
    if (session.serviceDate < from || session.serviceDate > to) continue;
    if (result === null) result = [session];
    else result.push(session);
  }
  return result ?? [];
}

function computeOwnSessions(encounter: Encounter, context: HistoryContext, family: HistoryFamily, region: Region): CountedSession[] {
  const result: CountedSession[] = [];
  for (const session of sessionsOf(encounter.claim)) {
    // Grouped here, not through linesByRegion's memo: these session objects are this function's own, and would
    // only push the engine's sessions out of it.
    if (!hasFamily(session, family)) continue;
    const lines = linesOfRegion(groupByRegion(session, context, family), region);
    if (lines === undefined) continue;
    let left = false;
    let right = false;
    let sideUnknown = false;
    let kx = false;
    const codes: string[] = [];
    for (const line of lines) {
      const lineSides = sidesOf(line);
      if (lineSides.length === 0) sideUnknown = true;
      for (const side of lineSides) {
        if (side === 'left') left = true;
        else right = true;
      }
      if (!codes.includes(line.procedure)) codes.push(line.procedure);
      if (!kx && line.modifiers.includes('KX')) kx = true;
    }
    const counted: CountedSession = {
      file: encounter.claim.source.file,
      claimId: encounter.claim.claimId,
      serviceDate: session.serviceDate,
      family,
      region,
      codes,
      sides: left && right ? ['left', 'right'] : left ? ['left'] : right ? ['right'] : [],
      sideUnknown,
      kx,
      own: true,
    };
    if (session.renderingNpi !== undefined) counted.renderingNpi = session.renderingNpi;
    result.push(counted);
  }
  return result;
}

/** Prior sessions (other claims) and this claim's own sessions of a family in a region, dates in [from, to]. */
export function sessionsIn(encounter: Encounter, context: HistoryContext, family: HistoryFamily, region: Region, from: IsoDate, to: IsoDate): CountedSession[] {
  const answers = answersFor(encounter, context);
  let sessions = findAnswer(answers.sessions, family, region, from, to);
  if (sessions === undefined) {
    sessions = mergeByDate(priorSessionsIn(encounter, context, family, region, from, to), ownSessions(encounter, context, family, region, from, to));
    const answer = { family, region, from, to, value: sessions };
    if (answers.sessions === null) answers.sessions = [answer];
    else answers.sessions.push(answer);
  }
  return sessions;
}

/**
 * Prior sessions then own ones, in date order, prior before own on a date, each list keeping its order within a
 * date: what a stable sort of [...prior, ...own] by (date, own) gives. Lists already in date order (the usual
 * case) are merged in one walk; otherwise sorted as before.
 */
function mergeByDate(prior: readonly CountedSession[], own: CountedSession[]): CountedSession[] {
  // No prior session (most claims): the own list, which ownSessions made for this call, is the answer.
  if (prior.length === 0 && inDateOrder(own)) return own;
  if (!inDateOrder(prior) || !inDateOrder(own)) {
    return [...prior, ...own].sort((a, b) =>
      a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : Number(a.own === true) - Number(b.own === true),
    );
  }
  // Sized up front (an empty array grown by push gets room for 17).
  const merged = new Array<CountedSession>(prior.length + own.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < prior.length && j < own.length) {
    // On the same date the prior session comes first.
    if (own[j]!.serviceDate < prior[i]!.serviceDate) merged[k++] = own[j++]!;
    else merged[k++] = prior[i++]!;
  }
  while (i < prior.length) merged[k++] = prior[i++]!;
  while (j < own.length) merged[k++] = own[j++]!;
  return merged;
}

function inDateOrder(sessions: readonly { serviceDate: IsoDate }[]): boolean {
  for (let i = 1; i < sessions.length; i++) if (sessions[i]!.serviceDate < sessions[i - 1]!.serviceDate) return false;
  return true;
}

/** Prior sessions (other claims) of a family in a region, dates in [from, to]: the history's answer, asked once per claim. */
function priorSessionsIn(encounter: Encounter, context: HistoryContext, family: HistoryFamily, region: Region, from: IsoDate, to: IsoDate): readonly PriorSession[] {
  // An empty history has nothing to say: skip the keys and memo tables.
  if (noHistory(context)) return [];
  const answers = answersFor(encounter, context);
  let prior = findAnswer(answers.prior, family, region, from, to);
  if (prior === undefined) {
    prior = context.history.sessions(patientOf(encounter), family, region, from, to, encounter.claim.claimId);
    const answer = { family, region, from, to, value: prior };
    if (answers.prior === null) answers.prior = [answer];
    else answers.prior.push(answer);
  }
  return prior;
}

/**
 * True when sessions of a family in a region within [from, to] may exist: prior ones from the history, or this
 * claim's own on another date than `except`. A cheap exact pre-check that spares the counting for most claims.
 */
export function mayCountMoreThan(
  encounter: Encounter,
  context: HistoryContext,
  family: HistoryFamily,
  region: Region,
  from: IsoDate,
  to: IsoDate,
  limit: number,
): boolean {
  return priorSessionsIn(encounter, context, family, region, from, to).length + claimDateCount(encounter.claim) > limit;
}

export function distinctDates(sessions: readonly { serviceDate: IsoDate }[]): IsoDate[] {
  return [...new Set(sessions.map((session) => session.serviceDate))].sort();
}

/** One session per date (a prior claim preferred over this claim, for citing), in date order. */
export function onePerDate<T extends CountedSession>(sessions: readonly T[]): T[] {
  if (inDateOrder(sessions)) return onePerDateInOrder(sessions);
  const byDate = new Map<IsoDate, T>();
  for (const session of sessions) {
    const kept = byDate.get(session.serviceDate);
    if (kept === undefined || (kept.own && !session.own)) byDate.set(session.serviceDate, session);
  }
  return [...byDate.values()].sort((a, b) => (a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : 0));
}

/**
 * onePerDate of sessions already in date order (sessionsIn's answers): per date, the first prior session, else the
 * first one — what the map above keeps — in one walk.
 */
function onePerDateInOrder<T extends CountedSession>(sessions: readonly T[]): T[] {
  const result: T[] = [];
  let start = 0;
  while (start < sessions.length) {
    const date = sessions[start]!.serviceDate;
    let kept = sessions[start]!;
    let end = start + 1;
    for (; end < sessions.length && sessions[end]!.serviceDate === date; end++) {
      if (kept.own && !sessions[end]!.own) kept = sessions[end]!;
    }
    result.push(kept);
    start = end;
  }
  return result;
}

/** The sides a session or line counts toward: unknown counts toward both (docs/rules/README.md, Terms). */
export function countedSides(sides: readonly Side[], unknown: boolean): Side[] {
  return unknown || sides.length === 0 ? ['left', 'right'] : [...sides];
}

export function sidesOverlap(a: readonly Side[], b: readonly Side[]): boolean {
  for (let i = 0; i < a.length; i++) if (b.includes(a[i]!)) return true;
  return false;
}

/** "a.837 claim C1 on 2026-01-05" (this claim: "this claim on 2026-01-05"). */
export function describeSession(session: { file: string; claimId: string; serviceDate: IsoDate; own?: boolean }): string {
  return session.own === true ? `this claim on ${session.serviceDate}` : `${session.file} claim ${session.claimId} on ${session.serviceDate}`;
}

const LISTED = 4;

/** A short list for a message: the first few, then "and N more". */
export function describeSessions(sessions: readonly { file: string; claimId: string; serviceDate: IsoDate; own?: boolean }[]): string {
  const shown = Math.min(sessions.length, LISTED);
  let text = '';
  for (let i = 0; i < shown; i++) text += (i === 0 ? '' : '; ') + describeSession(sessions[i]!);
  const more = sessions.length - shown;
  return more > 0 ? `${text}; and ${more} more` : text;
}

/** Finding.cause entries for the prior claims a finding rests on (this claim's own sessions are not causes). */
export function causesOf(sessions: readonly { file: string; claimId: string; serviceDate: IsoDate; own?: boolean }[], what: string): FindingCause[] {
  const message = `${what} billed here`;
  const causes: FindingCause[] = [];
  for (const session of sessions) {
    if (session.own !== true) causes.push({ message, file: session.file, claimId: session.claimId, serviceDate: session.serviceDate });
  }
  return causes;
}

export { describeRegion };

/** overRollingLimit's default `kindOf`: every session counts (one function, not a closure per call). */
function everyKind(): (session: { kx: boolean }) => boolean {
  return everySession;
}

function everySession(): boolean {
  return true;
}

/** A session over a rolling-year limit: the sessions counted (one per date, in date order). */
export interface OverLimit {
  region: Region;
  lines: ServiceLine[];
  counted: CountedSession[];
  /** describeCounted()'s text, once asked. */
  countedText?: string;
}

type LimitOf = (regionLines: ServiceLine[], context: HistoryContext & Pick<RuleContext, 'policy'>) => number | null;
type KindOf = (regionLines: ServiceLine[]) => (session: { kx: boolean }) => boolean;

/**
 * The regions where this session is session number > `limit` of `family` in the rolling year (distinct dates,
 * this one included). `kindOf` narrows the sessions counted from the region's lines (facet: diagnostic KX
 * sessions are counted apart from therapeutic ones).
 */
export function overRollingLimit(
  encounter: Encounter,
  context: HistoryContext & Pick<RuleContext, 'policy'>,
  family: HistoryFamily,
  limitOf: LimitOf,
  kindOf: KindOf = everyKind,
): OverLimit[] {
  if (!hasFamily(encounter, family) || skipSession(encounter)) return NOT_OVER;
  return computeOverRollingLimit(encounter, context, family, limitOf, kindOf);
}

function computeOverRollingLimit(
  encounter: Encounter,
  context: HistoryContext & Pick<RuleContext, 'policy'>,
  family: HistoryFamily,
  limitOf: LimitOf,
  kindOf: KindOf,
): OverLimit[] {
  let result: OverLimit[] | null = null; // made for the first region over the limit (most sessions have none)
  // An indexed loop: destructuring pairs in for…of costs an iterator per call here (asked for every session).
  const byRegion = linesByRegion(encounter, context, family);
  for (let i = 0; i < byRegion.length; i++) {
    const region = byRegion[i]![0];
    const lines = byRegion[i]![1];
    const limit = limitOf(lines, context);
    if (limit === null) continue;
    // Counted sessions are at most the prior ones plus one per date of this claim: within the limit, nothing to say.
    if (noHistory(context) && claimDateCount(encounter.claim) <= limit) continue;
    const { from, to } = rollingYear(encounter.serviceDate);
    if (!mayCountMoreThan(encounter, context, family, region, from, to, limit)) continue;
    const sessions = sessionsIn(encounter, context, family, region, from, to);
    const kind = kindOf(lines);
    const counted = onePerDate(kind === everySession ? sessions : sessions.filter(kind));
    if (counted.length > limit) (result ??= []).push({ region, lines, counted });
  }
  return result ?? NOT_OVER;
}

/** describeSessions(over.counted), built once per answer. */
export function describeCounted(over: OverLimit): string {
  return (over.countedText ??= describeSessions(over.counted));
}

/** overRollingLimit's shared empty answer (read-only, like every answer here). */
const NOT_OVER: OverLimit[] = [];
