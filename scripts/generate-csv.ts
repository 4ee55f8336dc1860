/**
 * A synthetic CSV claim export of any size, in the default column set: spine pain-management claims (ESI, facet,
 * RFA, imaging, drugs), 1–6 rows per claim. Deterministic: the same options give the same bytes.
 *
 *   npx tsx scripts/generate-csv.ts --mb 50 --seed 1 --out /tmp/claims-50mb.csv [--unsorted] [--crlf]
 *
 * --unsorted interleaves the rows of neighbouring claims (each claim's rows spread over a window of claims), as
 * an export ordered by date of service rather than by claim would.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { DEFAULT_FIELDS } from '../src/csv/columns.js';
import { formatMoney } from '../src/csv/values.js';

export interface GenerateOptions {
  mb: number;
  seed: number;
  unsorted?: boolean;
  crlf?: boolean;
}

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LAST = ['TESTPATIENT', 'SYNTHETIC', 'SAMPLEONE', 'EXAMPLAR', 'FIXTURE', 'DUMMYROW'];
const FIRST = ['ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT', 'GOLF', 'HOTEL'];
/** [payer id, name, claim filing indicator (SBR09)]. */
const PAYERS: [string, string, string][] = [['P0001', 'SYNTH MEDICARE', 'MB'], ['P0002', 'SYNTH COMMERCIAL', 'CI'], ['P0003', 'SYNTH ADVANTAGE', '16']];
const DX = ['M5416', 'M5417', 'M5116', 'M5126', 'M47816', 'M47817', 'M4802', 'M48061', 'M5412', 'M50122', 'M4726', 'G8929', 'M545'];

/** Sessions as line templates: [code, modifiers, units, charge cents, ndc?]. */
const SESSIONS: [string, string, number, number, string?][][] = [
  [['64483', 'RT', 1, 85000], ['64484', 'RT', 1, 30050]],
  [['64493', '50', 1, 120000], ['64494', '50', 1, 45000]],
  [['62323', '', 1, 90000], ['77003', '26', 1, 15000], ['J1040', '', 1, 1225, '00009307403']],
  [['64635', 'LT', 1, 150000], ['64636', 'LT', 2, 60000]],
  [['64490', 'RT', 1, 110000], ['64491', 'RT', 1, 40000], ['64492', 'RT', 1, 35000]],
  [['62321', '', 1, 80000], ['J3301', '', 4, 500, '00003029320'], ['J2001', '', 1, 300]],
  [['99214', '25', 1, 21000], ['64483', 'LT', 1, 85000], ['64484', 'LT', 2, 30000], ['Q9966', '', 1, 2000]],
];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** The rows of claim `index` (fields in DEFAULT_FIELDS order). */
function claimRows(index: number, next: () => number, seed: number): string[][] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const patient = Math.floor(next() * 50_000);
  const [payerId, payerName, filingIndicator] = pick(PAYERS);
  const replacement = next() < 0.05;
  const dos = `2026-${pad(1 + Math.floor(next() * 10), 2)}-${pad(1 + Math.floor(next() * 28), 2)}`;
  const dob = `19${pad(30 + (patient % 60), 2)}-${pad(1 + (patient % 12), 2)}-${pad(1 + (patient % 28), 2)}`;
  const diagnoses = [...new Set([pick(DX), pick(DX), pick(DX)])].slice(0, 1 + Math.floor(next() * 3));
  const session = pick(SESSIONS).slice(0, 1 + Math.floor(next() * 6));
  const claimId = `G${seed}-${pad(index, 8)}`;
  return session.map(([code, modifiers, units, charge, ndc], line) => [
    claimId,
    replacement ? '7' : '1',
    replacement ? `ICN${pad(index, 10)}` : '',
    payerId,
    payerName,
    filingIndicator,
    `SYN${pad(patient, 7)}`,
    LAST[patient % LAST.length]!,
    FIRST[patient % FIRST.length]!,
    dob,
    patient % 2 === 0 ? 'F' : 'M',
    '1999999984',
    '1999999992',
    next() < 0.8 ? '11' : '22',
    diagnoses.join('|'),
    String(line + 1),
    dos,
    code,
    modifiers,
    String(units),
    formatMoney(charge * units),
    diagnoses.map((_, position) => String(position + 1)).slice(0, 2).join('|'),
    ndc ?? '',
    ndc ? String(units * 10) : '',
    ndc ? 'ME' : '',
    ndc ? String(units * 10) : '',
  ]);
}

export async function generateCsv(out: NodeJS.WritableStream, options: GenerateOptions): Promise<{ bytes: number; claims: number; rows: number }> {
  const next = random(options.seed);
  const eol = options.crlf ? '\r\n' : '\n';
  const target = Math.round(options.mb * 1024 * 1024);
  const line = (fields: readonly string[]): string => stringify([fields as string[]], { record_delimiter: eol, eof: false }) + eol;
  let bytes = 0;
  let claims = 0;
  let rows = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(line(DEFAULT_FIELDS));
  // Unsorted: a window of 8 claims whose rows are dealt out round-robin.
  const window: string[][][] = [];
  const flushWindow = async (): Promise<void> => {
    let batch = '';
    for (let round = 0; window.some((rowsOfClaim) => rowsOfClaim.length > round); round++) {
      for (const rowsOfClaim of window) if (rowsOfClaim[round]) batch += line(rowsOfClaim[round]!);
    }
    window.length = 0;
    await write(batch);
  };
  let batch = '';
  let batchBytes = 0;
  while (bytes + batchBytes < target) {
    const rowsOfClaim = claimRows(claims, next, options.seed);
    claims++;
    rows += rowsOfClaim.length;
    if (options.unsorted) {
      window.push(rowsOfClaim);
      if (window.length === 8) await flushWindow();
      continue;
    }
    for (const row of rowsOfClaim) {
      const text = line(row);
      batch += text;
      batchBytes += Buffer.byteLength(text);
    }
    if (batchBytes > 256 * 1024) {
      await write(batch);
      batch = '';
      batchBytes = 0;
    }
  }
  if (window.length > 0) await flushWindow();
  await write(batch);
  return { bytes, claims, rows };
}

async function main(argv: string[]): Promise<void> {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    return index === -1 ? undefined : argv[index + 1];
  };
  const out = value('out');
  if (out === undefined) throw new TypeError('Expected `--out FILE` (npx tsx scripts/generate-csv.ts --mb 50 --seed 1 --out FILE)');
  const mb = Number(value('mb') ?? '50');
  const seed = Number(value('seed') ?? '1');
  if (!(mb > 0)) throw new TypeError(`Expected \`--mb\` to be a positive number, got ${value('mb')}`);
  if (!Number.isInteger(seed)) throw new TypeError(`Expected \`--seed\` to be an integer, got ${value('seed')}`);
  const stream = createWriteStream(out);
  const result = await generateCsv(stream, { mb, seed, unsorted: argv.includes('--unsorted'), crlf: argv.includes('--crlf') });
  stream.end();
  await once(stream, 'close');
  console.log(`${out}: ${result.bytes} bytes, ${result.claims} claims, ${result.rows} rows`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
