/**
 * A policy profile: the limits, severities and billing styles a payer applies.
 * Profiles `medicare` (default), `medicare-advantage`, `commercial` and `guide` are data in profiles.ts; a custom
 * JSON file (schemas/policy.schema.json) overrides a profile, maps payer classes to profiles, and overrides further
 * per payer id.
 */
import type { SeveritySetting } from '../rules/types.js';
import type { ProfileName } from './profiles.js';

export interface PolicyLimits {
  /** Facet levels per region per session (medicare 2, guide 3). */
  facetLevelsPerSession: number;
  /** RFA joints per side per session (medicare 2; guide: null = no limit). */
  rfaJointsPerSide: number | null;
  /** Transforaminal levels per side per session (medicare 2; guide null). */
  transforaminalLevelsPerSide: number | null;
  esiSessionsPerYear: number;
  facetDiagnosticSessionsPerYear: number;
  facetTherapeuticSessionsPerYear: number;
  rfaSessionsPerYear: number;
  /** Prior facet sessions before a first RFA (medicare 2, guide 1). */
  priorFacetSessionsBeforeRfa: number;
  /** Minimum days between RFAs in a region and side (182). */
  minDaysBetweenRfa: number;
}

export interface ResolvedPolicy {
  /** Profile name (`medicare`, `guide`) or the custom policy's name. */
  name: string;
  /** The built-in profile the policy starts from (the one each finding names as having judged the claim). */
  profile: ProfileName;
  /** The column of rule metas' default severities (`meta.severity`) the profile starts from; `severities` override it. */
  ruleDefaults: 'medicare' | 'guide';
  limits: PolicyLimits;
  /** Per-rule severity overrides (`off` disables the rule). */
  severities: Record<string, SeveritySetting>;
  /** Per-rule options. */
  ruleOptions: Record<string, Record<string, unknown>>;
  /** `modifier-50`: one line with 50, units per side; `rt-lt`: two lines. */
  bilateralStyle: 'modifier-50' | 'rt-lt';
  /** Offer XS on the second code of a distinct-procedure pair as a suggestion (never applied: the claim is held). */
  autoDistinct: boolean;
  /** Remove contrast lines with image-guided spine codes. */
  removeContrast: boolean;
  /** Liability modifier added by `coverage/liability-modifier`'s fix; null: none (report only). */
  liabilityModifier: 'GA' | 'GZ' | null;
}
