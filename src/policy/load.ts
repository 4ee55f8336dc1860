/**
 * Loading a policy: a profile name (`medicare`, `guide`) or a custom JSON file validated with ajv against
 * schemas/policy.schema.json. A file extends a profile, overrides limits, severities (`off` disables a rule),
 * billing styles and rule options, and may override further per payer id (`payers`). Errors are `CFG_*`
 * ConfigErrors naming the file and the JSON path, on one line.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { ajvProblems, schemaPropertiesAt } from './ajv-errors.js';
import { nearest } from './near.js';
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
