/**
 * The pairing behind facet/with-rfa and facet/with-rfa-distinct: facet injections billed in the same
 * (session) region as an RFA.
 */
import type { Encounter, Region, ServiceLine, Side } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { hasModifier, sessionRegions, sidesOf } from './spine.js';

/** The modifiers `facet/with-rfa-distinct` accepts as "different joints" on the injection: XS (separate structure) or 59. */
export const DIFFERENT_JOINT_MODIFIERS = ['XS', '59'] as const;

export interface InjectionWithRfa {
  injection: ServiceLine;
  region: Region;
  /** The RFA lines of the same region, in claim order. */
  rfaLines: ServiceLine[];
  /** True when the injection carries XS or 59. */
  distinct: boolean;
}

export function injectionsWithRfa(encounter: Encounter, reference: ReferenceData): InjectionWithRfa[] {
  // A pair needs an RFA line and a facet line: most sessions lack one of them.
  if (!encounter.lines.some((line) => line.facts.family === 'rfa') || !encounter.lines.some((line) => line.facts.family === 'facet')) return [];
  const regionOf = sessionRegions(encounter, reference);
  const rfaByRegion = new Map<Region, ServiceLine[]>();
  for (const line of encounter.lines) {
    if (line.facts.family !== 'rfa') continue;
    const region = regionOf(line);
    rfaByRegion.set(region, [...(rfaByRegion.get(region) ?? []), line]);
  }
  const pairs: InjectionWithRfa[] = [];
  for (const line of encounter.lines) {
    if (line.facts.family !== 'facet') continue;
    const region = regionOf(line);
    const rfaLines = rfaByRegion.get(region);
    if (region === 'none' || rfaLines === undefined) continue;
    pairs.push({ injection: line, region, rfaLines, distinct: hasModifier(line, ...DIFFERENT_JOINT_MODIFIERS) });
  }
  return pairs;
}

/**
 * Removing the injection is safe only when its joints are provably the ablated ones at the side level: the
 * injection's sides are known and each is a side the RFA covers (an unknown side blocks side-dependent fixes).
 */
export function sameSidesKnown(injection: ServiceLine, rfaLines: readonly ServiceLine[]): boolean {
  const injectionSides = sidesOf(injection);
  if (injectionSides.length === 0) return false;
  const covered = new Set<Side>();
  for (const rfa of rfaLines) {
    const sides = sidesOf(rfa);
    if (sides.length === 0) return false;
    for (const side of sides) covered.add(side);
  }
  return injectionSides.every((side) => covered.has(side));
}
