/**
 * The config file, as ESLint and Stylelint users expect one: found from the working directory upward
 * (`spinescrub.config.json`, `.spinescrubrc.json`, or a `spinescrub` key in package.json, through lilconfig) or
 * named with `--config FILE`; `--no-config` looks for none. Keys are the long options in camelCase (schemas/
 * config.schema.json, every problem reported at once); relative paths are resolved against the file's folder; an
 * option given on the command line wins over the file, and the file over the defaults.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { lilconfig } from 'lilconfig';
import type { Argv } from 'yargs';
import { isPostgresUrl } from '../history/defaults.js';
import { ajvProblems, schemaPropertiesAt } from '../policy/ajv-errors.js';
import { isProfileName } from '../policy/profiles.js';

export const CONFIG_NAME = 'spinescrub';
/** Where a config is looked for in each folder, first match wins. */
export const CONFIG_FILES = ['spinescrub.config.json', '.spinescrubrc.json', 'package.json'] as const;

export const CONFIG_SCHEMA_URL = new URL('../../schemas/config.schema.json', import.meta.url);

/** Values of a config file, camelCase keys as in schemas/config.schema.json. */
export type ConfigValues = Record<string, unknown>;

export interface LoadedConfig {
  /** The file the values came from; null when there is none. */
  file: string | null;
  /** The values, paths resolved against the file's folder. */
  values: ConfigValues;
}

export type ConfigFileErrorCode = 'CFG_CONFIG_NOT_FOUND' | 'CFG_CONFIG_JSON' | 'CFG_CONFIG_INVALID';

/** A config file that cannot be used: exit 2, one line naming the file (and every bad key). */
export class ConfigFileError extends Error {
  readonly code: ConfigFileErrorCode;
  constructor(code: ConfigFileErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'ConfigFileError';
    this.code = code;
  }
}

/** Keys whose values are paths (resolved against the config file's folder). */
const PATH_KEYS = ['out', 'history', 'prior', 'csvMap', 'reference'] as const;

let schemaData: object | undefined;
let validateConfig: ReturnType<Ajv['compile']> | undefined;

export function configSchema(): object {
  schemaData ??= JSON.parse(readFileSync(CONFIG_SCHEMA_URL, 'utf8')) as object;
  return schemaData;
}

/** Every problem of a config object, `path: message` each (empty when it is valid). */
export function configProblems(values: unknown): string[] {
  validateConfig ??= new Ajv({ allErrors: true, strict: false }).compile(configSchema());
  if (validateConfig(values)) return [];
  return ajvProblems(validateConfig.errors, (at) => schemaPropertiesAt(configSchema(), at)).map((problem) => `${problem.path}: ${problem.message}`);
}

function resolvePaths(values: ConfigValues, folder: string): ConfigValues {
  const out: ConfigValues = { ...values };
  delete out.$schema;
  // A history given as a postgres:// URL is not a path.
  const resolve = (value: unknown): unknown => (typeof value === 'string' && !isPostgresUrl(value) ? path.resolve(folder, value) : value);
  for (const key of PATH_KEYS) {
    const value = out[key];
    if (value === undefined || value === false) continue;
    out[key] = Array.isArray(value) ? value.map(resolve) : resolve(value);
  }
  // A policy is a profile name or a file.
  if (typeof out.policy === 'string' && !isProfileName(out.policy)) out.policy = path.resolve(folder, out.policy);
  if (typeof out.csvMap === 'string') out.csvMap = [out.csvMap];
  return out;
}

function parseJson(file: string, content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch (error) {
    throw new ConfigFileError('CFG_CONFIG_JSON', `${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/**
 * The config in force: `explicit` (`--config FILE`), else the first found from `cwd` upward, else none.
 * `explicit === false` (`--no-config`) looks for none.
 */
export async function loadConfig(explicit: string | false | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  if (explicit === false) return { file: null, values: {} };
  const searcher = lilconfig(CONFIG_NAME, {
    searchPlaces: [...CONFIG_FILES],
    stopDir: path.parse(path.resolve(cwd)).root,
    loaders: { '.json': (file: string, content: string) => parseJson(file, content), noExt: (file: string, content: string) => parseJson(file, content) },
  });
  let found;
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    try {
      found = await searcher.load(file);
    } catch (error) {
      if (error instanceof ConfigFileError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigFileError('CFG_CONFIG_NOT_FOUND', `${explicit}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message} (--config)`);
    }
    // A package.json named with --config without a "spinescrub" key holds no options.
    found ??= { filepath: file, config: {} };
  } else {
    found = await searcher.search(cwd);
  }
  if (found === null) return { file: null, values: {} };
  const values: unknown = found.config ?? {};
  const problems = configProblems(values);
  if (problems.length > 0) {
    throw new ConfigFileError('CFG_CONFIG_INVALID', `${found.filepath}: ${problems.join('; ')} (schemas/config.schema.json)`);
  }
  return { file: found.filepath, values: resolvePaths(values as ConfigValues, path.dirname(found.filepath)) };
}

/** The `--config` / `--no-config` of an argument list, read before yargs parses it (the config feeds the parse). */
export function configArgument(argv: readonly string[]): string | false | undefined {
  let result: string | false | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') break;
    if (arg === '--no-config') result = false;
    else if (arg === '--config' || arg === '-c') result = argv[index + 1];
    else if (arg.startsWith('--config=')) result = arg.slice('--config='.length);
  }
  return result;
}

/** The values a command knows (its options by camelCase name), so a key for another command is not an error. */
export function valuesFor(values: ConfigValues, known: ReadonlySet<string>): ConfigValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => known.has(key)));
}


let active: LoadedConfig = { file: null, values: {} };

/** The config of this invocation (cli.ts sets it before the commands are built). */
export function activeConfig(): LoadedConfig {
  return active;
}

export function setActiveConfig(config: LoadedConfig): void {
  active = config;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_whole, letter: string) => letter.toUpperCase());
}

/**
 * Gives a command's options their config-file values (yargs `config`: the command line still wins, and the
 * values pass the options' own checks). Call it at the end of a command's builder.
 */
export function withConfig<T>(yargs: Argv<T>): Argv<T> {
  const options = (yargs as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions();
  const known = new Set(Object.keys(options.key).map(camelCase));
  const values = valuesFor(active.values, known);
  return Object.keys(values).length > 0 ? yargs.config(values) : yargs;
}
