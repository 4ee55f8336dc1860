/**
 * Loading a policy: a profile name (`medicare`, `guide`) or a custom JSON file validated with ajv against
 * schemas/policy.schema.json. A file extends a profile, overrides limits, severities (`off` disables a rule),
 * billing styles and rule options, and may override further per payer id (`payers`). Errors are `CFG_*`
 * ConfigErrors naming the file and the JSON path, on one line.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import type { RuleModule, SeveritySetting } from '../rules/types.js';
import { ConfigError } from './errors.js';
import { isProfileName, profiles, type ProfileName } from './profiles.js';
import type { PolicyLimits, ResolvedPolicy } from './types.js';

/** The overrides a policy file (or one of its payers) may carry: the shape of schemas/policy.schema.json. */
export interface PolicyOverrides {
  name?: string;
  extends?: ProfileName;
  limits?: Partial<PolicyLimits>;
  severities?: Record<string, SeveritySetting>;
  ruleOptions?: Record<string, Record<string, unknown>>;
  bilateralStyle?: ResolvedPolicy['bilateralStyle'];
  autoDistinct?: boolean;
  removeContrast?: boolean;
  liabilityModifier?: ResolvedPolicy['liabilityModifier'];
}

export interface PolicyFile extends PolicyOverrides {
  description?: string;
  payers?: Record<string, PolicyOverrides>;
}

/** A loaded policy: the default, and the policy that applies to a claim's payer id. */
export interface PolicySet {
  name: string;
  /** Where it came from: the profile name or the file. */
  origin: string;
  default: ResolvedPolicy;
  /** The payer ids with their own overrides. */
  payers: string[];
  /** The policy for a claim's payer id (the default when the payer has no overrides). Same object for the same id. */
  policyFor(payerId: string | undefined): ResolvedPolicy;
}

export interface LoadPolicyOptions {
  /** The rules whose ids and option schemas a policy file is checked against (unknown rule id → CFG_UNKNOWN_RULE). */
  rules?: readonly RuleModule<unknown>[];
}

const schemaUrl = new URL('../../schemas/policy.schema.json', import.meta.url);
let validatePolicyFile: ReturnType<Ajv['compile']> | undefined;
const ajv = new Ajv({ allErrors: false, strict: false });

function validator() {
  validatePolicyFile ??= ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')) as object);
  return validatePolicyFile;
}

/** Resolves overrides over a base policy into a new ResolvedPolicy. */
export function resolvePolicy(base: ResolvedPolicy, overrides: PolicyOverrides, name?: string): ResolvedPolicy {
  const start = overrides.extends ? profiles[overrides.extends] : base;
  const ruleOptions: Record<string, Record<string, unknown>> = { ...start.ruleOptions };
  for (const [id, options] of Object.entries(overrides.ruleOptions ?? {})) ruleOptions[id] = { ...ruleOptions[id], ...options };
  return {
    name: overrides.name ?? name ?? start.name,
    profile: start.profile,
    limits: { ...start.limits, ...overrides.limits },
    severities: { ...start.severities, ...overrides.severities },
    ruleOptions,
    bilateralStyle: overrides.bilateralStyle ?? start.bilateralStyle,
    autoDistinct: overrides.autoDistinct ?? start.autoDistinct,
    removeContrast: overrides.removeContrast ?? start.removeContrast,
    liabilityModifier: overrides.liabilityModifier !== undefined ? overrides.liabilityModifier : start.liabilityModifier,
  };
}

/** A PolicySet from one ResolvedPolicy with no per-payer overrides (for profiles and tests). */
export function singlePolicy(policy: ResolvedPolicy, origin = policy.name): PolicySet {
  return { name: policy.name, origin, default: policy, payers: [], policyFor: () => policy };
}

/** `medicare`, `guide`, or a path to a JSON policy file. */
export function loadPolicy(nameOrFile: string | undefined, options: LoadPolicyOptions = {}): PolicySet {
  const name = nameOrFile ?? 'medicare';
  if (isProfileName(name)) return singlePolicy(profiles[name]);
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (or profile name: medicare, guide)' : (error as Error).message;
    throw new ConfigError('CFG_POLICY_NOT_FOUND', reason, name);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('CFG_POLICY_JSON', `not valid JSON (${(error as Error).message.split('\n')[0]})`, name);
  }
  return policyFromData(data, name, options);
}

/** Validates and resolves parsed policy JSON (`file` names it in errors). */
export function policyFromData(data: unknown, file: string, options: LoadPolicyOptions = {}): PolicySet {
  const validate = validator();
  if (!validate(data)) {
    const error = (validate.errors ?? [])[0];
    throw new ConfigError('CFG_POLICY_INVALID', error ? describeAjvError(error) : 'invalid policy', file, error ? jsonPath(error) : undefined);
  }
  const policyFile = data as PolicyFile;
  checkRules(policyFile, '', file, options);
  for (const [payer, overrides] of Object.entries(policyFile.payers ?? {})) checkRules(overrides, `/payers/${pointerEscape(payer)}`, file, options);

  const baseName = policyFile.name ?? file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  const base = resolvePolicy(profiles[policyFile.extends ?? 'medicare'], { ...policyFile, extends: undefined }, baseName);
  const perPayer = new Map<string, ResolvedPolicy>();
  for (const [payer, overrides] of Object.entries(policyFile.payers ?? {})) {
    const start = overrides.extends ? resolvePolicy(profiles[overrides.extends], { ...policyFile, extends: undefined }, baseName) : base;
    perPayer.set(payer, resolvePolicy(start, { ...overrides, extends: undefined }, `${baseName}/${payer}`));
  }
  return {
    name: base.name,
    origin: file,
    default: base,
    payers: [...perPayer.keys()],
    policyFor: (payerId) => (payerId !== undefined ? perPayer.get(payerId) : undefined) ?? base,
  };
}

function checkRules(overrides: PolicyOverrides, prefix: string, file: string, options: LoadPolicyOptions): void {
  if (!options.rules) return;
  const byId = new Map(options.rules.map((rule) => [rule.meta.id, rule] as const));
  for (const id of Object.keys(overrides.severities ?? {})) {
    if (!byId.has(id)) throw new ConfigError('CFG_UNKNOWN_RULE', `unknown rule id '${id}' (see \`spinescrub rules\`)`, file, `${prefix}/severities/${pointerEscape(id)}`);
  }
  for (const [id, ruleOptions] of Object.entries(overrides.ruleOptions ?? {})) {
    const rule = byId.get(id);
    const path = `${prefix}/ruleOptions/${pointerEscape(id)}`;
    if (!rule) throw new ConfigError('CFG_UNKNOWN_RULE', `unknown rule id '${id}' (see \`spinescrub rules\`)`, file, path);
    if (!rule.meta.schema) throw new ConfigError('CFG_RULE_OPTIONS', `rule '${id}' takes no options`, file, path);
    const validate = ajv.compile(rule.meta.schema);
    if (!validate(ruleOptions)) {
      const error = (validate.errors ?? [])[0];
      throw new ConfigError('CFG_RULE_OPTIONS', error ? describeAjvError(error) : 'invalid options', file, error ? `${path}${error.instancePath}` : path);
    }
  }
}

function jsonPath(error: ErrorObject): string {
  const base = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    if (extra !== undefined) return `${error.instancePath}/${pointerEscape(extra)}`;
  }
  return base;
}

function describeAjvError(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'unknown property';
    case 'enum':
      return `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? 'invalid value';
  }
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
