/**
 * Distinct-procedure pairs present in a session: a column-2 line whose column-1 partner (from the
 * distinct-pair table) is billed in the same session at a different site.
 */
import type { Encounter, ServiceLine } from '../../encounter/model.js';
import { isEffective } from '../../reference/index.js';
import type { ReferenceData } from '../../reference/types.js';
import { DISTINCT_PAIRS, type DistinctPair } from '../../reference/data/distinct-pairs.js';
import { RecentMemo } from '../helpers.js';
import { sessionRegions } from './spine.js';

/** 59: the generic distinct-procedure modifier; the rest of the reference list `distinct-modifiers` is X{EPSU}. */
export const GENERIC_DISTINCT = '59';

/** An X{EPSU} modifier on the line (the reference list `distinct-modifiers` without 59). */
export function hasXModifier(line: ServiceLine, reference: ReferenceData): boolean {
  return line.modifiers.some(
    (modifier) => modifier !== GENERIC_DISTINCT && reference.inList('distinct-modifiers', modifier, line.serviceDate),
  );
}

export interface DistinctMatch {
  second: ServiceLine;
  first: ServiceLine;
  pair: DistinctPair;
}

/** The table's pairs by column-2 code: most lines have none, and need no scan of the table to learn it. */
const PAIRS_BY_SECOND = new Map<string, DistinctPair[]>();
for (const pair of DISTINCT_PAIRS) {
  const list = PAIRS_BY_SECOND.get(pair.second);
  if (list === undefined) PAIRS_BY_SECOND.set(pair.second, [pair]);
  else list.push(pair);
}

/**
 * For each column-2 line of the session, the first column-1 line it pairs with at a different site. Two rules
 * ask for the same session: computed once per encounter object (treat the result as read-only).
 */
export function distinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  if (!encounter.lines.some((line) => PAIRS_BY_SECOND.has(line.procedure))) return [];
  return matchesMemo.get(encounter, reference, computeDistinctMatches);
}

const matchesMemo = new RecentMemo<Encounter, DistinctMatch[]>();

function computeDistinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  const regionOf = sessionRegions(encounter, reference);
  const matches: DistinctMatch[] = [];
  for (const second of encounter.lines) {
    let found: DistinctMatch | undefined;
    const candidates = PAIRS_BY_SECOND.get(second.procedure);
    if (candidates === undefined) continue;
    for (const pair of candidates) {
      if (!isEffective(pair.effective, second.serviceDate)) continue;
      const first = encounter.lines.find((line) => {
        if (line === second || line.procedure !== pair.first) return false;
        if (pair.site === 'other-structure') return true;
        const firstRegion = regionOf(line);
        const secondRegion = regionOf(second);
        return firstRegion !== 'none' && secondRegion !== 'none' && firstRegion !== secondRegion;
      });
      if (first !== undefined) {
        found = { second, first, pair };
        break;
      }
    }
    if (found !== undefined) matches.push(found);
  }
  return matches;
}

export function describeSite(pair: DistinctPair): string {
  return pair.site === 'other-region' ? 'a different spinal region' : 'a different structure';
}
