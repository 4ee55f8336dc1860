/**
 * Shared pieces of the reliability tests: an in-process `spinescrub run` (fast: no child process), synthetic
 * 837P and CSV inputs (synthetic names and ids only), and readers of what a run wrote — claims counted in the
 * ready/held files by an independent scan, not by the pipeline's own counters.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listOutputTree } from '../support/output-tree.js';
import { Writable } from 'node:stream';
import { runPipeline, type RunOptions, type RunOutcome } from '../../src/pipeline/run.js';
import { buildInterchange, type SynthClaim, type SynthSubscriber } from '../x12/synth.js';

export const AS_OF = '2026-11-27';

/** Collects everything written to it (stdout / stderr of an in-process run). */
export class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    callback();
  }
}

export interface InProcessResult extends RunOutcome {
  stdout: string;
  stderr: string;
  outDir: string;
}

/** `spinescrub run` in this process, with the CLI's defaults, no progress bar and no history unless given. */
export async function runInProcess(inputs: string[], outDir: string, options: Partial<RunOptions> = {}): Promise<InProcessResult> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const outcome = await runPipeline({
    inputs,
    outDir,
    historyPath: null,
    record: true,
    prior: [],
    failOn: 'never',
    holdOn: 'error',
    jobs: 2,
    fix: true,
    asOf: AS_OF,
    quiet: false,
    logFormat: 'text',
    progress: false,
    stdout,
    stderr,
    ...options,
  });
  return { ...outcome, stdout: stdout.text, stderr: withoutTimes(stderr.text), outDir };
}

/** Log text without the time stamps that open each text line (`2026-11-27T02:00:03Z `). */
export function withoutTimes(text: string): string {
  return text.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z /gm, '');
}

export function tempDir(prefix = 'spinescrub-rel-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function writeInput(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic 837P
// ---------------------------------------------------------------------------------------------------------

/** A clean lumbar transforaminal ESI claim (64483 + 64484, one side, radicular diagnosis): released as is. */
export function cleanClaim(id: string, date = '20261102'): SynthClaim {
  return {
    id,
    diagnoses: ['M5416'],
    renderingNpi: '1999999992',
    lines: [
      { code: '64483', modifiers: ['RT'], charge: '850', units: '1', pointers: [1], date },
      { code: '64484', modifiers: ['RT'], charge: '300.5', units: '1', pointers: [1], date },
    ],
  };
}

export interface SynthPatient {
  memberId: string;
  last: string;
  first: string;
  dob: string;
}

export const PATIENTS: SynthPatient[] = [
  { memberId: 'SYNMBR0001', last: 'ZEPHYRINE', first: 'QUILLON', dob: '19610314' },
  { memberId: 'SYNMBR0002', last: 'VANTABLOOM', first: 'ORRIN', dob: '19580722' },
  { memberId: 'SYNMBR0003', last: 'MARBLEWICK', first: 'TESSALY', dob: '19700909' },
];

/** An interchange of `claims` (one subscriber per claim, cycling through PATIENTS unless given). */
export function x12File(claims: SynthClaim[], options: { control?: string; patients?: SynthPatient[] } = {}): string {
  const patients = options.patients ?? PATIENTS;
  const subscribers: SynthSubscriber[] = claims.map((claim, index) => {
    const patient = patients[index % patients.length]!;
    return { memberId: patient.memberId, last: patient.last, first: patient.first, dob: patient.dob, sex: 'F', claims: [claim] };
  });
  const control = options.control ?? '1';
  return buildInterchange({ control, groups: [{ control, transactions: [{ control: '0001', subscribers }] }] });
}

/** `count` clean claims with distinct ids (and dates, so no history rule pairs them). */
export function cleanX12(count: number, prefix = 'SYN', control = '1'): string {
  return x12File(
    Array.from({ length: count }, (_, index) => cleanClaim(`${prefix}${String(index + 1).padStart(4, '0')}`, `2026${String(1 + (index % 10)).padStart(2, '0')}${String(1 + (index % 27)).padStart(2, '0')}`)),
    { control },
  );
}

/**
 * The element separator and segment terminator an interchange declares in its ISA: the character after `ISA`,
 * and the character after ISA16 (found by counting separators, so an ISA of the wrong width still reads).
 */
export function delimitersOf(text: string): { element: string; terminator: string } {
  const start = text.indexOf('ISA');
  const element = text[start + 3] ?? '*';
  let at = start + 3;
  for (let count = 1; count < 16 && at >= 0; count += 1) at = text.indexOf(element, at + 1);
  const terminator = at >= 0 ? (text[at + 2] ?? '~') : '~';
  return { element, terminator };
}

/** The segments of an interchange (terminator-split, surrounding line breaks dropped). */
export function segmentsOf(text: string): string[][] {
  if (!text.includes('ISA')) return [];
  const { element, terminator } = delimitersOf(text);
  return text
    .split(terminator)
    .map((segment) => segment.replace(/^[\r\n]+/, ''))
    .filter((segment) => segment.length > 0)
    .map((segment) => segment.split(element));
}

/** CLM01 of every claim in an X12 text, in order (an independent scan, not the project's reader). */
export function x12ClaimIds(text: string): string[] {
  return segmentsOf(text)
    .filter((elements) => elements[0] === 'CLM')
    .map((elements) => elements[1] ?? '');
}

/** The segments of claim `claimId` as text: from its CLM to the next CLM, HL or SE (837P written by synth). */
export function claimText(text: string, claimId: string): string {
  const start = text.indexOf(`CLM*${claimId}*`);
  if (start < 0) throw new Error(`no claim ${claimId}`);
  const rest = text.slice(start + 4);
  const ends = ['\nCLM*', '\nHL*', '\nSE*'].map((marker) => rest.indexOf(marker)).filter((at) => at >= 0);
  return text.slice(start, start + 4 + Math.min(...ends) + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic CSV (the default column set)
// ---------------------------------------------------------------------------------------------------------

export const CSV_HEADER = [
  'claim_id', 'frequency_code', 'payer_claim_number', 'payer_id', 'payer_name', 'member_id', 'patient_last',
  'patient_first', 'patient_dob', 'patient_sex', 'billing_npi', 'rendering_npi', 'pos', 'dx_codes', 'line_no',
  'dos', 'cpt', 'modifiers', 'units', 'charge', 'dx_pointers', 'ndc', 'ndc_qty', 'ndc_unit', 'dose_mg',
] as const;

export type CsvRow = Partial<Record<(typeof CSV_HEADER)[number], string>>;

/** Two rows (64483-RT + 64484-RT) of a clean claim. */
export function cleanCsvRows(id: string, patient: SynthPatient = PATIENTS[0]!, dos = '2026-11-02'): CsvRow[] {
  const claim: CsvRow = {
    claim_id: id,
    frequency_code: '1',
    payer_id: 'P0001',
    payer_name: 'SYNTH PAYER',
    member_id: patient.memberId,
    patient_last: patient.last,
    patient_first: patient.first,
    patient_dob: `${patient.dob.slice(0, 4)}-${patient.dob.slice(4, 6)}-${patient.dob.slice(6, 8)}`,
    patient_sex: 'F',
    billing_npi: '1999999984',
    rendering_npi: '1999999992',
    pos: '11',
    dx_codes: 'M5416',
    dos,
    units: '1',
    dx_pointers: '1',
  };
  return [
    { ...claim, line_no: '1', cpt: '64483', modifiers: 'RT', charge: '850.00' },
    { ...claim, line_no: '2', cpt: '64484', modifiers: 'RT', charge: '300.50' },
  ];
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvText(rows: CsvRow[], header: readonly string[] = CSV_HEADER): string {
  const lines = [header.join(','), ...rows.map((row) => header.map((column) => csvCell((row as Record<string, string | undefined>)[column] ?? '')).join(','))];
  return `${lines.join('\n')}\n`;
}

export function cleanCsv(count: number, prefix = 'CSV'): string {
  const rows: CsvRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const dos = `2026-${String(1 + (index % 10)).padStart(2, '0')}-${String(1 + (index % 27)).padStart(2, '0')}`;
    rows.push(...cleanCsvRows(`${prefix}${String(index + 1).padStart(4, '0')}`, PATIENTS[index % PATIENTS.length]!, dos));
  }
  return csvText(rows);
}

/** Distinct claim_id values of a CSV text written with the default header (an independent scan). */
export function csvClaimIds(text: string): string[] {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',');
  const column = header.indexOf('claim_id');
  const ids: string[] = [];
  for (const line of lines.slice(1)) {
    const id = line.split(',')[column] ?? '';
    if (ids[ids.length - 1] !== id) ids.push(id);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------------------

/** Every file under `dir` as a reader sees it, relative, sorted (a run directory a killed run left shows up). */
export function listTree(dir: string): string[] {
  return listOutputTree(dir);
}

export function readTree(dir: string): Map<string, string> {
  return new Map(listTree(dir).map((file) => [file, readFileSync(path.join(dir, file), 'latin1')]));
}

export interface ExceptionsJson {
  summary: {
    totals: { files: number; claims: number; ready: number; held: number; findings: number; unreadableFiles: number };
    files: { file: string; format: string | null; claims: number; ready: number; held: number; readable: boolean; problems: { code: string; message: string; envelope: boolean; fatal: boolean }[]; history?: string }[];
    unreadable: { file: string; code: string; message: string }[];
  };
  findings: { file: string; claimId: string; memberId: string | null; ruleId: string; severity: string; action: string; message: string; line: number | null; location: string | null; before: string | null; after: string | null }[];
}

export function readExceptions(outDir: string): ExceptionsJson {
  return JSON.parse(readFileSync(path.join(outDir, 'exceptions.json'), 'utf8')) as ExceptionsJson;
}

/** Claim ids written to ready/<name> and held/<name>, counted by scanning the files themselves. */
export function writtenClaims(outDir: string, name: string, format: 'x12' | 'csv'): { ready: string[]; held: string[] } {
  const read = (kind: 'ready' | 'held'): string[] => {
    let text: string;
    try {
      text = readFileSync(path.join(outDir, kind, name), 'latin1');
    } catch {
      return [];
    }
    return format === 'x12' ? x12ClaimIds(text) : csvClaimIds(text);
  };
  return { ready: read('ready'), held: read('held') };
}
