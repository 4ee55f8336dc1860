/**
 * Distinct-procedure pairs present in a session: a column-2 line whose column-1 partner (from the
 * distinct-pair table) is billed in the same session at a different site.
 */
import type { Encounter, ServiceLine } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { distinctPairsFor, type DistinctPair } from '../../reference/data/distinct-pairs.js';
import { junctionFamilies, sessionRegion } from './spine.js';

/** The modifiers that mark a distinct procedure (rules.md `modifier/distinct-procedure`). */
export const DISTINCT_MODIFIERS = ['59', 'XS', 'XE', 'XP', 'XU'] as const;
/** The X{EPSU} subset: more specific than 59 (domain-rules.md §2). */
export const X_MODIFIERS = ['XE', 'XS', 'XP', 'XU'] as const;

export interface DistinctMatch {
  second: ServiceLine;
  first: ServiceLine;
  pair: DistinctPair;
}

/** For each column-2 line of the session, the first column-1 line it pairs with at a different site. */
export function distinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  const junction = junctionFamilies(encounter, reference);
  const matches: DistinctMatch[] = [];
  for (const second of encounter.lines) {
    let found: DistinctMatch | undefined;
    for (const pair of distinctPairsFor(second.procedure, second.serviceDate)) {
      const first = encounter.lines.find((line) => {
        if (line === second || line.procedure !== pair.first) return false;
        if (pair.site === 'other-structure') return true;
        const firstRegion = sessionRegion(line, junction);
        const secondRegion = sessionRegion(second, junction);
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
