/**
 * The distinct-procedure pair table for `modifier/distinct-procedure` and `modifier/prefer-x`: code pairs that
 * an NCCI PTP edit with modifier indicator 1 (or the LCD articles) lets through when the two services are at
 * different sites, with 59/X{EPSU} on the second (column-2) code. Every pair names its source.
 *
 * Kept apart from the ReferenceData interface (an additive module: it needs no change to the shared
 * contract); src/rules/common/distinct.ts indexes it by column-2 code. Same-region RFA/facet pairs are
 * `facet/with-rfa`'s business, and ESI in two regions is `esi/multiple-regions`' (a coverage limit, not a PTP bypass): neither is here as a
 * same-site pair. Spine/spine pairs below only count when the two lines are in different session regions.
 */
import type { Effective, ReferenceVersion, SourceRef } from '../types.js';

/** How the two sites are told apart: another structure (a major joint vs the spine), or the other spinal region. */
export type DistinctSite = 'other-structure' | 'other-region';

export interface DistinctPair {
  /** Column 1: the code that keeps its line as billed. */
  first: string;
  /** Column 2: the code that takes 59/XS/XE/XP/XU. */
  second: string;
  site: DistinctSite;
  /** NCCI PTP modifier indicator (1: a distinct-site modifier bypasses the edit). */
  modifierIndicator: 1;
  effective: Effective;
  sources: SourceRef[];
}

const ARTHROCENTESIS_SOURCE = (note: string): SourceRef => ({ key: 'NCCI PTP', note });

/** PTP pairs of a spine code with 20610 read from CMS copies ([A][C][D], docs/rules/sources.md), with their column order. */
const VERIFIED_JOINT_PAIRS: readonly DistinctPair[] = [
  {
    first: '64483',
    second: '20610',
    site: 'other-structure',
    modifierIndicator: 1,
    effective: { from: '2001-07-01' },
    sources: [ARTHROCENTESIS_SOURCE('64483/20610, mod 1, eff. 2001-07-01: sources A, C (2026 Q3), D')],
  },
  {
    first: '64493',
    second: '20610',
    site: 'other-structure',
    modifierIndicator: 1,
    effective: {},
    sources: [ARTHROCENTESIS_SOURCE('64493/20610, mod 1: sources A, D (effective date not in the copies read)')],
  },
  {
    first: '62323',
    second: '20610',
    site: 'other-structure',
    modifierIndicator: 1,
    effective: { from: '2017-01-01' },
    sources: [ARTHROCENTESIS_SOURCE('62323/20610, mod 1, eff. 2017-01-01: source C (2026 Q3)')],
  },
  {
    first: '20610',
    second: '64484',
    site: 'other-structure',
    modifierIndicator: 1,
    effective: { from: '2017-04-01' },
    sources: [ARTHROCENTESIS_SOURCE('20610/64484, mod 1, eff. 2017-04-01: source C (2026 Q3)')],
  },
  ...['64491', '64492'].map(
    (addon): DistinctPair => ({
      first: '20610',
      second: addon,
      site: 'other-structure',
      modifierIndicator: 1,
      effective: {},
      sources: [
        ARTHROCENTESIS_SOURCE(
          `20610/${addon}: pair in source A only (2026, undirected); column order by analogy with 20610/64484 (source C)`,
        ),
      ],
    }),
  ),
];

/** The spine codes of the rule catalogue (ESI, facet injection, RFA), primaries and add-ons. */
const SPINE_PRIMARIES = ['62320', '62321', '62322', '62323', '64479', '64483', '64490', '64493', '64633', '64635'];
const SPINE_ADDONS = ['64480', '64484', '64491', '64492', '64494', '64495', '64634', '64636'];
/** Joint and bursa injections 20600–20611 (`modifier/distinct-procedure`; reference list `joint-injection`). */
const JOINT_INJECTIONS = ['20600', '20604', '20605', '20606', '20610', '20611'];

const CATALOGUE_SOURCE: SourceRef = {
  key: 'rule catalogue',
  note: 'catalogue pair "a spine code with 20600–20611"; PTP pair not verified in the CMS copies; column order by analogy with 64483/20610 (primary column 1) and 20610/64484 (add-on column 2)',
};

/** The catalogue's spine × joint-injection pairs that no CMS copy confirmed: joint second after a primary, first before an add-on. */
const CATALOGUE_JOINT_PAIRS: readonly DistinctPair[] = [
  ...SPINE_PRIMARIES.flatMap((spine) => JOINT_INJECTIONS.map((joint) => ({ first: spine, second: joint }))),
  ...SPINE_ADDONS.flatMap((spine) => JOINT_INJECTIONS.map((joint) => ({ first: joint, second: spine }))),
]
  .filter(({ first, second }) => !VERIFIED_JOINT_PAIRS.some((pair) => samePair(pair, first, second)))
  .map(({ first, second }) => ({
    first,
    second,
    site: 'other-structure' as const,
    modifierIndicator: 1 as const,
    effective: {},
    sources: [CATALOGUE_SOURCE],
  }));

function samePair(pair: { first: string; second: string }, a: string, b: string): boolean {
  return (pair.first === a && pair.second === b) || (pair.first === b && pair.second === a);
}

/**
 * RFA in one region with a facet injection in the other (C-spine MBB + L-spine RFA): both payable, XS on the
 * injection (column 2). Column order as in the verified same-region edits (RFA column 1).
 */
const CROSS_REGION_PAIRS: readonly DistinctPair[] = ['64633', '64635'].flatMap((rfa) =>
  ['64490', '64491', '64492', '64493', '64494', '64495'].map(
    (injection): DistinctPair => ({
      first: rfa,
      second: injection,
      site: 'other-region',
      modifierIndicator: 1,
      effective: {},
      sources: [
        {
          key: 'NCCI policy',
          note: 'RFA + facet injection at different regions: both payable if documented, XS (or 59) on the column-2 code (U-med)',
        },
        {
          key: 'NCCI PTP',
          note: 'RFA column 1 / facet injection column 2, modifier indicator 1 (64635/64493–64495, 64633/64490: sources A, D); cross-region pairs not verified',
        },
      ],
    }),
  ),
);

export const DISTINCT_PAIRS: readonly DistinctPair[] = [...VERIFIED_JOINT_PAIRS, ...CATALOGUE_JOINT_PAIRS, ...CROSS_REGION_PAIRS];

export const distinctPairsVersion: ReferenceVersion = {
  table: 'distinct-pairs',
  version: 'NCCI PTP 2026 Q2–Q4 (copies A, C, D) + NCCI policy + the rule catalogue',
  sources: ['A', 'C', 'D', 'NCCI policy', 'rule catalogue'],
};
