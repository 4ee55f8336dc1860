/**
 * loadCsvMap: a JSON column map (`--csv-map FILE`) validated with ajv against schemas/csv-map.schema.json.
 * Errors are CsvErrors (`CFG_CSV_MAP_*`) naming the file and the JSON path, on one line.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { normalizeHeaderName, type CsvColumnMap, type CsvField } from './columns.js';
import { CsvError } from './errors.js';

const schemaUrl = new URL('../../schemas/csv-map.schema.json', import.meta.url);
let validateMap: ValidateFunction | undefined;

function validator(): ValidateFunction {
  validateMap ??= new Ajv({ allErrors: false, strict: false }).compile(JSON.parse(readFileSync(schemaUrl, 'utf8')) as object);
  return validateMap;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) return `unknown field '${error.propertyName}'`;
  if (error.keyword === 'additionalProperties') return `unknown property '${String(params.additionalProperty)}'`;
  if (error.keyword === 'enum') return `${error.message ?? 'must be one of the allowed values'}: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
  if (error.keyword === 'propertyNames') return `unknown field '${String(params.propertyName)}'`;
  return error.message ?? 'invalid';
}

function pathOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) return `${error.instancePath}/${error.propertyName}`;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${String(params.additionalProperty)}`;
  if (error.keyword === 'propertyNames') return `${error.instancePath}/${String(params.propertyName)}`;
  return error.instancePath || '/';
}

/** Validate parsed map JSON (`file` names it in errors). */
export function csvMapFromData(data: unknown, file: string): CsvColumnMap {
  const validate = validator();
  if (!validate(data)) {
    const error = (validate.errors ?? [])[0];
    throw new CsvError('CFG_CSV_MAP_INVALID', error ? describe(error) : 'invalid column map', file, error ? pathOf(error) : undefined);
  }
  const map = data as CsvColumnMap;
  const owner = new Map<string, CsvField>();
  for (const [field, aliases] of Object.entries(map.columns ?? {}) as [CsvField, string | string[]][]) {
    const list = Array.isArray(aliases) ? aliases : [aliases];
    list.forEach((alias, index) => {
      const key = normalizeHeaderName(alias);
      const other = owner.get(key);
      if (other !== undefined && other !== field) {
        const path = `/columns/${field}${Array.isArray(aliases) ? `/${index}` : ''}`;
        throw new CsvError('CFG_CSV_MAP_INVALID', `header alias '${alias}' is also mapped to ${other}`, file, path);
      }
      owner.set(key, field);
    });
  }
  return map;
}

export function loadCsvMap(path: string): CsvColumnMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CsvError('CFG_CSV_MAP_NOT_FOUND', reason, path);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CsvError('CFG_CSV_MAP_JSON', `not valid JSON (${(error as Error).message.split('\n')[0]})`, path);
  }
  return csvMapFromData(data, path);
}
