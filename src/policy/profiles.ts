/**
 * The built-in policy profiles as data: `medicare` (default: CMS LCDs, NCCI, MPFS
 * indicators) and `guide` (the Spine Pain Management Coding Guide's limits). Rule severities per profile live in
 * each rule's meta; a profile only overrides them through `severities`.
 */
import type { ResolvedPolicy } from './types.js';

export type ProfileName = 'medicare' | 'guide';

export const PROFILE_NAMES: readonly ProfileName[] = ['medicare', 'guide'];

export const medicare: ResolvedPolicy = deepFreeze({
  name: 'medicare',
  profile: 'medicare',
  limits: {
    facetLevelsPerSession: 2,
    rfaJointsPerSide: 2,
    transforaminalLevelsPerSide: 2,
    esiSessionsPerYear: 4,
    facetDiagnosticSessionsPerYear: 4,
    facetTherapeuticSessionsPerYear: 4,
    rfaSessionsPerYear: 2,
    priorFacetSessionsBeforeRfa: 2,
    minDaysBetweenRfa: 182,
  },
  severities: {},
  ruleOptions: {},
  bilateralStyle: 'modifier-50',
  autoDistinct: false,
  removeContrast: false,
  liabilityModifier: null,
});

export const guide: ResolvedPolicy = deepFreeze({
  name: 'guide',
  profile: 'guide',
  limits: {
    facetLevelsPerSession: 3,
    rfaJointsPerSide: null,
    transforaminalLevelsPerSide: null,
    esiSessionsPerYear: 4,
    facetDiagnosticSessionsPerYear: 4,
    facetTherapeuticSessionsPerYear: 4,
    rfaSessionsPerYear: 2,
    priorFacetSessionsBeforeRfa: 1,
    minDaysBetweenRfa: 182,
  },
  severities: {},
  ruleOptions: {},
  bilateralStyle: 'modifier-50',
  autoDistinct: false,
  removeContrast: false,
  liabilityModifier: null,
});

export const profiles: Readonly<Record<ProfileName, ResolvedPolicy>> = Object.freeze({ medicare, guide });

export function isProfileName(name: string): name is ProfileName {
  return name === 'medicare' || name === 'guide';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
