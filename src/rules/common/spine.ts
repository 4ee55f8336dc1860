/**
 * Helpers shared by the session rules: how the Terms (docs/rules/README.md) read a session (sides, junction sessions,
 * levels on a side, the spine families). Pure functions over the normalized lines; codes come from the
 * reference tables, never from lists kept here.
 */
import type { Encounter, ProcedureFamily, Region, ServiceLine, Side } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { effectiveRegion, junctionRegions } from '../helpers.js';


/** Laterality modifiers of the Terms (50 both sides, RT right, LT left). */
export const BILATERAL = '50';
export const RIGHT = 'RT';
export const LEFT = 'LT';
const LATERALITY: ReadonlySet<string> = new Set([BILATERAL, RIGHT, LEFT]);

/**
 * The families the catalogue calls "spine procedures" (ESI, facet injection, RFA, and their ultrasound-guided variants).
 * Compared rather than looked up in a Set (asked for every line by many rules).
 */
export function isSpine(line: ServiceLine): boolean {
  const family: ProcedureFamily = line.facts.family;
  return family === 'esi-interlaminar' || family === 'esi-transforaminal' || family === 'facet' || family === 'rfa' || family === 'ultrasound-guided';
}

/** Injections (ESI or facet, image- or ultrasound-guided), as opposed to destruction (RFA). */
export function isInjection(line: ServiceLine): boolean {
  const family = line.facts.family;
  return family === 'esi-interlaminar' || family === 'esi-transforaminal' || family === 'facet' || family === 'ultrasound-guided';
}

/**
 * A bilateral-eligible spine code (indicator 1: 64479–64484, 64490–64495, 64633–64636; docs/rules/modifier/bilateral.md): a spine
 * family line whose MPFS bilateral indicator is 1. 20610 has indicator 1 too but is outside the catalogue's list.
 */
export function isBilateralEligible(line: ServiceLine, reference: ReferenceData): boolean {
  return isSpine(line) && reference.procedure(line.procedure, line.serviceDate)?.bilateralIndicator === 1;
}

export function hasModifier(line: ServiceLine, ...modifiers: string[]): boolean {
  return line.modifiers.some((modifier) => modifiers.includes(modifier));
}

export function isLaterality(modifier: string): boolean {
  return LATERALITY.has(modifier);
}

/** Terms, Sides: 50 → {left, right}; RT → {right}; LT → {left}; none → unknown (empty). Normalized facts. */
export function sidesOf(line: ServiceLine): readonly Side[] {
  return line.facts.sides;
}

export function sideUnknown(line: ServiceLine): boolean {
  return line.facts.sideUnknown;
}

/** The sides a line counts toward for limit warnings: unknown counts toward both. */
export function countedSides(line: ServiceLine): readonly Side[] {
  return line.facts.sideUnknown ? BOTH_SIDES : line.facts.sides;
}
const BOTH_SIDES: readonly Side[] = ['left', 'right'];

export function describeRegion(region: Region): string {
  if (region === 'cervical-thoracic') return 'cervical/thoracic';
  if (region === 'lumbar-sacral') return 'lumbar/sacral';
  return 'unknown';
}

export function describeSides(sides: readonly Side[]): string {
  if (sides.length === 2) return 'both sides';
  if (sides[0] === 'left') return 'left';
  if (sides[0] === 'right') return 'right';
  return 'unknown side';
}

/** "on both sides", "on the left", "on the right", "on an unknown side" — for messages. */
export function onSides(sides: readonly Side[]): string {
  if (sides.length === 2) return 'on both sides';
  return sides[0] === 'left' || sides[0] === 'right' ? `on the ${sides[0]}` : 'on an unknown side';
}

/** Code with its modifiers, for messages and before/after text: `64483-RT-KX`. */
export function describeLine(line: ServiceLine): string {
  return [line.procedure, ...line.modifiers].join('-');
}

/** How a session places its lines in regions: junction sessions are lumbar (helpers.ts `junctionRegions`). */
export type RegionOf = (line: ServiceLine) => Region;

export function sessionRegions(encounter: Encounter, reference: ReferenceData): RegionOf {
  const junctions = junctionRegions(encounter, reference);
  return (line) => effectiveRegion(line, junctions);
}

/**
 * The junction lines of a session and their effective region (helpers.ts `junctionRegions`), and a line's region
 * in its session. Kept under these names for src/rules/history/shared.ts, which uses them.
 */
export function junctionFamilies(encounter: Encounter, reference: ReferenceData): Map<string, Region> {
  return junctionRegions(encounter, reference);
}

export function sessionRegion(line: ServiceLine, junctions: Map<string, Region>): Region {
  return effectiveRegion(line, junctions);
}

/** The lines of one family in each (session) region, in claim order. */
export function familyLinesByRegion(encounter: Encounter, family: ProcedureFamily, regionOf: RegionOf): Map<Region, ServiceLine[]> {
  const byRegion = new Map<Region, ServiceLine[]>();
  for (const line of encounter.lines) {
    if (line.facts.family !== family) continue;
    const region = regionOf(line);
    if (region === 'none') continue;
    const list = byRegion.get(region) ?? [];
    list.push(line);
    byRegion.set(region, list);
  }
  return byRegion;
}

/** The place of service of a line: its own (SV105) or the claim's. */
export function placeOfService(line: ServiceLine, encounter: Encounter): string {
  return line.placeOfService ?? encounter.claim.placeOfService;
}

export interface LevelOverrun {
  line: ServiceLine;
  /** The sides on which the line takes the count past the limit. */
  sides: Side[];
  /** The highest count reached on those sides by this line. */
  count: number;
}

/**
 * Levels on a side (docs/rules/README.md, Terms): the units of the family's primary and add-on lines whose sides include
 * it, unknown counting toward both. Walks primaries first, then add-ons, in claim order, and returns the
 * lines that take a side past `limit` — the lines beyond the coverage limit.
 * `atLeast` lets a line stand for a minimum running count (64492/64495 are "third and any additional level").
 */
export function linesBeyondLimit(
  lines: readonly ServiceLine[],
  limit: number,
  atLeast: (line: ServiceLine) => number = () => 0,
): LevelOverrun[] {
  // A running count never exceeds the highest minimum plus all the units: within the limit, no side can pass it
  // (most sessions).
  let units = 0;
  let minimum = 0;
  for (const line of lines) {
    if (line.units > 0) units += line.units;
    minimum = Math.max(minimum, atLeast(line));
  }
  if (minimum + units <= limit) return [];
  const ordered = [
    ...lines.filter((line) => line.facts.role === 'primary'),
    ...lines.filter((line) => line.facts.role === 'addon'),
  ];
  const running: Record<Side, number> = { left: 0, right: 0 };
  const overruns: LevelOverrun[] = [];
  for (const line of ordered) {
    const over: Side[] = [];
    let count = 0;
    for (const side of countedSides(line)) {
      running[side] = Math.max(running[side] + line.units, atLeast(line));
      if (running[side] > limit) {
        over.push(side);
        count = Math.max(count, running[side]);
      }
    }
    if (over.length > 0) overruns.push({ line, sides: over, count });
  }
  return overruns;
}
