/**
 * The policy layer's error: a policy (a profile name or a JSON file) that cannot be used, with a `CFG_*` code and
 * a one-line message naming the file and the JSON path. A run stops on it with exit 2.
 */

export type ConfigErrorCode =
  /** The policy file cannot be read (and is not a profile name). */
  | 'CFG_POLICY_NOT_FOUND'
  /** The policy file is not JSON. */
  | 'CFG_POLICY_JSON'
  /** The policy does not match schemas/policy.schema.json. */
  | 'CFG_POLICY_INVALID'
  /** A severity or rule options for a rule id the catalogue does not have. */
  | 'CFG_UNKNOWN_RULE'
  /** Options for a rule that takes none, or options its schema rejects. */
  | 'CFG_RULE_OPTIONS';

export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  /** The policy file (or profile name). */
  readonly file: string | undefined;
  /** The JSON pointer of the bad value in it. */
  readonly path: string | undefined;
  /** The message reads `CODE: FILE at PATH: reason`. */
  constructor(code: ConfigErrorCode, reason: string, file?: string, path?: string) {
    const where = [file, path ? `at ${path}` : undefined].filter(Boolean).join(' ');
    super(`${code}: ${where ? `${where}: ` : ''}${reason}`);
    this.name = 'ConfigError';
    this.code = code;
    this.file = file;
    this.path = path;
  }
}
