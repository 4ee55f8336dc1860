/**
 * Distinct-procedure pairs present in a session: a column-2 line whose column-1 partner (from the
 * distinct-pair table) is billed in the same session at a different site.
 */
import type { Encounter, ServiceLine } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { distinctPairsFor, type DistinctPair } from '../../reference/data/distinct-pairs.js';
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

/** For each column-2 line of the session, the first column-1 line it pairs with at a different site. */
export function distinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  const regionOf = sessionRegions(encounter, reference);
  const matches: DistinctMatch[] = [];
  for (const second of encounter.lines) {
    let found: DistinctMatch | undefined;
    for (const pair of distinctPairsFor(second.procedure, second.serviceDate)) {
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
