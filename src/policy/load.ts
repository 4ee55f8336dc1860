/**
 * Loading a policy: a profile name (`medicare`, `guide`, `commercial`, `medicare-advantage`) or a custom JSON file
 * validated with ajv against schemas/policy.schema.json. A file extends a profile, overrides limits, severities
 * (`off` disables a rule), billing styles and rule options, maps payer classes to profiles (`payerClasses`), and
 * may override further per payer id (`payers`, which may also name the payer's class). Errors are `CFG_*`
 * ConfigErrors naming the file and the JSON path, on one line.
 *
 * Which profile judges a claim (docs/payer-classes.md): the payer class is the payer entry's `payerClass`, else the
 * claim's filing indicator (SBR09); the class's profile is the file's `payerClasses` entry, else the built-in one
 * (payer-classes.ts: MB, ZZ and none → the policy's base profile; 16 → medicare-advantage; others → commercial).
 * A payer entry's own `extends` wins over the class.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ajvProblems, schemaPropertiesAt } from './ajv-errors.js';
import { nearest } from './near.js';
import type { RuleModule, SeveritySetting } from '../rules/types.js';
import { ConfigError } from './errors.js';
import { builtInProfileOf, PAYER_CLASSES, payerClassOf } from './payer-classes.js';
import { isProfileName, profiles, PROFILE_NAMES, type ProfileName } from './profiles.js';
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

/** A payer entry: overrides, and optionally the payer's class (wins over the claims' filing indicator). */
export interface PayerOverrides extends PolicyOverrides {
  payerClass?: string;
}

export interface PolicyFile extends PolicyOverrides {
  description?: string;
  /** Payer class (SBR09 code) → the profile that judges its claims, over the built-in mapping. */
  payerClasses?: Record<string, ProfileName>;
  payers?: Record<string, PayerOverrides>;
}

/** A loaded policy: the default, and the policy that applies to a claim's payer id and payer class. */
export interface PolicySet {
  name: string;
  /** Where it came from: the profile name or the file. */
  origin: string;
  /** The policy of a claim with no payer entry and no known class (ZZ or none). */
  default: ResolvedPolicy;
  /** The payer ids with their own overrides. */
  payers: string[];
  /** The profile of each payer class code (payer-classes.ts), as this policy maps them. */
  classes: Readonly<Record<string, ProfileName>>;
  /**
   * A claim's payer class: its payer entry's `payerClass`, else its filing indicator when that is a known code;
   * undefined: none known (the policy's default profile judges it).
   */
  payerClassOf(payerId: string | undefined, filingIndicator?: string): string | undefined;
  /**
   * The policy for a claim's payer id and filing indicator (SBR09). The same object for the same payer entry and
   * profile (the engine caches rule lists per policy object).
   */
  policyFor(payerId: string | undefined, filingIndicator?: string): ResolvedPolicy;
}

export interface LoadPolicyOptions {
  /** The rules whose ids and option schemas a policy file is checked against (unknown rule id → CFG_UNKNOWN_RULE). */
  rules?: readonly RuleModule<unknown>[];
}

const schemaUrl = new URL('../../schemas/policy.schema.json', import.meta.url);
let validatePolicyFile: ReturnType<Ajv['compile']> | undefined;
let policySchemaData: object | undefined;
const ajv = new Ajv({ allErrors: true, strict: false });

function policySchema(): object {
  policySchemaData ??= JSON.parse(readFileSync(schemaUrl, 'utf8')) as object;
  return policySchemaData;
}

function validator() {
  validatePolicyFile ??= ajv.compile(policySchema());
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
    ruleDefaults: start.ruleDefaults,
    limits: { ...start.limits, ...overrides.limits },
    severities: { ...start.severities, ...overrides.severities },
    ruleOptions,
    bilateralStyle: overrides.bilateralStyle ?? start.bilateralStyle,
    autoDistinct: overrides.autoDistinct ?? start.autoDistinct,
    removeContrast: overrides.removeContrast ?? start.removeContrast,
    liabilityModifier: overrides.liabilityModifier !== undefined ? overrides.liabilityModifier : start.liabilityModifier,
  };
}

/** A PolicySet that judges every claim by one ResolvedPolicy, whatever its payer or class (tests, embedding). */
export function singlePolicy(policy: ResolvedPolicy, origin = policy.name): PolicySet {
  const classes = Object.fromEntries(Object.keys(PAYER_CLASSES).map((code) => [code, policy.profile]));
  return {
    name: policy.name,
    origin,
    default: policy,
    payers: [],
    classes,
    payerClassOf: (_payerId, indicator) => payerClassOf(indicator),
    policyFor: () => policy,
  };
}

/**
 * A profile name (its claims' classes mapped as payer-classes.ts says, the named profile as the base), or a path
 * to a JSON policy file. No name: `medicare`.
 */
export function loadPolicy(nameOrFile: string | undefined, options: LoadPolicyOptions = {}): PolicySet {
  const name = nameOrFile ?? 'medicare';
  if (isProfileName(name)) return policySet({}, name, name, profiles[name], true);
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file (or profile name: ${PROFILE_NAMES.join(', ')})` : (error as Error).message;
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

interface PolicyProblem {
  code: ConfigError['code'];
  path: string;
  message: string;
}

/** One ConfigError for every problem found: `CODE: FILE at PATH: reason; at PATH: reason`. */
function policyError(problems: readonly PolicyProblem[], file: string): ConfigError {
  const [first, ...rest] = problems;
  const more = rest.map((problem) => `; at ${problem.path}: ${problem.message}`).join('');
  return new ConfigError(first!.code, `${first!.message}${more}`, file, first!.path);
}

/** Validates and resolves parsed policy JSON (`file` names it in errors). Every problem is reported at once. */
export function policyFromData(data: unknown, file: string, options: LoadPolicyOptions = {}): PolicySet {
  const validate = validator();
  if (!validate(data)) {
    const problems = ajvProblems(validate.errors, (at) => schemaPropertiesAt(policySchema(), at));
    throw policyError(problems.length > 0 ? problems.map((problem) => ({ code: 'CFG_POLICY_INVALID', ...problem })) : [{ code: 'CFG_POLICY_INVALID', path: '/', message: 'invalid policy' }], file);
  }
  const policyFile = data as PolicyFile;
  const ruleProblems = checkRules(policyFile, '', options);
  for (const [payer, overrides] of Object.entries(policyFile.payers ?? {})) ruleProblems.push(...checkRules(overrides, `/payers/${pointerEscape(payer)}`, options));
  if (ruleProblems.length > 0) throw policyError(ruleProblems, file);

  const baseName = policyFile.name ?? file.replace(/^.*[\\/]/, '').replace(/\.json$/i, '');
  const base = resolvePolicy(profiles[policyFile.extends ?? 'medicare'], { ...policyFile, extends: undefined }, baseName);
  return policySet(policyFile, baseName, file, base);
}

/**
 * The PolicySet of a policy file, `base` being the file's own policy; `bare` for a profile name (`--policy guide`),
 * whose classes are judged by the built-in profile objects themselves. A class's policy is the file's overrides over
 * the class's profile, named after the file; a payer entry's overrides go over its class's policy, or over its own
 * `extends`.
 */
function policySet(policyFile: PolicyFile, baseName: string, origin: string, base: ResolvedPolicy, bare = false): PolicySet {
  const topLevel: PolicyOverrides = { ...policyFile, extends: undefined };
  delete (topLevel as PolicyFile).payers;
  delete (topLevel as PolicyFile).payerClasses;
  const classes: Record<string, ProfileName> = {};
  for (const code of Object.keys(PAYER_CLASSES)) classes[code] = policyFile.payerClasses?.[code] ?? builtInProfileOf(code, base.profile);
  const defaultProfile = base.profile;

  // The policy of each profile, made once: the same object for every claim it judges.
  const byProfile = new Map<ProfileName, ResolvedPolicy>([[defaultProfile, base]]);
  const profilePolicy = (profile: ProfileName): ResolvedPolicy => {
    let policy = byProfile.get(profile);
    if (policy === undefined) {
      policy = bare ? profiles[profile] : resolvePolicy(profiles[profile], topLevel, baseName);
      byProfile.set(profile, policy);
    }
    return policy;
  };
  const payerEntries = policyFile.payers ?? {};
  const perPayer = new Map<string, ResolvedPolicy>();
  const payerPolicy = (payer: string, profile: ProfileName): ResolvedPolicy => {
    const overrides = payerEntries[payer]!;
    const key = `${payer}\u0000${profile}`;
    let policy = perPayer.get(key);
    if (policy === undefined) {
      const rest: PayerOverrides = { ...overrides, extends: undefined };
      delete rest.payerClass;
      policy = resolvePolicy(profilePolicy(profile), rest, `${baseName}/${payer}`);
      perPayer.set(key, policy);
    }
    return policy;
  };
  const payerClassOfClaim = (payerId: string | undefined, indicator?: string): string | undefined => {
    const entry = payerId !== undefined && Object.hasOwn(payerEntries, payerId) ? payerEntries[payerId] : undefined;
    return entry?.payerClass ?? payerClassOf(indicator);
  };
  return {
    name: base.name,
    origin,
    default: base,
    payers: Object.keys(payerEntries),
    classes,
    payerClassOf: payerClassOfClaim,
    policyFor: (payerId, indicator) => {
      const payerClass = payerClassOfClaim(payerId, indicator);
      const entry = payerId !== undefined && Object.hasOwn(payerEntries, payerId) ? payerEntries[payerId] : undefined;
      const profile = entry?.extends ?? (payerClass === undefined ? defaultProfile : classes[payerClass]!);
      return entry !== undefined ? payerPolicy(payerId!, profile) : profilePolicy(profile);
    },
  };
}

function checkRules(overrides: PolicyOverrides, prefix: string, options: LoadPolicyOptions): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  if (!options.rules) return problems;
  const byId = new Map(options.rules.map((rule) => [rule.meta.id, rule] as const));
  const unknown = (id: string, path: string): PolicyProblem => {
    const near = nearest(id, [...byId.keys()]);
    return { code: 'CFG_UNKNOWN_RULE', path, message: `unknown rule id '${id}' (${near ? `did you mean ${near}? ` : ''}see \`spinescrub rules\`)` };
  };
  for (const id of Object.keys(overrides.severities ?? {})) {
    if (!byId.has(id)) problems.push(unknown(id, `${prefix}/severities/${pointerEscape(id)}`));
  }
  for (const [id, ruleOptions] of Object.entries(overrides.ruleOptions ?? {})) {
    const rule = byId.get(id);
    const path = `${prefix}/ruleOptions/${pointerEscape(id)}`;
    if (!rule) {
      problems.push(unknown(id, path));
      continue;
    }
    if (!rule.meta.schema) {
      problems.push({ code: 'CFG_RULE_OPTIONS', path, message: `rule '${id}' takes no options` });
      continue;
    }
    const validate = ajv.compile(rule.meta.schema);
    if (!validate(ruleOptions)) {
      for (const problem of ajvProblems(validate.errors, (at) => schemaPropertiesAt(rule.meta.schema as object, at))) {
        problems.push({ code: 'CFG_RULE_OPTIONS', path: problem.path === '/' ? path : `${path}${problem.path}`, message: problem.message });
      }
    }
  }
  return problems;
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
