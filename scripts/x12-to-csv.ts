/**
 * Writes the CSV twin of 837P files: the same claims, one row per service line, in the default column set
 * (plus total_charge, and the optional columns a file needs: description, dos_end, unit_basis, …).
 *
 *   npx tsx scripts/x12-to-csv.ts samples/*.837          → samples/<name>.csv beside each input
 *   npx tsx scripts/x12-to-csv.ts --out DIR FILE.837 …
 *
 * Files whose claims had read problems are skipped with a message (a CSV cannot carry a broken segment).
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import type { Claim, ServiceLine } from '../src/encounter/model.js';
import { DEFAULT_FIELDS, type CsvField } from '../src/csv/columns.js';
import { formatMoney } from '../src/csv/values.js';
import { readX12 } from '../src/x12/reader.js';

type Row = Partial<Record<CsvField, string>>;

function number(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

function rowOf(claim: Claim, line: ServiceLine): Row {
  const subscriberDiffers = claim.subscriber.lastName !== claim.patient.lastName
    || claim.subscriber.firstName !== claim.patient.firstName
    || claim.subscriber.dateOfBirth !== claim.patient.dateOfBirth
    || claim.subscriber.sex !== claim.patient.sex;
  return {
    claim_id: claim.claimId,
    frequency_code: claim.frequencyCode,
    payer_claim_number: claim.payerClaimNumber ?? '',
    payer_id: claim.payerId ?? '',
    payer_name: claim.payerName ?? '',
    member_id: claim.patient.memberId ?? claim.subscriber.memberId ?? '',
    patient_last: claim.patient.lastName ?? '',
    patient_first: claim.patient.firstName ?? '',
    patient_dob: claim.patient.dateOfBirth ?? '',
    patient_sex: claim.patient.sex ?? '',
    billing_npi: claim.billingNpi ?? '',
    rendering_npi: line.renderingNpi ?? claim.renderingNpi ?? '',
    pos: line.placeOfService ?? claim.placeOfService,
    dx_codes: claim.diagnoses.map((diagnosis) => diagnosis.code).join('|'),
    line_no: String(line.lineNumber),
    dos: line.serviceDate,
    cpt: line.procedure,
    modifiers: line.modifiers.join('|'),
    units: String(line.units),
    charge: formatMoney(line.chargeCents),
    dx_pointers: line.pointers.join('|'),
    ndc: line.drug?.ndc ?? '',
    ndc_qty: number(line.drug?.quantity),
    ndc_unit: line.drug?.unit ?? '',
    dose_mg: number(line.drug?.doseMg),
    total_charge: formatMoney(claim.totalChargeCents),
    description: line.description ?? '',
    dos_end: line.serviceDateEnd ?? '',
    unit_basis: line.unitBasis,
    procedure_qualifier: line.procedureQualifier,
    ndc_qualifier: line.drug?.ndcQualifier ?? '',
    subscriber_last: subscriberDiffers ? (claim.subscriber.lastName ?? '') : '',
    subscriber_first: subscriberDiffers ? (claim.subscriber.firstName ?? '') : '',
    subscriber_dob: subscriberDiffers ? (claim.subscriber.dateOfBirth ?? '') : '',
    subscriber_sex: subscriberDiffers ? (claim.subscriber.sex ?? '') : '',
  };
}

/** Optional columns, and when a file needs them (their default reading would differ otherwise). */
const OPTIONAL: [CsvField, (row: Row) => boolean][] = [
  ['total_charge', () => true],
  ['description', (row) => row.description !== ''],
  ['dos_end', (row) => row.dos_end !== ''],
  ['unit_basis', (row) => row.unit_basis !== 'UN'],
  ['procedure_qualifier', (row) => row.procedure_qualifier !== 'HC'],
  ['ndc_qualifier', (row) => (row.ndc !== '' ? row.ndc_qualifier !== 'N4' : row.ndc_qualifier !== '')],
  ['subscriber_last', (row) => row.subscriber_last !== ''],
  ['subscriber_first', (row) => row.subscriber_first !== ''],
  ['subscriber_dob', (row) => row.subscriber_dob !== ''],
  ['subscriber_sex', (row) => row.subscriber_sex !== ''],
];

/** The claims as CSV text (LF line endings, quoting only where needed). */
export function claimsToCsv(claims: readonly Claim[]): string {
  const rows = claims.flatMap((claim) => claim.lines.map((line) => rowOf(claim, line)));
  const columns: CsvField[] = [...DEFAULT_FIELDS, ...OPTIONAL.filter(([, needed]) => rows.some(needed)).map(([field]) => field)];
  return stringify(rows.map((row) => columns.map((field) => row[field] ?? '')), { header: true, columns: columns.map(String), record_delimiter: '\n' });
}

/** Read an 837P file; undefined (with the reason) when it has read problems. */
export async function readX12Claims(path: string): Promise<{ claims: Claim[] } | { problem: string }> {
  const reader = readX12(createReadStream(path), path);
  const claims: Claim[] = [];
  for await (const read of reader.claims()) {
    if (read.claim.readProblems.length > 0) return { problem: read.claim.readProblems[0]!.message };
    if (read.claim.diagnoses.some((diagnosis) => diagnosis.icd9)) return { problem: `claim ${read.claim.claimId} has ICD-9 diagnoses (BK/BF), which the CSV cannot mark` };
    claims.push(read.claim);
  }
  const fatal = reader.problems[0];
  if (fatal !== undefined) return { problem: fatal.message };
  return { claims };
}

async function main(argv: string[]): Promise<void> {
  let outDir: string | undefined;
  const files: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    if (argv[index] === '--out') outDir = argv[++index];
    else files.push(argv[index]!);
  }
  if (files.length === 0) throw new TypeError('Expected 837P files: npx tsx scripts/x12-to-csv.ts [--out DIR] FILE.837 …');
  for (const file of files) {
    const result = await readX12Claims(file);
    if ('problem' in result) {
      console.error(`skipped ${file}: ${result.problem}`);
      continue;
    }
    const target = join(outDir ?? dirname(file), `${basename(file).replace(/\.[^.]*$/, '')}.csv`);
    writeFileSync(target, claimsToCsv(result.claims));
    console.log(`${file} → ${target} (${result.claims.length} claims)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
