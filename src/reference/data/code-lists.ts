/**
 * Named code lists the rules ask about (`ReferenceData.inList`). Each member has its effective dates and source.
 * Procedure codes also have entries in procedures.ts; these lists say which group a rule means.
 */
import type { CodeListName, Effective, SourceRef } from '../types.js';
import { EM_FAMILIES, EM_SOURCES } from './em-codes.js';

export interface CodeListMember {
  code: string;
  effective: Effective;
  sources: SourceRef[];
}

export interface CodeList {
  name: CodeListName;
  description: string;
  members: readonly CodeListMember[];
}

function members(codes: readonly string[], sources: SourceRef[], effective: Effective = {}): CodeListMember[] {
  return codes.map((code) => ({ code, effective, sources }));
}

export const CODE_LISTS: readonly CodeList[] = [
  {
    name: 'imaging-bundled',
    description: 'Imaging guidance bundled into the image-guided spine codes (`imaging/bundled`)',
    members: [
      ...members(['77002', '77003', '77012', '76942'], [{ key: 'S30' }, { key: 'S29' }, { key: 'CPT descriptors' }]),
      ...members(['72275'], [{ key: 'S30', note: 'shown as deleted; status U' }, { key: 'CPT descriptors' }]),
    ],
  },
  {
    name: 'imaging-guidance-included',
    description:
      'Imaging guidance included in 62321, 62323, 64479–64484, 64490–64495, 64633–64636 whatever the modifiers: no 59/X bypass (`imaging/bundled`)',
    members: members(['77002', '77003', '77012'], [
      { key: 'S30', note: 'CPT: imaging guidance and any injection of contrast are inclusive components' },
      { key: 'CPT descriptors', note: '77002 not appropriate for spine injections; 77003, 77012 never reported with these codes' },
      { key: 'NCCI PTP', note: 'modifier bypass: none (remove line)' },
    ]),
  },
  {
    name: 'imaging-guidance-any-site',
    description: 'Guidance for needle placement at any site: may guide another procedure of the session (a joint injection) (`imaging/bundled`)',
    members: members(['77002'], [{ key: 'CPT descriptors', note: 'fluoroscopic guidance, non-spine' }]),
  },
  {
    name: 'imaging-fluoro-ct',
    description: 'Fluoroscopic or CT guidance: with 62320/62322 the guided code applies (`imaging/unguided-with-guidance`)',
    members: members(['77003', '77012'], [{ key: 'CPT descriptors', note: 'CPT parenthetical, unverified' }]),
  },
  {
    name: 'contrast',
    description: 'Low osmolar contrast, per mL (`imaging/contrast`)',
    members: members(['Q9965', 'Q9966', 'Q9967'], [{ key: 'S30', note: 'inclusion unverified (U-med)' }, { key: 'S21' }]),
  },
  {
    name: 'ultrasound-guided',
    description: 'Ultrasound-guided facet (0213T–0218T) and TFESI (0228T–0231T) codes (`imaging/ultrasound`)',
    members: members(
      ['0213T', '0214T', '0215T', '0216T', '0217T', '0218T', '0228T', '0229T', '0230T', '0231T'],
      [{ key: 'S29' }, { key: 'S12' }],
    ),
  },
  {
    name: 'sedation',
    description: 'Moderate sedation (`sedation/with-injection`)',
    members: members(['99152', '99153', '99156', '99157'], [{ key: 'S3' }, { key: 'S4' }], { from: '2017-01-01' }),
  },
  {
    name: 'anesthesia-spine',
    description: 'Anesthesia for percutaneous image-guided spine procedures (`sedation/with-injection`)',
    members: members(['01937', '01938', '01939', '01940', '01941', '01942'], [{ key: 'S3' }, { key: 'S4' }], { from: '2018-01-01' }),
  },
  {
    name: 'em',
    description: 'E/M visits of every family: office, consultations, hospital, observation, ED, nursing facility, home (`em/same-day`, `global/rfa-followup`)',
    members: EM_FAMILIES.flatMap((family) => members(family.codes, EM_SOURCES, family.effective ?? {})),
  },
  {
    name: 'local-anesthetic',
    description: 'Local anesthetics included in the procedure (`drug/not-separately-billable`)',
    members: members(['J0665', 'J2001'], [{ key: 'S21' }, { key: 'NCCI policy', note: 'unverified' }]),
  },
  {
    name: 'joint-injection',
    description: 'Joint/bursa injections: distinct-procedure pairs with spine codes (`modifier/distinct-procedure`)',
    members: members(['20600', '20604', '20605', '20606', '20610', '20611'], [
      { key: 'C', note: 'PTP 64483/20610, 62323/20610 modifier indicator 1' },
      { key: 'A', note: 'PTP 64493/20610 modifier indicator 1' },
    ]),
  },
  {
    name: 'distinct-modifiers',
    description: 'Modifiers that mark a distinct procedure (59 and the X{EPSU} subset, 2015-01-01)',
    members: [
      ...members(['59'], [{ key: 'NCCI policy', note: 'unverified' }]),
      ...members(['XE', 'XS', 'XP', 'XU'], [{ key: 'NCCI policy', note: 'unverified' }], { from: '2015-01-01' }),
    ],
  },
  {
    name: 'ncci-modifiers',
    description:
      'NCCI-associated modifiers other than the anatomic ones: on the column-2 code they bypass a PTP edit of modifier indicator 1 (docs/rules/ncci/ptp.md)',
    members: [
      ...members(['24', '25', '27', '57', '58', '59', '78', '79', '91'], [{ key: 'NCCI Policy Manual, ch. I §E', note: 'NCCI-associated modifiers' }]),
      ...members(['XE', 'XS', 'XP', 'XU'], [{ key: 'NCCI Policy Manual, ch. I §E', note: 'X{EPSU} from 2015-01-01' }], { from: '2015-01-01' }),
    ],
  },
  {
    name: 'anatomic-modifiers',
    description:
      'Anatomic NCCI-associated modifiers: they bypass a PTP edit of modifier indicator 1 only for a site other than the column-1 code\'s (docs/rules/ncci/ptp.md)',
    members: members(
      ['E1', 'E2', 'E3', 'E4', 'FA', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'TA', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9',
        'LT', 'RT', 'LC', 'LD', 'RC', 'LM', 'RI'],
      [{ key: 'NCCI Policy Manual, ch. I §E', note: 'anatomic modifiers: different sites only' }],
    ),
  },
  {
    name: 'liability-modifiers',
    description: 'Beneficiary liability modifiers for LCD coverage limits (`coverage/liability-modifier`)',
    members: members(['GA', 'GZ'], [
      { key: 'Medicare Claims Processing Manual ch. 30 §40.3.6', note: 'GA, GZ: not reasonable and necessary (an LCD limit); GX is for a voluntary ABN on a statutorily excluded service and does not state liability for an LCD limit' },
    ]),
  },
  {
    name: 'discarded-drug-modifiers',
    description: 'JW (amount discarded) and JZ (none discarded) on drugs from single-dose containers (`drug/jw-jz`)',
    members: [
      ...members(['JW'], [{ key: 'S24', note: 'JW required for discarded amounts since 2017-01-01' }], { from: '2017-01-01' }),
      ...members(['JZ'], [{ key: 'S24', note: 'JZ established 2023-01-01' }], { from: '2023-01-01' }),
    ],
  },
  {
    name: 'discarded-drug-required',
    description: 'Dates of service from which Medicare Part B requires JW or JZ on every single-dose-container drug (`drug/jw-jz`)',
    members: members(['JZ'], [{ key: 'S24', note: 'JZ required from 2023-07-01 (claims without JW or JZ returned from 2023-10-01)' }], { from: '2023-07-01' }),
  },
];

export const CODE_LISTS_VERSION = {
  table: 'code-lists',
  version: '2026-11 (the rule catalogue\'s lists)',
  sources: ['S3', 'S4', 'S12', 'S21', 'S29', 'S30', 'A', 'C'],
};
