/** The report's schema as validators: a run checks each row and held claim as it is spilled, and the summary. */
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { heldClaimOf, type HeldRecord } from '../report/held.js';
import type { ExceptionRow, RunSummary } from '../report/types.js';

export interface ReportValidators {
  row(row: ExceptionRow): void;
  held(record: HeldRecord): void;
  summary(summary: RunSummary): void;
}

const schemaUrl = new URL('../../schemas/exceptions.schema.json', import.meta.url);

/** Validators for one finding and the summary (a run validates what it writes, streaming). */
export async function reportValidators(): Promise<ReportValidators> {
  const schema = JSON.parse(await readFile(schemaUrl, 'utf8')) as { $id: string };
  // validateSchema off: our own committed schema is checked against the meta-schema by a test
  // (test/report/exceptions.test.ts), not on every run; rows are validated the same.
  const ajv = new Ajv2020({ allErrors: false, strict: true, validateSchema: false });
  ajv.addSchema(schema);
  const finding = ajv.getSchema(`${schema.$id}#/$defs/finding`);
  const summary = ajv.getSchema(`${schema.$id}#/$defs/summary`);
  const held = ajv.getSchema(`${schema.$id}#/$defs/heldClaim`);
  if (!finding || !summary || !held) throw new Error('exceptions.schema.json: $defs finding/summary/heldClaim missing');
  const check = (validate: typeof finding, value: unknown, what: string): void => {
    if (!validate(value)) {
      const error = validate.errors?.[0];
      throw new Error(`internal: ${what} does not match schemas/exceptions.schema.json: ${error?.instancePath ?? ''} ${error?.message ?? ''}`);
    }
  };
  return {
    row: (row) => check(finding, row, 'a finding'),
    // The entry exceptions.json carries: the record without its findings (those are checked as rows).
    held: (record) => check(held, heldClaimOf(record), 'a held claim'),
    summary: (value) => check(summary, value, 'the summary'),
  };
}
