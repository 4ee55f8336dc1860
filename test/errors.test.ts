/**
 * One error class per folder, each with a code from its own union (node-csv's CsvError style): the class, its
 * name, its code and its one-line message, from the functions that throw it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError } from '../src/csv/errors.js';
import { csvMapFromData, loadCsvMap } from '../src/csv/map.js';
import { UsageError } from '../src/pipeline/errors.js';
import { ConfigError } from '../src/policy/errors.js';
import { loadPolicy } from '../src/policy/load.js';
import { ReferenceDataError } from '../src/reference/errors.js';
import { X12Error } from '../src/x12/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'spinescrub-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a thrown error carries, for one toEqual (as node-csv's assert_error checks code and message). */
function caught(fn: () => unknown): { type: string; name: string; code: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return { type: e.constructor.name, name: e.name, code: e.code, message: e.message };
  }
  throw new Error('expected a throw');
}

describe('error classes', () => {
  it('X12Error: the code, the message as given', () => {
    const error = new X12Error('X12_BAD_POINTER', 'f.837: claim C1 (segment 18): line 1 (key 1): diagnosis pointer 13 is not 1–12; the claim was not written');
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.message]).toEqual([
      'X12Error',
      'X12_BAD_POINTER',
      'f.837: claim C1 (segment 18): line 1 (key 1): diagnosis pointer 13 is not 1–12; the claim was not written',
    ]);
  });

  it('CsvError from loadCsvMap: a missing file, broken JSON, an alias mapped twice', () => {
    const missing = join(dir, 'missing.json');
    expect(caught(() => loadCsvMap(missing))).toEqual({
      type: 'CsvError',
      name: 'CsvError',
      code: 'CFG_CSV_MAP_NOT_FOUND',
      message: `CFG_CSV_MAP_NOT_FOUND: ${missing}: no such file`,
    });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"columns": ');
    expect(caught(() => loadCsvMap(broken))).toEqual({
      type: 'CsvError',
      name: 'CsvError',
      code: 'CFG_CSV_MAP_JSON',
      message: `CFG_CSV_MAP_JSON: ${broken}: not valid JSON (Unexpected end of JSON input)`,
    });
    const twice = caught(() => csvMapFromData({ columns: { cpt: 'Code', code: ['Other', 'code'] } }, 'map.json'));
    expect(twice).toEqual({
      type: 'CsvError',
      name: 'CsvError',
      code: 'CFG_CSV_MAP_INVALID',
      message: "CFG_CSV_MAP_INVALID: map.json at /columns/code/1: header alias 'code' is also mapped to cpt",
    });
    const error = new CsvError('CFG_CSV_MAP_INVALID', 'r', 'map.json', '/columns');
    expect([error.file, error.path]).toEqual(['map.json', '/columns']);
  });

  it('ConfigError from loadPolicy: a missing policy file', () => {
    const missing = join(dir, 'policy.json');
    expect(caught(() => loadPolicy(missing))).toEqual({
      type: 'ConfigError',
      name: 'ConfigError',
      code: 'CFG_POLICY_NOT_FOUND',
      message: `CFG_POLICY_NOT_FOUND: ${missing}: no such file (or profile name: medicare, medicare-advantage, commercial, guide)`,
    });
    const error = new ConfigError('CFG_UNKNOWN_RULE', "unknown rule id 'x/y'", 'p.json', '/severities/x~1y');
    expect([error.message, error.file, error.path]).toEqual(["CFG_UNKNOWN_RULE: p.json at /severities/x~1y: unknown rule id 'x/y'", 'p.json', '/severities/x~1y']);
    expect(new ConfigError('CFG_POLICY_INVALID', 'invalid policy').message).toBe('CFG_POLICY_INVALID: invalid policy');
  });

  it('UsageError: the code, the message as given', () => {
    const error = new UsageError('CFG_PRIOR_STDIN', '--prior cannot read standard input');
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.message]).toEqual(['UsageError', 'CFG_PRIOR_STDIN', '--prior cannot read standard input']);
  });

  it('ReferenceDataError: the code, the message as given, not the built-in ReferenceError', () => {
    const error = new ReferenceDataError('REF_NO_SOURCE', 'reference table procedures: 64483 has no source');
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ReferenceError);
    expect([error.name, error.code, error.message]).toEqual(['ReferenceDataError', 'REF_NO_SOURCE', 'reference table procedures: 64483 has no source']);
  });
});
