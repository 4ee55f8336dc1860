/**
 * `spinescrub reference import` and `run` with the reference database, as child processes: the same claims before
 * and after an import (synthetic CMS rows), the imported values at work, the versions named in the summary, and
 * the database found at its default path.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icdFile, mueFile, ptpFile } from '../reference/cms-files.js';
import { runCli } from './helpers.js';

let work: string;

const HEADER =
  'claim_id,frequency_code,payer_claim_number,payer_id,payer_name,member_id,patient_last,patient_first,patient_dob,patient_sex,billing_npi,rendering_npi,pos,dx_codes,line_no,dos,cpt,modifiers,units,charge,dx_pointers,ndc,ndc_qty,ndc_unit,dose_mg,total_charge';
/** Claim id, date of service, diagnosis, lines as [code, modifiers, units, charge]. */
const CLAIMS: [string, string, string, [string, string, number, string][]][] = [
  ['R1', '2026-10-05', 'M5416', [['64483', 'RT', 1, '720.00'], ['64484', 'RT', 2, '500.00']]],
  ['R2', '2026-10-05', 'M5416', [['62323', '', 1, '620.00'], ['64483', 'LT', 1, '720.00']]],
  ['R3', '2026-10-06', 'M5417', [['64483', 'RT', 1, '720.00']]],
  ['R4', '2026-05-04', 'M5416', [['64483', 'RT', 1, '720.00'], ['64484', 'RT', 2, '500.00']]],
];

function claimsCsv(): string {
  const rows = [HEADER];
  CLAIMS.forEach(([id, dos, dx, lines], index) => {
    const total = lines.reduce((sum, line) => sum + Math.round(Number(line[3]) * 100), 0);
    lines.forEach(([code, modifiers, units, charge], line) => {
      rows.push(
        [id, 1, '', 'SYNMCR01', 'MEDICARE PART B', `9SY0000090${index}`, 'OAK', 'ANN', '1950-01-01', 'F', '1900000013', '1910000110', '11', dx, line + 1, dos, code, modifiers, units, charge, 1, '', '', '', '', (total / 100).toFixed(2)].join(','),
      );
    });
  });
  return `${rows.join('\n')}\n`;
}

interface Report {
  summary: { referenceVersions?: { database: string; tables: { table: string; versions: { version: string; effectiveFrom: string; files: { file: string; sha256: string }[] }[]; uncovered: unknown }[] } };
  findings: { claimId: string; ruleId: string; action: string; message: string }[];
}

function findings(out: string): string[] {
  const report = JSON.parse(readFileSync(path.join(out, 'exceptions.json'), 'utf8')) as Report;
  return report.findings
    .filter((finding) => ['mue/units', 'ncci/ptp', 'dx/header-code'].includes(finding.ruleId))
    .map((finding) => `${finding.claimId} ${finding.ruleId} ${finding.action}: ${finding.message}`);
}

/** `-q` keeps errors only (as ESLint's --quiet); `quiet: false` shows the warnings too. */
function run(out: string, extra: string[] = [], quiet = true) {
  return runCli(['run', 'claims.csv', '--out', out, '--as-of', '2026-11-27', '--no-record', '--history', 'h.db', '--no-progress', ...(quiet ? ['-q'] : []), ...extra], { cwd: work });
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'spinescrub-reference-'));
  writeFileSync(path.join(work, 'claims.csv'), claimsCsv());
  const files = path.join(work, 'cms');
  mkdirSync(files);
  mueFile(files, '2026-10-01', [['64483', 1, '2 Date of Service Edit: Policy'], ['64484', 1, '3 Date of Service Edit: Clinical']]);
  ptpFile(files, 'ccipra-v323r0-f1.txt', [['62323', '64483', '20170101', '*', '1', 'Mutually exclusive procedures']]);
  icdFile(files, 2027, [
    ['M5416', true, 'Radiculopathy, lumbar region'],
    ['M5417', false, 'Radiculopathy, lumbosacral region (synthetic header)'],
    ['M54170', true, 'synthetic child one'],
    ['M54171', true, 'synthetic child two'],
  ]);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('reference tables (CLI)', () => {
  it('a run before and after an import: the imported values at work, the versions named', async () => {
    const before = await run('before');
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    expect(findings(path.join(work, 'before'))).toEqual([]);
    const beforeReport = JSON.parse(readFileSync(path.join(work, 'before', 'exceptions.json'), 'utf8')) as Report;
    expect(beforeReport.summary.referenceVersions).toBeUndefined();

    const cms = path.join(work, 'cms');
    const imported = await runCli(['reference', 'import', path.join(cms, 'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv'), path.join(cms, 'ccipra-v323r0-f1.txt'), path.join(cms, 'icd10cm_order_2027.txt')], { cwd: work });
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    expect(imported.stdout.split('\n').map((line) => line.replace(`${cms}${path.sep}`, ''))).toEqual([
      'MCR_MUE_PractitionerServices_Eff_10-01-2026.csv: MUE 2026-10-01, 2026-10-01 to 2026-12-31: 2 rows imported',
      'ccipra-v323r0-f1.txt: PTP v32.3 r0 part f1, 2026-10-01 to 2026-12-31: 1 edit imported',
      'icd10cm_order_2027.txt: ICD-10-CM FY2027, 2026-10-01 to 2027-09-30: 4 codes imported',
      '',
    ]);

    // No --reference: ./spinescrub-reference.db is there, so it answers.
    const after = await run('after', [], false);
    expect(after.code).toBe(0);
    expect(after.stderr.split('\n').filter((line) => line.includes('no imported version covers')).map((line) => line.replace(/^.*?(Practitioner|NCCI|ICD)/, '$1'))).toEqual([
      'Practitioner Services MUE: no imported version covers 1 date of service (2026-05-04); the shipped tables answered for it',
      'NCCI practitioner PTP edits: no imported version covers 1 date of service (2026-05-04); the shipped tables answered for it',
      'ICD-10-CM order file: no imported version covers 1 date of service (2026-05-04); the shipped tables answered for it',
    ]);
    expect(findings(path.join(work, 'after'))).toEqual([
      'R1 mue/units held: Correct the units of 64484 on 2026-10-05 to at most 1 (check which levels or sides were done): 2 units exceed the practitioner MUE (adjudication indicator 3: per date of service)',
      'R2 ncci/ptp held: Remove 64483-LT, or add an NCCI-associated modifier (59, XE, XS, XP, XU, an anatomic one) to it if the services are distinct: billed with 62323 on 2026-10-05, it is column 2 of NCCI PTP edit 62323/64483 (Mutually exclusive procedures)',
      'R3 dx/header-code held: Recode category header M54.17 to the billable code documented, one of M54.170, M54.171: a header is not billable on 2026-10-06',
    ]);
    const report = JSON.parse(readFileSync(path.join(work, 'after', 'exceptions.json'), 'utf8')) as Report;
    const versions = report.summary.referenceVersions!;
    expect(versions.database).toBe('./spinescrub-reference.db');
    expect(versions.tables.map((table) => [table.table, table.versions.map((version) => `${version.version} from ${version.effectiveFrom}: ${version.files.map((file) => file.file).join(', ')}`), table.uncovered])).toEqual([
      ['mue', ['MUE 2026-10-01 from 2026-10-01: MCR_MUE_PractitionerServices_Eff_10-01-2026.csv'], { dates: 1, first: '2026-05-04', last: '2026-05-04', answeredBy: 'shipped tables' }],
      ['ptp', ['PTP v32.3 r0 from 2026-10-01: ccipra-v323r0-f1.txt'], { dates: 1, first: '2026-05-04', last: '2026-05-04', answeredBy: 'shipped tables' }],
      ['icd10cm', ['ICD-10-CM FY2027 from 2026-10-01: icd10cm_order_2027.txt'], { dates: 1, first: '2026-05-04', last: '2026-05-04', answeredBy: 'shipped tables' }],
    ]);
    expect(versions.tables[1]!.versions[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    // report.html names the versions that judged the run and the dates the shipped tables answered.
    const html = readFileSync(path.join(work, 'after', 'report.html'), 'utf8');
    const section = /<section id="reference">.*?<\/section>/s.exec(html)?.[0] ?? '';
    const ptpRows = section.split('\n').filter((line) => line.startsWith('<tr><td>NCCI practitioner PTP edits</td>'));
    expect(ptpRows.map((row) => row.replace(/sha256 [0-9a-f]{12}/, 'sha256 X'))).toEqual([
      '<tr><td>NCCI practitioner PTP edits</td><td>PTP v32.3 r0</td><td>2026-10-01 – 2026-12-31</td><td>ccipra-v323r0-f1.txt <span class="note">(1 row, sha256 X…)</span></td></tr>',
      '<tr><td>NCCI practitioner PTP edits</td><td>shipped tables</td><td>2026-05-04 – 2026-05-04</td><td class="note">1 date of service no imported version covers</td></tr>',
    ]);

    // --reference names another database; a missing one is a usage error.
    const missing = await run('missing', ['--reference', 'nowhere.db']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere.db: no reference database there (spinescrub reference import creates it)');
  });

  it('lists what is loaded, by table and period; a refused file is exit 3 and names its line', async () => {
    const db = path.join(work, 'list.db');
    const cms = path.join(work, 'cms');
    await runCli(['reference', 'import', path.join(cms, 'ccipra-v323r0-f1.txt'), '--reference', db], { cwd: work });
    const broken = path.join(work, 'ccipra-v330r0-f1.txt');
    writeFileSync(broken, 'Column 1\tColumn 2\n64483\t77003\t\t20270101\t*\t7\tx\n');
    const refused = await runCli(['reference', 'import', broken, '--reference', db], { cwd: work });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe(
      'spinescrub: REF_BAD_ROW: ccipra-v330r0-f1.txt line 2: modifier indicator "7" of 64483/77003 is not 0, 1 or 9 (file refused: nothing of it was stored)\n',
    );
    const list = await runCli(['reference', 'list', '--reference', db], { cwd: work });
    expect(list.code).toBe(0);
    const sha = /sha256 ([0-9a-f]{64})/.exec(list.stdout)?.[1];
    expect(list.stdout).toBe(
      [
        `reference database ${db}`,
        'Practitioner Services MUE: nothing imported (the shipped tables answer)',
        'NCCI practitioner PTP edits: 1 version',
        '  PTP v32.3 r0  2026-10-01 to 2026-12-31  1 file, 1 edit',
        `    ccipra-v323r0-f1.txt  1 edit  sha256 ${sha}`,
        'ICD-10-CM order file: nothing imported (the shipped tables answer)',
        '',
      ].join('\n'),
    );
  });
});
