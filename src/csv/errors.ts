/**
 * The CSV adapter's error, in node-csv's `CsvError` style: a `code` from one union and a one-line message. It
 * is thrown for a bad column map (`--csv-map`): a configuration the user gave, so its codes are `CFG_CSV_MAP_*`
 * and the run stops with exit 2. Problems in the CSV data are not thrown: they are FileProblems and ReadProblems
 * with `CSV_*` codes. A broken invariant or a misuse of the API (a bug) throws a plain Error; an argument check, a
 * TypeError.
 */

export type CsvErrorCode =
  /** The map file cannot be read. */
  | 'CFG_CSV_MAP_NOT_FOUND'
  /** The map file is not JSON. */
  | 'CFG_CSV_MAP_JSON'
  /** The map does not match schemas/csv-map.schema.json, or maps one header to two fields. */
  | 'CFG_CSV_MAP_INVALID';

export class CsvError extends Error {
  readonly code: CsvErrorCode;
  /** The map file. */
  readonly file: string | undefined;
  /** The JSON pointer of the bad value in it. */
  readonly path: string | undefined;
  /** The message reads `CODE: FILE at PATH: reason`, as the policy's ConfigError does. */
  constructor(code: CsvErrorCode, reason: string, file?: string, path?: string) {
    const where = [file, path ? `at ${path}` : undefined].filter(Boolean).join(' ');
    super(`${code}: ${where ? `${where}: ` : ''}${reason}`);
    this.name = 'CsvError';
    this.code = code;
    this.file = file;
    this.path = path;
  }
}
