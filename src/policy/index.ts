export { medicare, guide, profiles, PROFILE_NAMES, isProfileName, type ProfileName } from './profiles.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export {
  loadPolicy,
  policyFromData,
  resolvePolicy,
  singlePolicy,
  type LoadPolicyOptions,
  type PolicyFile,
  type PolicyOverrides,
  type PolicySet,
} from './load.js';
export type { PolicyLimits, ResolvedPolicy } from './types.js';
