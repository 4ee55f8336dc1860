/**
 * The reference import: small files in each CMS layout (synthetic rows) into a database, the version in force by
 * date of service, the refusal of broken files (nothing stored), and the answers the rules get from it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultReference } from '../../src/reference/index.js';
import { ReferenceDataError } from '../../src/reference/errors.js';
import { openForImport, readFiles, type ReferenceDb } from '../../src/reference/imported/database.js';
import { recognizeFile } from '../../src/reference/imported/files.js';
import { importFile } from '../../src/reference/imported/import.js';
import { ImportedReference } from '../../src/reference/imported/reference.js';
import { icdFile, mueFile, ptpFile } from './cms-files.js';

let dir: string;
let dbPath: string;
let db: ReferenceDb;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spinescrub-ref-'));
  dbPath = path.join(dir, 'reference.db');
  db = openForImport(dbPath);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function counts(): Record<string, number> {
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const ptpTables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ptp\\_%' ESCAPE '\\' AND name <> 'ptp_rationale'").all() as { name: string }[]).map((row) => row.name);
  return { files: count('files'), mue: count('mue'), ptp: ptpTables.reduce((sum, table) => sum + count(table), 0), ptpTables: ptpTables.length, icd10cm: count('icd10cm') };
}

async function refusal(file: string): Promise<ReferenceDataError> {
  const before = counts();
  const error = await importFile(db, file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ReferenceDataError);
  expect(counts(), 'nothing of the refused file is stored').toEqual(before);
  return error as ReferenceDataError;
}

function withReference<T>(use: (reference: ImportedReference) => T): T {
  const reference = ImportedReference.open(dbPath, defaultReference);
  try {
    return use(reference);
  } finally {
    reference.close();
  }
}

describe('file names', () => {
  it.each([
    ['MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', { table: 'mue', release: 'MUE 2026-10-01', from: '2026-10-01', to: '2027-01-01' }],
    ['ccipra-v323r0-f1.txt', { table: 'ptp', release: 'PTP v32.3', revision: 0, part: 'f1', from: '2026-10-01', to: '2027-01-01' }],
    ['ccipra-v330r1-f4.txt', { table: 'ptp', release: 'PTP v33.0', revision: 1, part: 'f4', from: '2027-01-01', to: '2027-04-01' }],
    ['icd10cm_order_2027.txt', { table: 'icd10cm', release: 'ICD-10-CM FY2027', from: '2026-10-01', to: '2027-10-01' }],
    ['icd10cm-order-2025.txt', { table: 'icd10cm', release: 'ICD-10-CM FY2025', from: '2024-10-01', to: '2025-10-01' }],
  ])('%s', (name, expected) => {
    expect(recognizeFile(path.join('/downloads', name))).toMatchObject(expected);
  });

  it('refuses another name, naming the ones it reads', () => {
    expect(() => recognizeFile('MCR_MUE_DME_Eff_10-01-2026.csv')).toThrow(
      'MCR_MUE_DME_Eff_10-01-2026.csv: not a reference file this command reads; expected one of the names CMS publishes: MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv, ccipra-vNNNrN-fN.txt or icd10cm_order_YYYY.txt',
    );
    expect(() => recognizeFile('ccipra-v324r0-f1.txt')).toThrow('ccipra-v324r0-f1.txt: NCCI version 32.4 names no quarter (the minor number is 0–3)');
    expect(() => recognizeFile('MCR_MUE_PractitionerServices_Eff_02-30-2026.csv')).toThrow('the effective date in the name is not a date');
  });
});

describe('import', () => {
  it('stores each layout with its file name, period and SHA-256; the same file twice changes nothing', async () => {
    const mue = mueFile(dir, '2026-10-01', [['64483', 2, '3 Date of Service Edit: Clinical'], ['J1010', 40, '3 Date of Service Edit: Clinical']]);
    const ptp = ptpFile(dir, 'ccipra-v323r0-f1.txt', [['64483', '77003', '20160101', '*', '0'], ['62323', '64483', '20170101', '*', '1', 'Mutually exclusive procedures']]);
    const icd = icdFile(dir, 2027, [['M541', false, 'Radiculopathy'], ['M5416', true, 'Radiculopathy, lumbar region']]);
    const results = [];
    for (const file of [mue, ptp, icd]) results.push(await importFile(db, file));
    expect(results.map(({ file, status, table, from, to, rows, sha256 }) => ({ file, status, table, from, to, rows, sha256 }))).toEqual([
      { file: path.basename(mue), status: 'imported', table: 'mue', from: '2026-10-01', to: '2027-01-01', rows: 2, sha256: sha(mue) },
      { file: 'ccipra-v323r0-f1.txt', status: 'imported', table: 'ptp', from: '2026-10-01', to: '2027-01-01', rows: 2, sha256: sha(ptp) },
      { file: 'icd10cm_order_2027.txt', status: 'imported', table: 'icd10cm', from: '2026-10-01', to: '2027-10-01', rows: 2, sha256: sha(icd) },
    ]);
    const before = counts();
    expect(before).toEqual({ files: 3, mue: 2, ptp: 2, ptpTables: 1, icd10cm: 2 });
    const again = await importFile(db, ptp);
    expect(again).toMatchObject({ status: 'already-imported', importedAs: 'ccipra-v323r0-f1.txt', rows: 2 });
    expect(counts()).toEqual(before);
    // The same bytes under another name are the same file.
    writeFileSync(path.join(dir, 'ccipra-v323r0-f2.txt'), readFileSync(ptp));
    expect(await importFile(db, path.join(dir, 'ccipra-v323r0-f2.txt'))).toMatchObject({ status: 'already-imported', importedAs: 'ccipra-v323r0-f1.txt' });
    expect(counts()).toEqual(before);
  });

  it('reads the synthetic samples of the layouts as published', async () => {
    const samples = path.resolve(import.meta.dirname, 'samples');
    for (const name of ['MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', 'ccipra-v323r0-f1.txt', 'icd10cm_order_2027.txt']) {
      await importFile(db, path.join(samples, name));
    }
    expect(counts()).toEqual({ files: 3, mue: 4, ptp: 4, ptpTables: 1, icd10cm: 4 });
  });
});

describe('refusal of a file it cannot read', () => {
  it('MUE: no header row', async () => {
    const file = mueFile(dir, '2026-10-01', [], { notice: ['only a notice'] });
    writeFileSync(file, '"only a notice"\r\n"62323","1","3 Date of Service Edit: Clinical","x"\r\n');
    const error = await refusal(file);
    expect([error.code, error.message]).toEqual(['REF_NO_HEADER', 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv: no header row (a row whose first cell is "HCPCS/CPT Code")']);
  });

  it.each([
    [[['62323', 1, '3 Date of Service Edit: Clinical'], ['6448', 1, '2 Date of Service Edit: Policy']], 4, '"6448" is not a 5-character HCPCS/CPT code'],
    [[['62323', 1, '3 Date of Service Edit: Clinical'], ['64483', -1, '2 Date of Service Edit: Policy']], 4, 'MUE value "-1" of 64483 is not a whole number'],
    [[['64483', 1, 'Date of Service Edit: Policy']], 3, 'adjudication indicator "Date of Service Edit: Policy" of 64483 does not start with 1, 2 or 3'],
    [[['64483', 1, '2 Date of Service Edit: Policy'], ['64483', 2, '2 Date of Service Edit: Policy']], 4, '64483 again (first on line 3)'],
  ] as const)('MUE: a broken row %#', async (rows, line, reason) => {
    const file = mueFile(dir, '2026-10-01', rows as never);
    const error = await refusal(file);
    expect(error.line).toBe(line);
    expect(error.message).toBe(`MCR_MUE_PractitionerServices_Eff_10-01-2026.csv line ${line}: ${reason}`);
  });

  it('MUE: a header and no rows', async () => {
    const error = await refusal(mueFile(dir, '2026-10-01', []));
    expect(error.code).toBe('REF_EMPTY');
  });

  it.each([
    [['64483', '77003', '2016013x', '*', '0'], 'effective date "2016013x" of 64483/77003 is not a date YYYYMMDD'],
    [['64483', '77003', '20160101', '2016', '0'], 'deletion date "2016" of 64483/77003 is neither * nor a date YYYYMMDD'],
    [['64483', '77003', '20160101', '*', '2'], 'modifier indicator "2" of 64483/77003 is not 0, 1 or 9'],
    [['64483', '7700', '20160101', '*', '0'], 'column 2 "7700" is not a 5-character HCPCS/CPT code'],
  ] as const)('PTP: a broken edit on line 6 (%#)', async (row, reason) => {
    const file = ptpFile(dir, 'ccipra-v323r0-f2.txt', [['64490', '64493', '20100101', '*', '1'], row as never]);
    const error = await refusal(file);
    expect([error.code, error.line, error.message]).toEqual(['REF_BAD_ROW', 6, `ccipra-v323r0-f2.txt line 6: ${reason}`]);
  });

  it('PTP and ICD-10-CM: a byte order mark and no title lines', async () => {
    const ptp = path.join(dir, 'ccipra-v323r0-f3.txt');
    writeFileSync(ptp, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('64483\t77003\t\t20160101\t*\t0\tx\r\n')]));
    expect(await importFile(db, ptp)).toMatchObject({ status: 'imported', rows: 1 });
    const icd = icdFile(dir, 2027, [['M541', false, 'Radiculopathy']]);
    writeFileSync(icd, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(icd)]));
    expect(await importFile(db, icd)).toMatchObject({ status: 'imported', rows: 1 });
  });

  it('PTP: a truncated line', async () => {
    const file = ptpFile(dir, 'ccipra-v323r0-f1.txt', [['64490', '64493', '20100101', '*', '1']]);
    writeFileSync(file, `${readFileSync(file, 'latin1')}64483\t77003\t\t20160101\n`);
    const error = await refusal(file);
    expect(error.message).toBe('ccipra-v323r0-f1.txt line 6: 4 columns, expected 7 (column 1, column 2, *, effective, deletion, modifier, rationale)');
  });

  it('ICD-10-CM: a header flag that is neither 0 nor 1', async () => {
    const file = icdFile(dir, 2027, [['M541', false, 'Radiculopathy'], ['M5416', true, 'Radiculopathy, lumbar region']]);
    const text = readFileSync(file, 'latin1').split('\n');
    text[1] = `${text[1]!.slice(0, 14)}X${text[1]!.slice(15)}`;
    writeFileSync(file, text.join('\n'));
    const error = await refusal(file);
    expect(error.message).toBe('icd10cm_order_2027.txt line 2: column 15 holds "X" for M5416, expected 0 (header) or 1 (billable)');
  });

  it('keeps what was imported before, and imports the next file after a refused one', async () => {
    await importFile(db, mueFile(dir, '2026-07-01', [['64483', 1, '2 Date of Service Edit: Policy']]));
    await refusal(mueFile(dir, '2026-10-01', [['64483', 1, '9 Unknown']]));
    await importFile(db, mueFile(dir, '2026-10-01', [['64483', 2, '3 Date of Service Edit: Clinical']], { notice: ['fixed'] }));
    expect(readFiles(db).map((file) => [file.fileName, file.rows])).toEqual([
      ['MCR_MUE_PractitionerServices_Eff_07-01-2026.csv', 1],
      ['MCR_MUE_PractitionerServices_Eff_10-01-2026.csv', 1],
    ]);
  });
});

describe('versions by date of service', () => {
  beforeEach(async () => {
    await importFile(db, mueFile(dir, '2026-07-01', [['64483', 1, '2 Date of Service Edit: Policy'], ['20610', 2, '3 Date of Service Edit: Clinical']]));
    await importFile(db, mueFile(dir, '2026-10-01', [['64483', 2, '3 Date of Service Edit: Clinical'], ['99213', 1, '1 Line Edit']]));
    await importFile(db, ptpFile(dir, 'ccipra-v323r0-f1.txt', [
      ['62323', '64483', '20170101', '*', '1', 'Mutually exclusive procedures'],
      ['62323', '20552', '20170101', '20261101', '1'],
      ['64490', '77003', '20170101', '*', '9'],
      ['64633', '77003', '20270101', '*', '0'],
    ]));
    await importFile(db, ptpFile(dir, 'ccipra-v323r0-f2.txt', [['64483', '64484', '20170101', '*', '0', '']]));
    await importFile(db, icdFile(dir, 2027, [
      ['M541', false, 'Radiculopathy'],
      ['M5416', true, 'Radiculopathy, lumbar region'],
      ['M5417', true, 'Radiculopathy, lumbosacral region'],
      ['M4806', false, 'Spinal stenosis, lumbar region'],
      ['M48061', true, 'without neurogenic claudication'],
      ['M48062', true, 'with neurogenic claudication'],
      ['M5136', true, 'Other intervertebral disc degeneration, lumbar region (synthetic: billable this year)'],
    ]));
  });

  it('MUE: the quarter in force; the shipped value where no quarter covers the date', () => {
    withReference((reference) => {
      expect(reference.mue('64483', '2026-08-15')).toMatchObject({ value: 1, adjudication: 2, source: { key: 'MCR_MUE_PractitionerServices_Eff_07-01-2026.csv' } });
      expect(reference.mue('64483', '2026-10-01')).toMatchObject({ value: 2, adjudication: 3, source: { key: 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv' } });
      expect(reference.mue('99213', '2026-12-31')).toMatchObject({ value: 1, adjudication: 1 });
      // 20610 is not in the October table: no MUE that quarter.
      expect(reference.mue('20610', '2026-10-02')).toBeUndefined();
      expect(reference.mue('64483', '2027-01-01')).toEqual(defaultReference.mue('64483', '2027-01-01'));
      expect(reference.mue('64483', '2026-06-30')).toEqual(defaultReference.mue('64483', '2026-06-30'));
    });
  });

  it('PTP: the parts of a release together, each edit with its own dates; indicator 9 is no edit', () => {
    withReference((reference) => {
      const edit = (column1: string, column2: string, date: string) => {
        const found = reference.ptpEdit(column1, column2, date);
        return found && `${found.column1}/${found.column2} ${found.modifierIndicator} ${found.rationale} ${JSON.stringify(found.effective)}`;
      };
      expect(edit('62323', '64483', '2026-10-15')).toBe('62323/64483 1 Mutually exclusive procedures {"from":"2017-01-01"}');
      expect(edit('64483', '64484', '2026-10-15')).toBe('64483/64484 0  {"from":"2017-01-01"}');
      expect(edit('64484', '64483', '2026-10-15')).toBeUndefined();
      expect(edit('62323', '20552', '2026-10-31')).toBe('62323/20552 1 Standards of medical / surgical practice {"from":"2017-01-01","to":"2026-11-01"}');
      expect(edit('62323', '20552', '2026-11-01')).toBeUndefined();
      expect(edit('64490', '77003', '2026-12-01')).toBeUndefined();
      expect(edit('64633', '77003', '2026-12-01')).toBeUndefined();
      // Before the release's quarter: the shipped tables (no NCCI table; shipped pairs carry their site).
      expect(edit('62323', '64483', '2026-09-30')).toBeUndefined();
      expect(reference.ptpEdit('64483', '20610', '2026-09-30')).toMatchObject({ site: 'other-structure', modifierIndicator: 1 });
    });
  });

  it('PTP: a later revision of the quarter replaces the release', async () => {
    await importFile(db, ptpFile(dir, 'ccipra-v323r1-f1.txt', [['62323', '64483', '20170101', '*', '0', 'Mutually exclusive procedures']]));
    withReference((reference) => {
      expect(reference.ptpEdit('62323', '64483', '2026-10-15')?.modifierIndicator).toBe(0);
      expect(reference.ptpEdit('64483', '64484', '2026-10-15')).toBeUndefined();
    });
  });

  it('ICD-10-CM: headers and their billable children from the fiscal year in force', () => {
    withReference((reference) => {
      expect(reference.header('M541', '2026-10-01')).toEqual({ code: 'M541', display: 'M54.1', children: ['M54.16', 'M54.17'] });
      expect(reference.header('M48.06', '2027-09-30')).toEqual({ code: 'M4806', display: 'M48.06', children: ['M48.061', 'M48.062'] });
      expect(reference.header('M5416', '2026-10-01')).toBeUndefined();
      expect(reference.header('Z9999', '2026-10-01')).toBeUndefined();
      // The shipped table makes M51.36 a header from FY2025; this (synthetic) year says billable: the import wins.
      expect(defaultReference.header('M5136', '2026-10-01')).toBeDefined();
      expect(reference.header('M5136', '2026-10-01')).toBeUndefined();
      expect(reference.diagnosis('M5136', '2026-10-01')).toMatchObject({ billable: true, region: 'lumbar-sacral' });
      expect(reference.diagnosis('M5136', '2026-10-01')?.children).toBeUndefined();
      // Before the fiscal year: the shipped table.
      expect(reference.header('M5136', '2026-09-30')).toEqual(defaultReference.header('M5136', '2026-09-30'));
    });
  });

  it('says which versions answered and which dates none covered', () => {
    withReference((reference) => {
      reference.mue('64483', '2026-08-15');
      reference.mue('64483', '2026-10-01');
      reference.mue('64483', '2027-02-01');
      reference.mue('64483', '2025-12-01');
      reference.ptpEdit('62323', '64483', '2026-10-15');
      reference.header('M541', '2026-10-01');
      const usage = reference.usage();
      expect(usage.database).toBe(dbPath);
      expect(usage.tables.map((table) => [table.table, table.versions.map((v) => [v.version, v.effectiveFrom, v.effectiveThrough, v.files.map((f) => f.file)]), table.uncovered])).toEqual([
        [
          'mue',
          [
            ['MUE 2026-07-01', '2026-07-01', '2026-09-30', ['MCR_MUE_PractitionerServices_Eff_07-01-2026.csv']],
            ['MUE 2026-10-01', '2026-10-01', '2026-12-31', ['MCR_MUE_PractitionerServices_Eff_10-01-2026.csv']],
          ],
          { dates: 2, first: '2025-12-01', last: '2027-02-01', answeredBy: 'shipped tables' },
        ],
        ['ptp', [['PTP v32.3 r0', '2026-10-01', '2026-12-31', ['ccipra-v323r0-f1.txt', 'ccipra-v323r0-f2.txt']]], null],
        ['icd10cm', [['ICD-10-CM FY2027', '2026-10-01', '2027-09-30', ['icd10cm_order_2027.txt']]], null],
      ]);
      expect(usage.tables[0]!.versions[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
