/**
 * The CMS files `spinescrub reference import` reads, told apart by the names CMS publishes them under, and the
 * period each one holds for (README.md, "Reference tables").
 *
 * - `MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv`: from that date for a quarter (three months).
 * - `ccipra-vNNNrN-fN.txt`: NCCI version NN.N (major 32 = 2026; minor 0–3 = the quarter from January, April, July,
 *   October), revision rN (a corrected release of the same quarter), part fN (a quarter comes in several parts).
 * - `icd10cm_order_YYYY.txt`: fiscal year YYYY, from 1 October of YYYY − 1 to 30 September of YYYY.
 */
import path from 'node:path';
import type { IsoDate } from '../../encounter/model.js';
import { ReferenceDataError } from '../errors.js';

export type ImportedTable = 'mue' | 'ptp' | 'icd10cm';

export interface RecognizedFile {
  table: ImportedTable;
  /** The version the file belongs to: 'MUE 2026-10-01', 'PTP v32.3', 'ICD-10-CM FY2027'. */
  release: string;
  /** PTP: the release's revision (rN); 0 otherwise. */
  revision: number;
  /** PTP: the part (fN); '' otherwise. */
  part: string;
  /** Half-open period [from, to). */
  from: IsoDate;
  to: IsoDate;
}

const MUE_NAME = /^MCR_MUE_PractitionerServices_Eff_(\d{2})-(\d{2})-(\d{4})\.csv$/i;
const PTP_NAME = /^ccipra-v(\d{2})(\d)r(\d+)-f(\d+)\.txt$/i;
const ICD_NAME = /^icd10cm[_-]order[_-](\d{4})\.txt$/i;

/** NCCI version 32 is 2026: the major number counts years from 1994. */
const NCCI_YEAR_OFFSET = 1994;

export const TABLE_TITLES: Record<ImportedTable, string> = {
  mue: 'Practitioner Services MUE',
  ptp: 'NCCI practitioner PTP edits',
  icd10cm: 'ICD-10-CM order file',
};

function isoDate(year: number, month: number, day: number): IsoDate | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The date `months` calendar months after an ISO date (the day kept; quarters start on the 1st). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const total = year * 12 + (month - 1) + months;
  const out = new Date(Date.UTC(Math.floor(total / 12), total % 12, 1));
  const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, last));
  return out.toISOString().slice(0, 10);
}

/** The day before an ISO date (for "until" in listings). */
export function dayBefore(date: IsoDate): IsoDate {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

const EXPECTED =
  'expected one of the names CMS publishes: MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv, ccipra-vNNNrN-fN.txt or icd10cm_order_YYYY.txt';

/** What a file is, from its name; throws REF_UNKNOWN_FILE for any other name. */
export function recognizeFile(file: string): RecognizedFile {
  const name = path.basename(file);
  const mue = MUE_NAME.exec(name);
  if (mue) {
    const from = isoDate(Number(mue[3]), Number(mue[1]), Number(mue[2]));
    if (from === undefined) throw new ReferenceDataError('REF_UNKNOWN_FILE', `${name}: the effective date in the name is not a date`);
    return { table: 'mue', release: `MUE ${from}`, revision: 0, part: '', from, to: addMonths(from, 3) };
  }
  const ptp = PTP_NAME.exec(name);
  if (ptp) {
    const major = Number(ptp[1]);
    const minor = Number(ptp[2]);
    if (minor > 3) throw new ReferenceDataError('REF_UNKNOWN_FILE', `${name}: NCCI version ${major}.${minor} names no quarter (the minor number is 0–3)`);
    const from = isoDate(NCCI_YEAR_OFFSET + major, 1 + 3 * minor, 1)!;
    return { table: 'ptp', release: `PTP v${major}.${minor}`, revision: Number(ptp[3]), part: `f${Number(ptp[4])}`, from, to: addMonths(from, 3) };
  }
  const icd = ICD_NAME.exec(name);
  if (icd) {
    const year = Number(icd[1]);
    return { table: 'icd10cm', release: `ICD-10-CM FY${year}`, revision: 0, part: '', from: `${year - 1}-10-01`, to: `${year}-10-01` };
  }
  throw new ReferenceDataError('REF_UNKNOWN_FILE', `${name}: not a reference file this command reads; ${EXPECTED}`);
}
