/**
 * Evaluation and management (E/M) codes by family, with their effective dates: the visits that, on the day of a
 * minor procedure (000/010 global), need modifier 25 to be paid (`em/same-day`), and that need 24 inside
 * an RFA's global (`global/rfa-followup`). The 2023 E/M revision deleted the codes dated `to: 2023-01-01`.
 */
import type { Effective, SourceRef } from '../types.js';

export interface EmFamily {
  description: string;
  codes: readonly string[];
  effective?: Effective;
}

const E_M_2023: SourceRef = { key: 'CPT 2023 E/M revision', note: 'AMA CPT E/M guidelines; CMS MLN006764 (E/M services guide): deleted codes' };
export const EM_SOURCES: SourceRef[] = [
  { key: 'NCCI policy', note: 'E/M same day as a 000/010-global procedure needs 25 (global surgery rules; unverified)' },
  { key: 'Medicare Claims Processing Manual ch. 12 §30.6.6', note: 'modifier 25: significant, separately identifiable E/M on the day of a procedure, any E/M category' },
  E_M_2023,
];

export const EM_FAMILIES: readonly EmFamily[] = [
  { description: 'Office or other outpatient visit, new patient', codes: ['99202', '99203', '99204', '99205'] },
  { description: 'Office or other outpatient visit, new patient (deleted 2021)', codes: ['99201'], effective: { to: '2021-01-01' } },
  { description: 'Office or other outpatient visit, established patient', codes: ['99211', '99212', '99213', '99214', '99215'] },
  { description: 'Office or other outpatient consultation', codes: ['99242', '99243', '99244', '99245'] },
  { description: 'Office or other outpatient consultation (deleted 2023)', codes: ['99241'], effective: { to: '2023-01-01' } },
  { description: 'Inpatient or observation consultation', codes: ['99252', '99253', '99254', '99255'] },
  { description: 'Inpatient consultation (deleted 2023)', codes: ['99251'], effective: { to: '2023-01-01' } },
  { description: 'Hospital inpatient or observation care, initial', codes: ['99221', '99222', '99223'] },
  { description: 'Hospital inpatient or observation care, subsequent', codes: ['99231', '99232', '99233'] },
  { description: 'Hospital inpatient or observation care, same-date admission and discharge', codes: ['99234', '99235', '99236'] },
  { description: 'Hospital inpatient or observation discharge day management', codes: ['99238', '99239'] },
  { description: 'Observation care (deleted 2023)', codes: ['99217', '99218', '99219', '99220', '99224', '99225', '99226'], effective: { to: '2023-01-01' } },
  { description: 'Emergency department visit', codes: ['99281', '99282', '99283', '99284', '99285'] },
  { description: 'Nursing facility care', codes: ['99304', '99305', '99306', '99307', '99308', '99309', '99310'] },
  { description: 'Home or residence visit', codes: ['99341', '99342', '99344', '99345', '99347', '99348', '99349', '99350'] },
  { description: 'Home visit, new patient (deleted 2023)', codes: ['99343'], effective: { to: '2023-01-01' } },
];
