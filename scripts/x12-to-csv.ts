/**
 * Writes the CSV twin of 837P files: the same claims, one row per service line, in the default column set
 * (plus total_charge, and the optional columns a file needs: description, dos_end, unit_basis, …).
 *
 *   npx tsx scripts/x12-to-csv.ts samples/*.837          → samples/<name>.csv beside each input
 *   npx tsx scripts/x12-to-csv.ts --out DIR FILE.837 …
 *   npx tsx scripts/x12-to-csv.ts --map samples/maps/tebra-kareo.json --crlf --bom --name samples/x.csv FILE.837
 *     → the export that column map reads: its columns in the map's order, named by each field's first alias,
 *       cells in the map's date, money, list and pointer styles
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
import { createCsvWriter, loadCsvMap, newCsvLayout, type CsvColumnMap } from '../src/csv/index.js';
import { PassThrough } from 'node:stream';

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
    claim_filing_indicator: claim.claimFilingIndicator ?? '',
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

/** The claims as the export `map` describes (header: each mapped field's first alias, in the map's order). */
export async function claimsToMappedCsv(claims: readonly Claim[], map: CsvColumnMap, options: { eol?: string; bom?: boolean } = {}): Promise<Buffer> {
  const header = Object.values(map.columns ?? {}).map((aliases) => (Array.isArray(aliases) ? aliases[0]! : aliases));
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (chunk: Buffer) => parts.push(chunk));
  const writer = createCsvWriter(out, newCsvLayout('-', header, map, options));
  for (const claim of claims) await writer.write({ claim, raw: { rows: [] } }, claim, true);
  await writer.close();
  return Buffer.concat(parts);
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
  let mapFile: string | undefined;
  let name: string | undefined;
  const files: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    if (argv[index] === '--out') outDir = argv[++index];
    else if (argv[index] === '--map') mapFile = argv[++index];
    else if (argv[index] === '--name') name = argv[++index];
    else if (argv[index] !== '--crlf' && argv[index] !== '--bom') files.push(argv[index]!);
  }
  const map = mapFile === undefined ? undefined : loadCsvMap(mapFile);
  if (name !== undefined && files.length !== 1) throw new TypeError('Expected one input file with `--name`');
  if (files.length === 0) throw new TypeError('Expected 837P files: npx tsx scripts/x12-to-csv.ts [--out DIR] FILE.837 …');
  for (const file of files) {
    const result = await readX12Claims(file);
    if ('problem' in result) {
      console.error(`skipped ${file}: ${result.problem}`);
      continue;
    }
    const target = name ?? join(outDir ?? dirname(file), `${basename(file).replace(/\.[^.]*$/, '')}.csv`);
    const options = { eol: argv.includes('--crlf') ? '\r\n' : '\n', bom: argv.includes('--bom') };
    writeFileSync(target, map === undefined ? claimsToCsv(result.claims) : await claimsToMappedCsv(result.claims, map, options));
    console.log(`${file} → ${target} (${result.claims.length} claims)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
