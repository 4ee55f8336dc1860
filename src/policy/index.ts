export { medicare, medicareAdvantage, commercial, guide, profiles, PROFILE_NAMES, isProfileName, type ProfileName } from './profiles.js';
export { PAYER_CLASSES, payerClassOf } from './payer-classes.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export {
  loadPolicy,
  policyFromData,
  resolvePolicy,
  singlePolicy,
  type LoadPolicyOptions,
  type PolicyFile,
  type PayerOverrides,
  type PolicyOverrides,
  type PolicySet,
} from './load.js';
export type { PolicyLimits, ResolvedPolicy } from './types.js';
