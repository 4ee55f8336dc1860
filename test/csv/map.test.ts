import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCsvMap, type CsvColumnMap } from '../../src/csv/index.js';
import { readText, roundTrip } from './helpers.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'csv-map-'));
function mapFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function errorOf(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (error) {
    return [(error as { code: string }).code, (error as Error).message];
  }
  throw new Error('expected an error');
}

describe('loadCsvMap', () => {
  it('loads the sample maps, which validate against the schema', () => {
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../schemas/csv-map.schema.json', import.meta.url)), 'utf8')) as object;
    const validate = new Ajv({ strict: true }).compile(schema);
    for (const name of ['tebra-kareo.json', 'combined-code.json']) {
      const map = loadCsvMap(SAMPLES + 'maps/' + name);
      expect(validate(map)).toBe(true);
      expect(map.name).toMatch(/export/);
    }
  });

  it('names the file and the JSON path of the first problem', () => {
    const cases: [string, string, string][] = [
      ['{"columns": {"cpt": ["Procedure"], "charges": "Fee"}}', 'CFG_CSV_MAP_INVALID', 'unknown field \'charges\'', ],
      ['{"columns": {"cpt": 5}}', 'CFG_CSV_MAP_INVALID', ''],
      ['{"dateFormats": ["DD.MM.YYYY"]}', 'CFG_CSV_MAP_INVALID', ''],
      ['{"colums": {}}', 'CFG_CSV_MAP_INVALID', ''],
      ['{"columns": {"cpt": "Code", "code": ["Other", "code"]}}', 'CFG_CSV_MAP_INVALID', ''],
      ['{"columns": ', 'CFG_CSV_MAP_JSON', ''],
    ];
    const results = cases.map(([text, code], index) => {
      const path = mapFile(`m${index}.json`, text);
      const [actualCode, message] = errorOf(() => loadCsvMap(path));
      expect(actualCode).toBe(code);
      return message.replace(path, 'FILE');
    });
    expect(results).toEqual([
      "CFG_CSV_MAP_INVALID: FILE at /columns/charges: unknown field 'charges'",
      'CFG_CSV_MAP_INVALID: FILE at /columns/cpt: must be string',
      'CFG_CSV_MAP_INVALID: FILE at /dateFormats/0: must be equal to one of the allowed values: YYYY-MM-DD, MM/DD/YYYY, YYYYMMDD',
      "CFG_CSV_MAP_INVALID: FILE at /colums: unknown property 'colums'",
      "CFG_CSV_MAP_INVALID: FILE at /columns/code/1: header alias 'code' is also mapped to cpt",
      'CFG_CSV_MAP_JSON: FILE: not valid JSON (Unexpected end of JSON input)',
    ]);
    expect(errorOf(() => loadCsvMap(join(dir, 'missing.json')))).toEqual(['CFG_CSV_MAP_NOT_FOUND', `CFG_CSV_MAP_NOT_FOUND: ${join(dir, 'missing.json')}: no such file`]);
  });
});

describe('reading through a column map', () => {
  const tebra: CsvColumnMap = loadCsvMap(SAMPLES + 'maps/tebra-kareo.json');

  it('Tebra/Kareo style: aliases in any case and spacing, MM/DD/YYYY, $ money, unit charge × units, Diag 1–4, letter pointers, Mod 1–4', async () => {
    const text = [
      'ENCOUNTER ID,insurance policy #,Patient Last Name,Patient First Name,Patient DOB,Place of Service,Diag 1,Diag 2,Diag 3,Diag 4,Service Date,Procedure,mod 1,MOD2,Mod 3,Mod 4,Units,Unit Charge,Diag Pointers,Memo',
      'E1,SYN1,TESTPATIENT,ALPHA,3/7/1950,11,M5116,M47816,,,11/02/2026,64483,RT,,,,1,"$1,080.00",AB,keep',
      'E1,SYN1,TESTPATIENT,ALPHA,3/7/1950,11,M5116,M47816,,,11/02/2026,64484,RT,XS,,,2,$360.50,B,',
    ].join('\r\n') + '\r\n';
    const { claims, problems } = await readText(text, { map: tebra });
    expect(problems).toEqual([]);
    const claim = claims[0]!;
    expect(claim.readProblems).toEqual([]);
    expect([claim.claimId, claim.patient.dateOfBirth, claim.diagnoses.map((dx) => dx.code), claim.totalChargeCents]).toEqual(['E1', '1950-03-07', ['M5116', 'M47816'], 180100]);
    expect(claim.lines.map((line) => [line.procedure, line.modifiers, line.units, line.chargeCents, line.pointers, line.serviceDate])).toEqual([
      ['64483', ['RT'], 1, 108000, [1, 2], '2026-11-02'],
      ['64484', ['RT', 'XS'], 2, 72100, [2], '2026-11-02'],
    ]);
    // A fix writes back in the export's own styles: letters, Mod columns, unit charge, $ money.
    const output = await roundTrip(text, { map: tebra }, (read) => ({
      ...read,
      lines: read.lines.map((line) => line.key === '2' ? { ...line, modifiers: ['LT'], units: 1, chargeCents: 36050, pointers: [1] } : line),
    }));
    expect(output.toString().split('\r\n')[2]).toBe('E1,SYN1,TESTPATIENT,ALPHA,3/7/1950,11,M5116,M47816,,,11/02/2026,64484,LT,,,,1,$360.50,A,');
  });

  it('a combined code column (64483-RT-59), YYYYMMDD dates, a custom list separator and numeric pointer columns', async () => {
    const map = loadCsvMap(SAMPLES + 'maps/combined-code.json');
    const text = [
      'Visit #;Subscriber ID;POS;ICD Codes;DOS;CPT/Mods;Qty;Amount;Dx Ptr 1;Dx Ptr 2',
      'V9;SYN1;11;M5116,M47816;20261102;64483-RT-59;1;850.00;1;2',
      'V9;SYN1;11;M5116,M47816;20261102;77003;1;90;;',
      '',
    ].join('\n');
    const { claims } = await readText(text, { map });
    expect(claims[0]!.readProblems).toEqual([]);
    expect(claims[0]!.lines.map((line) => [line.procedure, line.modifiers, line.chargeCents, line.pointers, line.serviceDate])).toEqual([
      ['64483', ['RT', '59'], 85000, [1, 2], '2026-11-02'],
      ['77003', [], 9000, [], '2026-11-02'],
    ]);
    const output = await roundTrip(text, { map }, (read) => ({
      ...read,
      lines: read.lines.map((line) => line.key === '1' ? { ...line, modifiers: ['LT'], serviceDate: '2026-11-03', pointers: [2] } : line),
    }));
    expect(output.toString().split('\n')[1]).toBe('V9;SYN1;11;M5116,M47816;20261103;64483-LT;1;850.00;2;');
    const bad = await readText(text.replace('850.00;1;2', '850.00;1;Q'), { map });
    expect(bad.claims[0]!.readProblems.map((problem) => problem.message)).toEqual([
      'in.csv line 2, column "Dx Ptr 2": unparseable diagnosis pointer "Q" (expected 1–12 or A–L)',
    ]);
  });

  it('diagnoses per line (Diag 1–4 are the row\'s own): the claim\'s are their union, pointers follow; a re-point rewrites the cells', async () => {
    const map: CsvColumnMap = { diagnoses: 'line', columns: { claim_id: 'Encounter', cpt: 'Procedure', dx1: 'Diag 1', dx2: 'Diag 2', dx3: 'Diag 3', dx4: 'Diag 4' } };
    const text = [
      'Encounter,member_id,pos,Service Date,Procedure,Units,charge,Diag 1,Diag 2,Diag 3,Diag 4'.replace('Service Date', 'dos'),
      'E1,SYN1,11,2026-11-02,64483,1,850.00,M5416,M5116,,',
      'E1,SYN1,11,2026-11-02,64484,1,300.00,M5116,M47816,,',
    ].join('\n') + '\n';
    const { claims, problems } = await readText(text, { map });
    expect(problems).toEqual([]);
    expect(claims[0]!.readProblems).toEqual([]);
    expect(claims[0]!.diagnoses.map((dx) => dx.code)).toEqual(['M5416', 'M5116', 'M47816']);
    expect(claims[0]!.lines.map((line) => line.pointers)).toEqual([[1, 2], [2, 3]]);
    const output = await roundTrip(text, { map }, (read) => ({
      ...read,
      diagnoses: read.diagnoses.slice(1),
      lines: read.lines.map((line) => ({ ...line, pointers: line.key === '1' ? [1] : [1, 2] })),
    }));
    expect(output.toString().split('\n').slice(1, 3)).toEqual([
      'E1,SYN1,11,2026-11-02,64483,1,850.00,M5116,,,',
      'E1,SYN1,11,2026-11-02,64484,1,300.00,M5116,M47816,,',
    ]);
  });

  it('a date format the map does not accept is a bad date', async () => {
    const text = 'claim_id,member_id,pos,dx_codes,dos,cpt,modifiers,units,charge,dx_pointers\nC1,M1,11,M5116,2026-11-02,64483,,1,1.00,1\n';
    const { claims } = await readText(text, { map: { dateFormats: ['MM/DD/YYYY'] } });
    expect(claims[0]!.readProblems.map((problem) => problem.message)).toEqual([
      'in.csv line 2, column "dos": unparseable date "2026-11-02" (expected MM/DD/YYYY)',
    ]);
  });
});
