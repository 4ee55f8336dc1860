/**
 * Small CMS reference files in the published layouts, with synthetic rows (made-up values: never CMS data, which
 * carries the AMA's CPT licence). Each writer returns the file's path.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export type MueRow = [code: string, value: number, indicator: string, rationale?: string];

/** `MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv`: a notice line, the header row, quoted cells, CRLF. */
export function mueFile(dir: string, effective: string, rows: readonly MueRow[], options: { name?: string; notice?: string[] } = {}): string {
  const [year, month, day] = effective.split('-');
  const file = path.join(dir, options.name ?? `MCR_MUE_PractitionerServices_Eff_${month}-${day}-${year}.csv`);
  const quote = (cells: readonly (string | number)[]) => cells.map((cell) => `"${String(cell)}"`).join(',');
  const lines = [
    ...(options.notice ?? ['CPT codes, descriptions and other data only are copyright the AMA (synthetic notice line)']).map((text) => quote([text])),
    quote(['HCPCS/CPT Code', 'Practitioner Services MUE Values', 'MUE Adjudication Indicator', 'MUE Rationale']),
    ...rows.map(([code, value, indicator, rationale]) => quote([code, value, indicator, rationale ?? 'Clinical: Data'])),
  ];
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

export type PtpRow = [column1: string, column2: string, effective: string, deletion: string, modifier: string, rationale?: string];

/** `ccipra-vNNNrN-fN.txt`: the four title lines, then tab-delimited edits. */
export function ptpFile(dir: string, name: string, rows: readonly PtpRow[]): string {
  const file = path.join(dir, name);
  const head = [
    'Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale',
    '\t\tprior to 1996\tDate\tDate\t0=not allowed\t',
    '\t\t\t\t*=no data\t1=allowed\t',
    '\t\t\t\t\t9=not applicable\t',
  ];
  const body = rows.map(([c1, c2, effective, deletion, modifier, rationale]) => `${c1}\t${c2}\t\t${effective}\t${deletion}\t${modifier}\t${rationale ?? 'Standards of medical / surgical practice'}`);
  writeFileSync(file, `${[...head, ...body].join('\n')}\n`);
  return file;
}

export type IcdRow = [code: string, billable: boolean, description: string];

/** `icd10cm_order_YYYY.txt`: fixed width (order number, code, header flag, short and long descriptions). */
export function icdFile(dir: string, fiscalYear: number, rows: readonly IcdRow[]): string {
  const file = path.join(dir, `icd10cm_order_${fiscalYear}.txt`);
  const lines = rows.map(([code, billable, description], index) => {
    const short = description.slice(0, 60).padEnd(60);
    return `${String(index + 1).padStart(5, '0')} ${code.padEnd(7)} ${billable ? '1' : '0'} ${short} ${description}`;
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
