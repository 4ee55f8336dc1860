/**
 * The built-in policy profiles as data: `medicare` (default: Original Medicare Part B, CMS LCDs, NCCI, MPFS
 * indicators), `medicare-advantage` (Medicare's coverage limits without the ABN modifiers of Original Medicare),
 * `commercial` (no ABN or KX demands; NCCI and MUE applied; coverage and frequency limits as warnings) and `guide`
 * (the Spine Pain Management Coding Guide's limits). Rule severities live in each rule's meta under `medicare` and
 * `guide`; a profile names the column it starts from (`ruleDefaults`) and overrides single rules through
 * `severities` (docs/payer-classes.md).
 */
import type { ResolvedPolicy } from './types.js';

export type ProfileName = 'medicare' | 'medicare-advantage' | 'commercial' | 'guide';

export const PROFILE_NAMES: readonly ProfileName[] = ['medicare', 'medicare-advantage', 'commercial', 'guide'];

export const medicare: ResolvedPolicy = deepFreeze({
  name: 'medicare',
  profile: 'medicare',
  ruleDefaults: 'medicare',
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
  ruleDefaults: 'guide',
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

/**
 * Medicare Advantage (SBR09 16): the plan follows Medicare's coverage limits, but the ABN and its modifiers
 * (GA, GZ, GX) belong to Original Medicare: an MA plan's members get a pre-service organization determination
 * instead (42 CFR 422.566). The JW/JZ discarded-drug modifiers are a Part B (MAC) claims requirement: a warning here.
 */
export const medicareAdvantage: ResolvedPolicy = deepFreeze({
  ...medicare,
  name: 'medicare-advantage',
  profile: 'medicare-advantage',
  ruleDefaults: 'medicare',
  severities: {
    'coverage/liability-modifier': 'off',
    'drug/jw-jz': 'warning',
  },
});

/**
 * Every class other than Medicare (commercial, BCBS, HMO/PPO/POS/EPO, Medicaid, workers' compensation, TRICARE,
 * VA …): no ABN modifiers, no Medicare KX, no Part B JW/JZ; NCCI and MUE applied as most commercial payers do;
 * coverage and frequency limits reported as warnings (Medicare's numbers until a payer entry sets its own).
 */
export const commercial: ResolvedPolicy = deepFreeze({
  ...medicare,
  name: 'commercial',
  profile: 'commercial',
  ruleDefaults: 'medicare',
  severities: {
    'coverage/liability-modifier': 'off',
    'facet/kx': 'off',
    'drug/jw-jz': 'off',
  },
});

export const profiles: Readonly<Record<ProfileName, ResolvedPolicy>> = Object.freeze({
  medicare,
  'medicare-advantage': medicareAdvantage,
  commercial,
  guide,
});

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
