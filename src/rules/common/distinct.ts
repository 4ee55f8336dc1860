/**
 * Distinct-procedure pairs present in a session: a column-2 line whose column-1 partner (from the
 * distinct-pair table) is billed in the same session at a different site.
 */
import type { Encounter, Region, ServiceLine } from '../../encounter/model.js';
import { isEffective } from '../../reference/index.js';
import type { ReferenceData } from '../../reference/types.js';
import { DISTINCT_PAIRS, type DistinctPair } from '../../reference/data/distinct-pairs.js';
import { effectiveRegion, junctionRegions } from '../helpers.js';

/** 59: the generic distinct-procedure modifier; the rest of the reference list `distinct-modifiers` is X{EPSU}. */
export const GENERIC_DISTINCT = '59';

/** An X{EPSU} modifier on the line (the reference list `distinct-modifiers` without 59). */
export function hasXModifier(line: ServiceLine, reference: ReferenceData): boolean {
  for (const modifier of line.modifiers) {
    if (modifier !== GENERIC_DISTINCT && reference.inList('distinct-modifiers', modifier, line.serviceDate)) return true;
  }
  return false;
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

/** For each column-2 line of the session, the first column-1 line it pairs with at a different site (read-only). */
export function distinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  if (!hasSecondCode(encounter.lines)) return NO_MATCHES;
  return computeDistinctMatches(encounter, reference);
}

/** Shared empty answer (read-only, like every answer of distinctMatches). */
const NO_MATCHES: DistinctMatch[] = [];

function hasSecondCode(lines: readonly ServiceLine[]): boolean {
  for (let i = 0; i < lines.length; i++) if (PAIRS_BY_SECOND.has(lines[i]!.procedure)) return true;
  return false;
}

function computeDistinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  const junctions = junctionRegions(encounter, reference);
  // Made at the first match, as a one-element literal (most sessions with a column-2 code have no partner; an
  // empty list grown by push gets room for 17).
  let matches: DistinctMatch[] | null = null;
  for (const second of encounter.lines) {
    const candidates = PAIRS_BY_SECOND.get(second.procedure);
    if (candidates === undefined) continue;
    for (const pair of candidates) {
      if (!isEffective(pair.effective, second.serviceDate)) continue;
      const first = firstPartner(encounter.lines, second, pair, junctions);
      if (first !== undefined) {
        if (matches === null) matches = [{ second, first, pair }];
        else matches.push({ second, first, pair });
        break;
      }
    }
  }
  return matches ?? NO_MATCHES;
}

/** The first line of the pair's column-1 code at a different site than `second` (loops, not closures: hot). */
function firstPartner(lines: readonly ServiceLine[], second: ServiceLine, pair: DistinctPair, junctions: Map<string, Region>): ServiceLine | undefined {
  for (const line of lines) {
    if (line === second || line.procedure !== pair.first) continue;
    if (pair.site === 'other-structure') return line;
    const firstRegion = effectiveRegion(line, junctions);
    const secondRegion = effectiveRegion(second, junctions);
    if (firstRegion !== 'none' && secondRegion !== 'none' && firstRegion !== secondRegion) return line;
  }
  return undefined;
}

export function describeSite(pair: DistinctPair): string {
  return pair.site === 'other-region' ? 'a different spinal region' : 'a different structure';
}
