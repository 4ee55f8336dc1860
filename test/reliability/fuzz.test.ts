/**
 * Fuzzing (issue 7): random mutations of valid 837P and CSV files — bytes inserted, deleted, replaced (delimiters,
 * control bytes, high bytes), truncation, segments or rows dropped, duplicated or swapped, element values
 * replaced — never crash the run and never lose a claim. The pipeline runs in-process (fast); fixed seed, bounded
 * runs. For each mutated file:
 * - the run completes with exit 0 or 3 (never 2: no internal error, no stack trace);
 * - claims read = ready + held, and the ready/held files hold exactly those claims (independent scan);
 * - a readable file: every claim of the input (independent scan) is written once; an unreadable one releases
 *   nothing, is listed in exceptions.json and makes the run exit 3;
 * - every X12 output is well-formed segment by segment (wellformed.ts: tags, ISA of 106 characters, envelopes
 *   nested and closed, SE01/GE01/IEA01 and control numbers), and a ready file is accepted by node-x12's strict
 *   parser — not only when the input was.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanClaim, cleanCsvRows, cleanup, csvText, PATIENTS, readExceptions, runInProcess, tempDir, writeInput, x12ClaimIds, x12File } from './helpers.js';
import { itUnlessGap } from './gaps.js';
import { x12Problems } from './wellformed.js';
import { oracleParse } from '../x12/helpers.js';
import { spineInterchange } from '../x12/synth.js';

const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? 20261127);
const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 100);

let work: string;
let counter = 0;
beforeAll(() => {
  work = tempDir('spinescrub-fuzz-');
});
afterAll(() => cleanup(work));

/** Bytes worth inserting: delimiters, line ends, control and high bytes, digits, letters. */
const INTERESTING = ['*', '~', ':', '^', '\n', '\r', '\t', ',', '"', ';', '|', '\u0000', '\u0007', '\u00ff', '\u00e9', '0', '9', '.', '-', 'A', 'Z', ' ', 'ISA', 'CLM*', 'SE*', 'HL*', 'LX*'];

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'drop-unit'; at: number }
  | { kind: 'duplicate-unit'; at: number }
  | { kind: 'swap-units'; at: number; other: number }
  | { kind: 'set-field'; at: number; field: number; value: string };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const snippet = fc.array(fc.oneof(fc.constantFrom(...INTERESTING), fc.string({ minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
const fieldValue = fc.oneof(fc.constantFrom('', '0', '-1', '1e9', 'ABC', '99999999999999999999', '2026-02-30', '20261341', 'ZZ', '%', '<b>', '=1+1'), fc.string({ maxLength: 6 }));

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: position, text: snippet }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: position, text: snippet }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('drop-unit' as const), at: position }),
  fc.record({ kind: fc.constant('duplicate-unit' as const), at: position }),
  fc.record({ kind: fc.constant('swap-units' as const), at: position, other: position }),
  fc.record({ kind: fc.constant('set-field' as const), at: position, field: fc.integer({ min: 0, max: 12 }), value: fieldValue }),
);

/** Applies mutations to a text whose units are segments (X12: `~\n`) or rows (CSV: `\n`), fields `*` or `,`. */
function mutate(text: string, mutations: Mutation[], unitEnd: string, fieldSeparator: string): string {
  let out = text;
  for (const mutation of mutations) {
    const at = Math.floor(mutation.at * (out.length + 1));
    const units = out.split(unitEnd);
    const unit = Math.floor(mutation.at * units.length);
    switch (mutation.kind) {
      case 'insert':
        out = out.slice(0, at) + mutation.text + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + mutation.length);
        break;
      case 'replace':
        out = out.slice(0, at) + mutation.text + out.slice(at + mutation.text.length);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'drop-unit':
        units.splice(unit, 1);
        out = units.join(unitEnd);
        break;
      case 'duplicate-unit':
        units.splice(unit, 0, units[unit] ?? '');
        out = units.join(unitEnd);
        break;
      case 'swap-units': {
        const other = Math.floor(mutation.other * units.length);
        [units[unit], units[other]] = [units[other] ?? '', units[unit] ?? ''];
        out = units.join(unitEnd);
        break;
      }
      case 'set-field': {
        const fields = (units[unit] ?? '').split(fieldSeparator);
        if (mutation.field < fields.length) fields[mutation.field] = mutation.value;
        units[unit] = fields.join(fieldSeparator);
        out = units.join(unitEnd);
        break;
      }
    }
  }
  return out;
}

const BASE_X12 = x12File(
  [
    cleanClaim('FZ0001'),
    { ...cleanClaim('FZ0002'), total: '10' },
    { ...cleanClaim('FZ0003'), lines: [...cleanClaim('x').lines, { code: 'J1040', charge: '12.25', units: '1', pointers: [1], date: '20261102', ndc: { ndc: '00009307403', quantity: '80', unit: 'ME' } }] },
    cleanClaim('FZ0004', '20261105'),
    { ...cleanClaim('FZ0005'), lines: [{ code: '64493', modifiers: ['50'], charge: '1200', units: '1', pointers: [1], date: '20261103' }], diagnoses: ['M47816'] },
  ],
  { patients: [PATIENTS[0]!, PATIENTS[0]!, PATIENTS[1]!, PATIENTS[2]!, PATIENTS[2]!] },
);

/**
 * A second shape: two interchanges in one file, other delimiters (`|`, `>`, CRLF), a dependent patient (HL 23),
 * a replacement claim, RD8 dates and drug lines (test/x12/synth.ts's spine file).
 */
const OTHER_DELIMITERS = { element: '|', repetition: '^', component: '>', terminator: '~', eol: '\r\n' };
const MULTI_X12 = spineInterchange(OTHER_DELIMITERS, '21') + spineInterchange(OTHER_DELIMITERS, '22');

const X12_BASES = [
  { text: BASE_X12, unitEnd: '~\n', field: '*' },
  { text: MULTI_X12, unitEnd: '~\r\n', field: '|' },
];

const BASE_CSV = csvText([
  ...cleanCsvRows('FC0001', PATIENTS[0]),
  ...cleanCsvRows('FC0002', PATIENTS[1]).map((row) => ({ ...row, cpt: '64483' })),
  ...cleanCsvRows('FC0003', PATIENTS[2], '2026-11-05'),
  ...cleanCsvRows('FC0004', PATIENTS[0], '2026-10-01'),
]);

interface Outcome {
  /** X12 only: node-x12's strict parser accepted the input / rejected an output (null: not checked). */
  inputAccepted: boolean | null;
  outputRejected: string | null;
  /** X12 only: an output that is not well-formed segment by segment (wellformed.ts), with its first problems. */
  malformed: string | null;
  exitCode: number;
  readable: boolean;
  listedUnreadable: boolean;
  claims: number;
  ready: string[];
  held: string[];
  stderr: string;
}

async function runOne(name: string, content: string): Promise<Outcome> {
  counter += 1;
  const dir = path.join(work, `case-${counter}`);
  const file = writeInput(dir, name, Buffer.from(content, 'latin1'));
  const outDir = path.join(dir, 'out');
  const run = await runInProcess([file], outDir, { jobs: 1 });
  let ready: string[] = [];
  let held: string[] = [];
  let readable = true;
  let listedUnreadable = false;
  let claims = 0;
  let inputAccepted: boolean | null = null;
  let outputRejected: string | null = null;
  let malformed: string | null = null;
  if (run.exitCode !== 2) {
    const report = readExceptions(outDir);
    const summary = report.summary.files[0]!;
    readable = summary.readable;
    claims = summary.claims;
    listedUnreadable = report.summary.unreadable.some((entry) => entry.file === file);
    const format = summary.format;
    const read = (kind: 'ready' | 'held'): string[] => {
      let text: string;
      try {
        text = readFileSync(path.join(outDir, kind, name), 'latin1');
      } catch {
        return [];
      }
      return format === 'csv' ? csvIds(text) : x12ClaimIds(text);
    };
    ready = read('ready');
    held = read('held');
    if (format === 'x12') {
      inputAccepted = accepts(Buffer.from(content, 'latin1'));
      for (const kind of ['ready', 'held'] as const) {
        const output = path.join(outDir, kind, name);
        if (!existsSync(output)) continue;
        const bytes = readFileSync(output);
        if (!accepts(bytes)) outputRejected = kind;
        const problems = x12Problems(bytes.toString('latin1'), content, { held: kind === 'held' });
        if (problems.length > 0 && malformed === null) malformed = `${kind}: ${problems.slice(0, 3).join('; ')}`;
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return { inputAccepted, outputRejected, malformed, exitCode: run.exitCode, readable, listedUnreadable, claims, ready, held, stderr: run.stderr };
}

/** node-x12's strict parse() (an independent parser) accepts the interchange(s). */
function accepts(bytes: Buffer): boolean {
  try {
    oracleParse(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Claim ids of a CSV text (csv-parse, header row, claim_id column, consecutive rows grouped). */
function csvIds(text: string): string[] {
  const records = parse(Buffer.from(text, 'latin1'), { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
  // Header names match as the reader matches them: case, spaces, `_` and `-` aside.
  const column = (records[0] ?? []).findIndex((name) => name.replace(/[\s_-]+/g, '').toLowerCase() === 'claimid');
  const ids: string[] = [];
  for (const record of records.slice(1)) {
    const id = (record[column] ?? '').trim();
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function checkInvariants(outcome: Outcome, expectedIds: () => string[] | null): void {
  expect(outcome.exitCode === 0 || outcome.exitCode === 3, `exit ${outcome.exitCode}: ${outcome.stderr}`).toBe(true);
  expect(outcome.stderr).not.toMatch(/internal error|\n\s+at /);
  // Every X12 output is well-formed segment by segment (an independent check of the envelope and each segment).
  expect(outcome.malformed).toBeNull();
  // Conservation, counted in the written files.
  expect(outcome.ready.length + outcome.held.length).toBe(outcome.claims);
  if (outcome.readable) {
    expect(outcome.exitCode).toBe(0);
    const expected = expectedIds();
    if (expected !== null) expect([...outcome.ready, ...outcome.held].sort()).toEqual([...expected].sort());
    // What an independent strict parser accepts going in, it accepts coming out (counts, control numbers, HL).
    if (outcome.inputAccepted === true) expect(outcome.outputRejected).toBeNull();
    // Released claims went out in files an independent strict parser (node-x12) accepts, whatever the input was.
    if (outcome.ready.length > 0) expect(outcome.outputRejected === 'ready' ? 'ready rejected' : null).toBeNull();
  } else {
    expect(outcome.ready).toEqual([]);
    expect(outcome.listedUnreadable).toBe(true);
    expect(outcome.exitCode).toBe(3);
  }
}

describe('fuzzing: mutated files never crash the run and never lose a claim', () => {
  it('the unmutated files are read completely (the oracles agree with the pipeline)', async () => {
    const x12 = await runOne('base.837', BASE_X12);
    expect(x12).toMatchObject({ exitCode: 0, readable: true, claims: 5, inputAccepted: true, outputRejected: null });
    expect([...x12.ready, ...x12.held].sort()).toEqual(['FZ0001', 'FZ0002', 'FZ0003', 'FZ0004', 'FZ0005']);
    const multi = await runOne('multi.837', MULTI_X12);
    expect(multi).toMatchObject({ exitCode: 0, readable: true, claims: 6, inputAccepted: true, outputRejected: null });
    expect([...multi.ready, ...multi.held].sort()).toEqual(['SYNCLM001', 'SYNCLM001', 'SYNCLM002', 'SYNCLM002', 'SYNCLM003', 'SYNCLM003']);
    const csv = await runOne('base.csv', BASE_CSV);
    expect(csv).toMatchObject({ exitCode: 0, readable: true, claims: 4 });
    expect([...csv.ready, ...csv.held].sort()).toEqual(['FC0001', 'FC0002', 'FC0003', 'FC0004']);
  });

  it(`837P: ${RUNS} mutated files (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...X12_BASES), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (base, mutations) => {
        const content = mutate(base.text, mutations, base.unitEnd, base.field);
        const outcome = await runOne('fuzz.837', content);
        // The claims an independent scan finds (segments split on the declared delimiters, tag exactly CLM).
        checkInvariants(outcome, () => x12ClaimIds(content));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);

  itUnlessGap('G2')(`CSV: ${RUNS} mutated files (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const content = mutate(BASE_CSV, mutations, '\n', ',');
        const outcome = await runOne('fuzz.csv', content);
        checkInvariants(outcome, () => {
          try {
            return csvIds(content);
          } catch {
            return null; // the oracle cannot parse it either
          }
        });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);
});
