/**
 * Distinct-procedure pairs present in a session: a column-2 line whose column-1 partner (a PTP edit with modifier
 * indicator 1) is billed in the same session at a different site.
 */
import type { Encounter, Region, ServiceLine } from '../../encounter/model.js';
import type { PtpEdit, ReferenceData } from '../../reference/types.js';
import { effectiveRegion, junctionRegions } from '../helpers.js';
import { isSpine } from './spine.js';

/** 59: the generic distinct-procedure modifier; the rest of the reference list `distinct-modifiers` is X{EPSU}. */
export const GENERIC_DISTINCT = '59';

/** An X{EPSU} modifier on the line (the reference list `distinct-modifiers` without 59). */
export function hasXModifier(line: ServiceLine, reference: ReferenceData): boolean {
  for (const modifier of line.modifiers) {
    if (modifier !== GENERIC_DISTINCT && reference.inList('distinct-modifiers', modifier, line.serviceDate)) return true;
  }
  return false;
}

/** How the two sites are told apart: another structure (a major joint vs the spine), or the other spinal region. */
export type DistinctSite = 'other-structure' | 'other-region';

export interface DistinctMatch {
  second: ServiceLine;
  first: ServiceLine;
  /** The PTP edit (column 1 = first's code, column 2 = second's), modifier indicator 1. */
  edit: PtpEdit;
  site: DistinctSite;
}

/**
 * For each column-2 line of the session, the first line (in claim order) it pairs with at a different site, by the
 * PTP edits with modifier indicator 1 in force on the date (an imported NCCI table, or the shipped distinct-pair
 * table for dates no import covers). The result is read-only.
 */
export function distinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  if (encounter.lines.length < 2) return NO_MATCHES;
  return computeDistinctMatches(encounter, reference);
}

/** Shared empty answer (read-only, like every answer of distinctMatches). */
const NO_MATCHES: DistinctMatch[] = [];

function computeDistinctMatches(encounter: Encounter, reference: ReferenceData): DistinctMatch[] {
  const lines = encounter.lines;
  let junctions: Map<string, Region> | undefined;
  // Made at the first match, as a one-element literal (most sessions with a column-2 code have no partner; an
  // empty list grown by push gets room for 17).
  let matches: DistinctMatch[] | null = null;
  for (const second of lines) {
    for (const first of lines) {
      if (first === second) continue;
      const edit = reference.ptpEdit(first.procedure, second.procedure, second.serviceDate);
      if (edit === undefined || edit.modifierIndicator !== 1) continue;
      // A shipped pair names its kind of site; for an imported edit the two lines tell it.
      const site = edit.site ?? siteOfLines(first, second, reference);
      if (site === undefined) continue;
      if (site === 'other-region') {
        junctions ??= junctionRegions(encounter, reference);
        const firstRegion = effectiveRegion(first, junctions);
        const secondRegion = effectiveRegion(second, junctions);
        if (firstRegion === 'none' || secondRegion === 'none' || firstRegion === secondRegion) continue;
      }
      const match: DistinctMatch = { second, first, edit, site };
      if (matches === null) matches = [match];
      else matches.push(match);
      break;
    }
  }
  return matches ?? NO_MATCHES;
}

/**
 * The kind of distinct site two lines of an imported edit can be at, or undefined when they may be the same site: a
 * spine code with a joint injection is another structure; two spine codes may be in different regions.
 */
function siteOfLines(a: ServiceLine, b: ServiceLine, reference: ReferenceData): DistinctSite | undefined {
  const aSpine = isSpine(a);
  const bSpine = isSpine(b);
  if (aSpine && bSpine) return 'other-region';
  if (aSpine && reference.inList('joint-injection', b.procedure, b.serviceDate)) return 'other-structure';
  if (bSpine && reference.inList('joint-injection', a.procedure, a.serviceDate)) return 'other-structure';
  return undefined;
}

export function describeSite(site: DistinctSite): string {
  return site === 'other-region' ? 'a different spinal region' : 'a different structure';
}
