import { describe, expect, it } from 'vitest';
import { HEADER, readText } from './helpers.js';

const good = 'C1,M1,11,M5416|M47816,2026-10-01,64483,RT,1,850.00,1';

function problemsOf(result: Awaited<ReturnType<typeof readText>>) {
  return result.claims.flatMap((claim) => claim.readProblems.map((problem) => [problem.code, problem.message]));
}

describe('file problems (fatal, before any claim)', () => {
  it('a missing required column rejects the file, naming the column and its aliases', async () => {
    const result = await readText(`claim_id,member_id,pos,dx_codes,dos,cpt,units,charge\n${good}\n`, { name: 'x.csv' });
    expect(result.claims).toEqual([]);
    expect(result.problems).toEqual([
      {
        code: 'CSV_MISSING_COLUMN',
        message: 'x.csv line 1: missing required column "dx_pointers" or "ptr1": the header fits no column map (an export with other headers needs one: --csv-map FILE, schemas/csv-map.schema.json)',
        location: { file: 'x.csv', csvLine: 1, byteOffset: 0 },
        envelope: false,
        fatal: true,
      },
    ]);
  });

  it('names the patient alternatives and the map aliases', async () => {
    const result = await readText('Encounter,pos,dx_codes,dos,cpt,units,charge,dx_pointers,patient_last\nC1,11,M5416,2026-10-01,64483,1,5.00,1,DOE\n', {
      map: { columns: { claim_id: 'Encounter', patient_first: ['First Name', 'Given'] } },
    });
    expect(result.problems.map((problem) => problem.message)).toEqual([
      'in.csv line 1: missing required column "member_id" or "patient_last" + "patient_first" ("First Name", "Given") + "patient_dob": the header fits no column map (an export with other headers needs one: --csv-map FILE, schemas/csv-map.schema.json)',
    ]);
    expect(result.claims).toEqual([]);
  });

  it('every missing column in one problem, suggesting --csv-map', async () => {
    const result = await readText(`a,b,c\n1,2,3\n`, { name: 'odd.csv' });
    expect(result.problems.map((problem) => [problem.code, problem.message])).toEqual([
      [
        'CSV_MISSING_COLUMN',
        'odd.csv line 1: missing required columns "claim_id"; "dos"; "cpt" or "code"; "units"; "charge" or "unit_charge"; "dx_codes" or "dx1"; "dx_pointers" or "ptr1"; "member_id" or "patient_last" + "patient_first" + "patient_dob": the header fits no column map (an export with other headers needs one: --csv-map FILE, schemas/csv-map.schema.json)',
      ],
    ]);
  });

  it('two columns for one field', async () => {
    const result = await readText(`${HEADER},Claim ID\n${good},C1\n`);
    expect(result.problems.map((problem) => [problem.code, problem.message, problem.fatal])).toEqual([
      ['CSV_DUPLICATE_COLUMN', 'in.csv line 1: columns "claim_id" (1) and "Claim ID" (11) both map to field claim_id', true],
    ]);
    expect(result.claims).toEqual([]);
  });

  it('an empty file', async () => {
    const result = await readText('');
    expect(result.problems.map((problem) => [problem.code, problem.message, problem.fatal])).toEqual([
      ['CSV_EMPTY_FILE', 'in.csv line 1: empty file, no header row', true],
    ]);
  });

  it('an unclosed quote stops the file; claims before it are still yielded', async () => {
    const result = await readText(`${HEADER}\n${good}\nC2,M2,11,M5416,2026-10-01,"64483,,1,5.00,1\n`);
    expect(result.claims.map((claim) => claim.claimId)).toEqual(['C1']);
    expect(result.problems.map((problem) => [problem.code, problem.message, problem.fatal])).toEqual([
      ['CSV_PARSE_ERROR', 'in.csv line 3: cannot parse the CSV (CSV_QUOTE_NOT_CLOSED: Quote Not Closed: the parsing is finished with an opening quote at line 3)', true],
    ]);
  });
});

describe('claim problems (the claim is yielded and held)', () => {
  it('bad date, amount, number and pointer name the file, line and column', async () => {
    const result = await readText(`${HEADER},ndc_qty\n${good}\nC1,M1,11,M5416|M47816,10/32/2026,64484,RT,one,$8.5.0,1|Z,x\n`);
    expect(result.claims.map((claim) => claim.claimId)).toEqual(['C1']);
    expect(problemsOf(result)).toEqual([
      ['CSV_RAGGED_ROW', 'in.csv line 2: row has 10 fields, header has 11 (column "ndc_qty" and after are missing)'],
      ['CSV_BAD_NUMBER', 'in.csv line 3, column "units": unparseable number "one"'],
      ['CSV_BAD_AMOUNT', 'in.csv line 3, column "charge": unparseable amount "$8.5.0" (expected dollars like 500.00)'],
      ['CSV_BAD_POINTER', 'in.csv line 3, column "dx_pointers": unparseable diagnosis pointer "Z" (expected 1–12 or A–L)'],
      ['CSV_BAD_NUMBER', 'in.csv line 3, column "ndc_qty": unparseable number "x"'],
      ['CSV_BAD_DATE', 'in.csv line 3, column "dos": unparseable date "10/32/2026" (expected YYYY-MM-DD, MM/DD/YYYY, YYYYMMDD)'],
    ]);
    const line = result.claims[0]!.lines[1]!;
    expect([line.serviceDate, line.units, line.chargeCents, line.pointers]).toEqual(['', 0, 0, [1]]);
    expect(result.claims[0]!.readProblems[1]!.location).toEqual({ file: 'in.csv', csvLine: 3, byteOffset: Buffer.byteLength(`${HEADER},ndc_qty\n${good}\n`) });
  });

  it('ragged rows (too many fields), empty required values, conflicting claim fields, too many modifiers', async () => {
    const result = await readText([
      HEADER,
      `${good},extra`,
      'C1,M9,11,M5416|M47816,2026-10-01,,RT,1,850.00,1',
      'C1,M1,11,M5416,2026-10-01,64484,RT|LT|59|XS|KX,,,1',
      '',
    ].join('\n'));
    expect(problemsOf(result)).toEqual([
      ['CSV_RAGGED_ROW', 'in.csv line 2: row has 11 fields, header has 10 (extra fields from column 11)'],
      ['CSV_FIELD_CONFLICT', 'in.csv line 3, column "member_id": "M9" differs from "M1" on line 2 of the same claim'],
      ['CSV_FIELD_CONFLICT', 'in.csv line 4, column "dx_codes": "M5416" differs from "M5416|M47816" on line 2 of the same claim'],
      ['CSV_MISSING_VALUE', 'in.csv line 3, column "cpt": empty cpt'],
      ['CSV_TOO_MANY_MODIFIERS', 'in.csv line 4, column "modifiers": 5 modifiers, at most 4'],
      ['CSV_MISSING_VALUE', 'in.csv line 4, column "units": empty units'],
      ['CSV_MISSING_VALUE', 'in.csv line 4, column "charge": empty charge'],
    ]);
  });

  it('a clean claim has no read problems', async () => {
    expect(problemsOf(await readText(`${HEADER}\n${good}\n`))).toEqual([]);
  });
});

describe('input that fails', () => {
  it('a read error after some rows: the rows before it are claims, the file gets CSV_READ_ERROR', async () => {
    const { readCsv } = await import('../../src/csv/index.js');
    const head = `${HEADER}\n${good}\n`;
    async function* failing() {
      yield Buffer.from(head);
      yield Buffer.from('C2,M2,11,M5416,2026-10-01,64483'); // cut off mid-row: not a claim
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const reader = readCsv(failing(), 'in.csv');
    const ids: string[] = [];
    for await (const read of reader.claims()) ids.push(read.claim.claimId);
    expect(ids).toEqual(['C1']);
    expect(reader.problems.map((problem) => [problem.code, problem.message, problem.location.byteOffset])).toEqual([
      ['CSV_READ_ERROR', `in.csv: cannot read the file after byte ${Buffer.byteLength(head)} (EIO: i/o error, read)`, Buffer.byteLength(head)],
    ]);
  });
});
