/**
 * CPT/HCPCS procedure table: the spine codes (ESI, facet, RFA) and every other code the rules classify
 * (imaging, contrast, ultrasound-guided Category III codes, sedation, anesthesia, E/M, joint injections).
 * Drug J-codes live in drugs.ts; index.ts derives their procedure entries from there.
 *
 * Sources (docs/rules/sources.md): [Sx] references, and the CMS files P1–P3 (PPRRVU), A–C (MUE), E (AOC file),
 * which win where the two differ (bilateral indicator 9 for 62320–62323).
 * `allowedPrimaries` encodes `addon/without-primary` (the rule contract); where the CMS AOC file (E)
 * says something else, the source note says so.
 */
import type { ProcedureInfo, SourceRef } from '../types.js';
import { EM_FAMILIES, EM_SOURCES } from './em-codes.js';

const PPRRVU: SourceRef = { key: 'P3', note: 'PPRRVU 2026 Jan; same indicators in P1/P2 (2025)' };
const MUE_A: SourceRef = { key: 'A', note: 'practitioner MUE, most likely 2026 Q2' };
const MUE_AB: SourceRef = { key: 'A', note: 'practitioner MUE 2026 Q2; MAI-3 row also in B' };
const MUE_ABC: SourceRef = { key: 'A', note: 'practitioner MUE 2026 Q2; also in B (Q2) and C (Q3, Q4)' };
const MUE_AC: SourceRef = { key: 'A', note: 'practitioner MUE 2026 Q2; also in C (Q3, Q4)' };

/** CPT 2017 replaced 62310/62311 (and 62318/62319) with 62320–62327. */
const CPT_2017 = '2017-01-01';
/** Facet injection codes 64490–64495 exist since 2010; RFA per joint 64633–64636 since 2012. */
const FACET_CODES_FROM = '2010-01-01';
const RFA_CODES_FROM = '2012-01-01';

export const PROCEDURES: readonly ProcedureInfo[] = [
  // ── Interlaminar ESI. Bilateral indicator 9: modifier 50/RT/LT do not apply [P1–P3].
  {
    code: '62320', family: 'esi-interlaminar', region: 'cervical-thoracic', role: 'primary', guidedCode: '62321',
    bilateralIndicator: 9, globalDays: '000', includesImaging: false,
    mue: { value: 1, adjudication: 3, source: MUE_AB },
    description: 'Interlaminar epidural/subarachnoid injection, cervical or thoracic; without imaging guidance',
    effective: { from: CPT_2017 },
    sources: [{ key: 'S30' }, { key: 'S17' }, PPRRVU, MUE_AB],
  },
  {
    code: '62321', family: 'esi-interlaminar', region: 'cervical-thoracic', role: 'primary',
    bilateralIndicator: 9, globalDays: '000', includesImaging: true,
    mue: { value: 1, adjudication: 3, source: MUE_AB },
    description: 'Interlaminar epidural/subarachnoid injection, cervical or thoracic; with imaging guidance (fluoroscopy or CT)',
    effective: { from: CPT_2017 },
    sources: [{ key: 'S30', note: 'imaging guidance and contrast inclusive' }, PPRRVU, MUE_AB],
  },
  {
    code: '62322', family: 'esi-interlaminar', region: 'lumbar-sacral', role: 'primary', guidedCode: '62323',
    bilateralIndicator: 9, globalDays: '000', includesImaging: false,
    mue: { value: 1, adjudication: 3, source: MUE_AB },
    description: 'Interlaminar epidural/subarachnoid injection, lumbar or sacral (caudal); without imaging guidance',
    effective: { from: CPT_2017 },
    sources: [{ key: 'S30' }, { key: 'S17' }, PPRRVU, MUE_AB],
  },
  {
    code: '62323', family: 'esi-interlaminar', region: 'lumbar-sacral', role: 'primary',
    bilateralIndicator: 9, globalDays: '000', includesImaging: true,
    mue: { value: 1, adjudication: 3, source: MUE_ABC },
    description: 'Interlaminar epidural/subarachnoid injection, lumbar or sacral (caudal); with imaging guidance (fluoroscopy or CT)',
    effective: { from: CPT_2017 },
    sources: [{ key: 'S30', note: 'official descriptor; imaging and contrast inclusive' }, PPRRVU, MUE_ABC],
  },

  // ── Transforaminal ESI. T12-L1 TFESI is reported with 64479 [S1].
  {
    code: '64479', family: 'esi-transforaminal', region: 'cervical-thoracic', role: 'primary', nextLevelAddon: '64480',
    bilateralIndicator: 1, globalDays: '000', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Transforaminal epidural injection with imaging guidance, cervical or thoracic; single level',
    effective: {},
    sources: [{ key: 'S1' }, { key: 'S13' }, { key: 'S14' }, PPRRVU, MUE_A],
  },
  {
    code: '64480', family: 'esi-transforaminal', region: 'cervical-thoracic', role: 'addon',
    allowedPrimaries: [['64479']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 4, adjudication: 3, source: MUE_AB },
    description: 'Transforaminal epidural injection with imaging guidance, cervical or thoracic; each additional level',
    effective: {},
    sources: [{ key: 'S14' }, PPRRVU, MUE_AB, { key: 'E', note: 'AOC 2026Q2: primary 64479 (2013-04-01)' }],
  },
  {
    code: '64483', family: 'esi-transforaminal', region: 'lumbar-sacral', role: 'primary', nextLevelAddon: '64484',
    bilateralIndicator: 1, globalDays: '000', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_AC },
    description: 'Transforaminal epidural injection with imaging guidance, lumbar or sacral; single level',
    effective: {},
    sources: [{ key: 'S13' }, PPRRVU, MUE_AC],
  },
  {
    code: '64484', family: 'esi-transforaminal', region: 'lumbar-sacral', role: 'addon',
    allowedPrimaries: [['64483']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 4, adjudication: 3, source: MUE_ABC },
    description: 'Transforaminal epidural injection with imaging guidance, lumbar or sacral; each additional level',
    effective: {},
    sources: [{ key: 'S14' }, PPRRVU, MUE_ABC, { key: 'E', note: 'AOC 2026Q2: primary 64483 (2013-04-01)' }],
  },

  // ── Facet joint injections / medial branch blocks. Units are levels (joints), not nerves [S7].
  {
    code: '64490', family: 'facet', region: 'cervical-thoracic', role: 'primary', nextLevelAddon: '64491',
    bilateralIndicator: 1, globalDays: '000', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Paravertebral facet joint injection with imaging guidance, cervical or thoracic; single level',
    effective: { from: FACET_CODES_FROM },
    sources: [{ key: 'S7' }, { key: 'S29' }, PPRRVU, MUE_A],
  },
  {
    code: '64491', family: 'facet', region: 'cervical-thoracic', role: 'addon', nextLevelAddon: '64492',
    allowedPrimaries: [['64490']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Paravertebral facet joint injection with imaging guidance, cervical or thoracic; second level',
    effective: { from: FACET_CODES_FROM },
    sources: [{ key: 'S17' }, PPRRVU, MUE_A, { key: 'E', note: 'AOC 2026Q2: primary 64490 (2013-04-01)' }],
  },
  {
    code: '64492', family: 'facet', region: 'cervical-thoracic', role: 'addon', oncePerDay: true,
    allowedPrimaries: [['64490', '64491']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Paravertebral facet joint injection with imaging guidance, cervical or thoracic; third and any additional level(s)',
    effective: { from: FACET_CODES_FROM },
    sources: [
      { key: 'S29', note: 'reported once per day' },
      PPRRVU, MUE_A,
      { key: 'E', note: 'AOC 2026Q2 lists 64490 (2013-04-01) or 64491 (2015-01-01) as alternatives; the catalogue requires 64490 + 64491 (CPT descriptors), which is what this entry encodes' },
    ],
  },
  {
    code: '64493', family: 'facet', region: 'lumbar-sacral', role: 'primary', nextLevelAddon: '64494',
    bilateralIndicator: 1, globalDays: '000', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Paravertebral facet joint injection with imaging guidance, lumbar or sacral; single level',
    effective: { from: FACET_CODES_FROM },
    sources: [{ key: 'S7' }, PPRRVU, MUE_A],
  },
  // 64494 before the AOC file accepted 64490 as its primary (T12-L1 + L1-2 junction).
  {
    code: '64494', family: 'facet', region: 'lumbar-sacral', role: 'addon', nextLevelAddon: '64495',
    allowedPrimaries: [['64493']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Paravertebral facet joint injection with imaging guidance, lumbar or sacral; second level',
    effective: { from: FACET_CODES_FROM, to: '2023-01-01' },
    sources: [{ key: 'S30' }, { key: 'S16' }, PPRRVU, MUE_A, { key: 'E', note: 'AOC 2026Q2: primary 64493 (2013-04-01); 64490 only from 2023-01-01' }],
  },
  {
    code: '64494', family: 'facet', region: 'lumbar-sacral', role: 'addon', nextLevelAddon: '64495',
    allowedPrimaries: [['64493'], ['64490']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Paravertebral facet joint injection with imaging guidance, lumbar or sacral; second level',
    effective: { from: '2023-01-01' },
    sources: [
      { key: 'S30' }, { key: 'S16' }, PPRRVU, MUE_A,
      { key: 'E', note: 'AOC 2026Q2: primaries 64493 (2013-04-01) and 64490 (2023-01-01)' },
      { key: 'S8', note: 'T12-L1 + L1-2: 64490 + 64494 (MAC article A58364, eff. 2025-01-01)' },
      { key: 'S9' },
    ],
  },
  {
    code: '64495', family: 'facet', region: 'lumbar-sacral', role: 'addon', oncePerDay: true,
    allowedPrimaries: [['64494']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Paravertebral facet joint injection with imaging guidance, lumbar or sacral; third and any additional level(s)',
    effective: { from: FACET_CODES_FROM },
    sources: [
      { key: 'S29', note: 'reported once per day' },
      PPRRVU, MUE_A,
      { key: 'E', note: 'AOC 2026Q2 lists 64493 (2013-04-01) or 64494 (2015-01-01); `addon/without-primary` requires 64494 (which itself needs 64493 or 64490), which is what this entry encodes' },
    ],
  },

  // ── Facet joint nerve destruction (RFA), per joint since 2012; 10-day global [S31].
  {
    code: '64633', family: 'rfa', region: 'cervical-thoracic', role: 'primary', nextLevelAddon: '64634',
    bilateralIndicator: 1, globalDays: '010', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Destruction by neurolytic agent, paravertebral facet joint nerve(s), with imaging guidance; cervical or thoracic, single facet joint',
    effective: { from: RFA_CODES_FROM },
    sources: [{ key: 'S31' }, PPRRVU, MUE_A],
  },
  {
    code: '64634', family: 'rfa', region: 'cervical-thoracic', role: 'addon',
    allowedPrimaries: [['64633']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 4, adjudication: 3, source: MUE_AB },
    description: 'Destruction by neurolytic agent, paravertebral facet joint nerve(s), with imaging guidance; cervical or thoracic, each additional facet joint',
    effective: { from: RFA_CODES_FROM },
    sources: [PPRRVU, MUE_AB, { key: 'E', note: 'AOC 2026Q2: primary 64633 (2013-04-01)' }],
  },
  {
    code: '64635', family: 'rfa', region: 'lumbar-sacral', role: 'primary', nextLevelAddon: '64636',
    bilateralIndicator: 1, globalDays: '010', includesImaging: true,
    mue: { value: 1, adjudication: 2, source: MUE_A },
    description: 'Destruction by neurolytic agent, paravertebral facet joint nerve(s), with imaging guidance; lumbar or sacral, single facet joint',
    effective: { from: RFA_CODES_FROM },
    sources: [{ key: 'S30' }, { key: 'S17' }, { key: 'S31' }, PPRRVU, MUE_A],
  },
  {
    code: '64636', family: 'rfa', region: 'lumbar-sacral', role: 'addon',
    allowedPrimaries: [['64635'], ['64633']],
    bilateralIndicator: 1, globalDays: 'ZZZ', includesImaging: true,
    mue: { value: 4, adjudication: 3, source: MUE_AB },
    description: 'Destruction by neurolytic agent, paravertebral facet joint nerve(s), with imaging guidance; lumbar or sacral, each additional facet joint',
    effective: { from: RFA_CODES_FROM },
    sources: [
      { key: 'S30' }, PPRRVU, MUE_AB,
      { key: 'E', note: 'AOC 2026Q2 lists only 64635 (2013-04-01); the catalogue also accepts 64633 (T12-L1 with L1-2 junction [S8][S9]), which this entry encodes' },
    ],
  },

  // ── Imaging guidance: bundled into the image-guided spine codes.
  {
    code: '77002', family: 'imaging', region: 'none', role: 'none', includesImaging: false,
    description: 'Fluoroscopic guidance for needle placement (non-spine)',
    effective: {},
    sources: [{ key: 'S30' }, { key: 'CPT descriptors', note: 'not appropriate for spine injections (unverified)' }],
  },
  {
    code: '77003', family: 'imaging', region: 'none', role: 'none', includesImaging: false,
    bilateralIndicator: 0, globalDays: 'ZZZ',
    mue: { value: 1, adjudication: 3, source: MUE_AB },
    description: 'Fluoroscopic guidance and localization of needle or catheter tip for spine or paraspinous diagnostic or therapeutic injection',
    effective: {},
    sources: [{ key: 'S30' }, { key: 'S29' }, PPRRVU, MUE_AB, { key: 'A', note: 'PTP: every spine code col 1 / 77003 col 2, modifier indicator 1 (direction from D)' }],
  },
  {
    code: '77012', family: 'imaging', region: 'none', role: 'none', includesImaging: false,
    bilateralIndicator: 0, globalDays: 'XXX',
    mue: { value: 1, adjudication: 3, source: MUE_AB },
    description: 'Computed tomography guidance for needle placement',
    effective: {},
    sources: [{ key: 'S30' }, PPRRVU, MUE_AB],
  },
  {
    code: '76942', family: 'imaging', region: 'none', role: 'none', includesImaging: false,
    description: 'Ultrasonic guidance for needle placement',
    effective: {},
    sources: [{ key: 'S29', note: 'not reportable with 64479–64495; US-guided codes are 0213T–0218T / 0228T–0231T' }, { key: 'S12' }],
  },
  {
    code: '72275', family: 'imaging', region: 'none', role: 'none', includesImaging: false,
    description: 'Epidurography, radiological supervision and interpretation',
    effective: {},
    sources: [
      { key: 'S30', note: 'Coding Ahead marks 72275 deleted; status unverified (U)' },
      { key: 'S21', note: 'some 2026 hospital CDMs still carry it; treated as never billable with these procedures' },
    ],
  },

  // ── Contrast (LOCM, per mL): inclusive in the image-guided codes [S30] (inclusion unverified: `imaging/contrast` warns).
  ...(['Q9965', 'Q9966', 'Q9967'] as const).map((code): ProcedureInfo => ({
    code, family: 'contrast', region: 'none', role: 'none', includesImaging: false,
    description: {
      Q9965: 'Low osmolar contrast material, 100-199 mg/mL iodine concentration, per mL',
      Q9966: 'Low osmolar contrast material, 200-299 mg/mL iodine concentration, per mL',
      Q9967: 'Low osmolar contrast material, 300-399 mg/mL iodine concentration, per mL',
    }[code],
    effective: {},
    sources: [{ key: 'S30', note: 'contrast inclusive in image-guided codes; office LOCM policy U-med' }, { key: 'S21' }],
  })),

  // ── Ultrasound-guided facet (0213T–0218T) and TFESI (0228T–0231T), Category III [S29]: not covered [S12].
  ...ultrasoundGuided([
    ['0213T', 'facet', 'cervical-thoracic', 'primary', 'Paravertebral facet joint injection with ultrasound guidance, cervical or thoracic; single level'],
    ['0214T', 'facet', 'cervical-thoracic', 'addon', 'Paravertebral facet joint injection with ultrasound guidance, cervical or thoracic; second level'],
    ['0215T', 'facet', 'cervical-thoracic', 'addon', 'Paravertebral facet joint injection with ultrasound guidance, cervical or thoracic; third and any additional level(s)'],
    ['0216T', 'facet', 'lumbar-sacral', 'primary', 'Paravertebral facet joint injection with ultrasound guidance, lumbar or sacral; single level'],
    ['0217T', 'facet', 'lumbar-sacral', 'addon', 'Paravertebral facet joint injection with ultrasound guidance, lumbar or sacral; second level'],
    ['0218T', 'facet', 'lumbar-sacral', 'addon', 'Paravertebral facet joint injection with ultrasound guidance, lumbar or sacral; third and any additional level(s)'],
    ['0228T', 'tfesi', 'cervical-thoracic', 'primary', 'Transforaminal epidural injection with ultrasound guidance, cervical or thoracic; single level'],
    ['0229T', 'tfesi', 'cervical-thoracic', 'addon', 'Transforaminal epidural injection with ultrasound guidance, cervical or thoracic; each additional level'],
    ['0230T', 'tfesi', 'lumbar-sacral', 'primary', 'Transforaminal epidural injection with ultrasound guidance, lumbar or sacral; single level'],
    ['0231T', 'tfesi', 'lumbar-sacral', 'addon', 'Transforaminal epidural injection with ultrasound guidance, lumbar or sacral; each additional level'],
  ]),

  // ── Moderate sedation (`sedation/with-injection`; LCD text [S3][S4]; no PTP edit [A]).
  sedation('99152', 'Moderate sedation by the same physician performing the procedure, patient age 5 years or older; initial 15 minutes',
    { bilateralIndicator: 9, globalDays: 'XXX', mue: { value: 2, adjudication: 3, source: MUE_AB } }),
  // The "each additional 15 minutes" codes are add-ons (`addon/without-primary`): 99153 ← 99151, 99152 or G0500
  // (NCCI add-on code file [E]); 99157 ← 99155 or 99156 (CPT descriptor "List separately in addition").
  sedation('99153', 'Moderate sedation by the same physician performing the procedure; each additional 15 minutes', {
    role: 'addon',
    allowedPrimaries: [['99151'], ['99152'], ['G0500']],
  }),
  sedation('99156', 'Moderate sedation by a physician other than the one performing the procedure, patient age 5 years or older; initial 15 minutes', {}),
  sedation('99157', 'Moderate sedation by a physician other than the one performing the procedure; each additional 15 minutes', {
    role: 'addon',
    allowedPrimaries: [['99155'], ['99156']],
  }),

  // ── Anesthesia for percutaneous image-guided spine procedures (CPT 2018) [S3][S4][S32].
  ...(
    [
      ['01937', 'Anesthesia for percutaneous image-guided injection, drainage or aspiration procedures on the spine or spinal cord; cervical or thoracic'],
      ['01938', 'Anesthesia for percutaneous image-guided injection, drainage or aspiration procedures on the spine or spinal cord; lumbar or sacral'],
      ['01939', 'Anesthesia for percutaneous image-guided destruction procedures by neurolytic agent on the spine or spinal cord; cervical or thoracic'],
      ['01940', 'Anesthesia for percutaneous image-guided destruction procedures by neurolytic agent on the spine or spinal cord; lumbar or sacral'],
      ['01941', 'Anesthesia for percutaneous image-guided neuromodulation or intravertebral procedures on the spine or spinal cord; cervical or thoracic'],
      ['01942', 'Anesthesia for percutaneous image-guided neuromodulation or intravertebral procedures on the spine or spinal cord; lumbar or sacral'],
    ] as const
  ).map(([code, description]): ProcedureInfo => ({
    code, family: 'anesthesia', region: description.endsWith('lumbar or sacral') ? 'lumbar-sacral' : 'cervical-thoracic',
    role: 'none', includesImaging: false, description,
    effective: { from: '2018-01-01' },
    sources: [{ key: 'S3' }, { key: 'S4' }, { key: 'S32', note: 'descriptors and 2018 start date U-high (not in the compiled sources)' }],
  })),

  // ── E/M visits of every family (same-day E/M needs 25: NCCI global surgery rules): em-codes.ts.
  ...EM_FAMILIES.flatMap((family) =>
    family.codes.map((code): ProcedureInfo => ({
      code, family: 'em', region: 'none', role: 'none', includesImaging: false,
      description: family.description,
      effective: family.effective ?? {},
      sources: EM_SOURCES,
    })),
  ),

  // ── Large-joint / trigger-point injections: a distinct-procedure pair with spine codes (NCCI PTP [A][C][D]).
  ...(
    [
      ['20600', 'Arthrocentesis, aspiration and/or injection, small joint or bursa; without ultrasound guidance'],
      ['20604', 'Arthrocentesis, aspiration and/or injection, small joint or bursa; with ultrasound guidance'],
      ['20605', 'Arthrocentesis, aspiration and/or injection, intermediate joint or bursa; without ultrasound guidance'],
      ['20606', 'Arthrocentesis, aspiration and/or injection, intermediate joint or bursa; with ultrasound guidance'],
      ['20610', 'Arthrocentesis, aspiration and/or injection, major joint or bursa; without ultrasound guidance'],
      ['20611', 'Arthrocentesis, aspiration and/or injection, major joint or bursa; with ultrasound guidance'],
    ] as const
  ).map(([code, description]): ProcedureInfo => ({
    code, family: 'other', region: 'none', role: 'none', includesImaging: false, description,
    ...(code === '20610'
      ? { bilateralIndicator: 1, globalDays: '000', mue: { value: 2, adjudication: 3 as const, source: MUE_ABC } }
      : {}),
    effective: {},
    sources: code === '20610'
      ? [PPRRVU, MUE_ABC, { key: 'C', note: 'PTP 64483 / 20610 and 62323 / 20610, modifier indicator 1' }]
      : [{ key: 'NCCI PTP', note: 'distinct-procedure pairs with spine codes checked for 20610 only; others by analogy (unverified)' }],
  })),
];

function ultrasoundGuided(
  rows: ReadonlyArray<readonly [string, 'facet' | 'tfesi', 'cervical-thoracic' | 'lumbar-sacral', 'primary' | 'addon', string]>,
): ProcedureInfo[] {
  return rows.map(([code, kind, region, role, description]) => ({
    code, family: 'ultrasound-guided', region, role,
    // The ultrasound guidance is part of these codes; separately billed 76942 is bundled.
    includesImaging: true,
    description,
    effective: {},
    sources: [
      { key: 'S29', note: kind === 'facet' ? 'US-guided facet codes' : 'US-guided TFESI codes' },
      { key: 'S12', note: 'Medicare facet LCDs: ultrasound guidance not covered' },
      { key: 'S21' },
    ],
  }));
}

function sedation(code: string, description: string, extra: Partial<ProcedureInfo>): ProcedureInfo {
  return {
    code, family: 'sedation', region: 'none', role: 'none', includesImaging: false, description,
    ...extra,
    effective: { from: '2017-01-01' },
    sources: [
      { key: 'S3' }, { key: 'S4' },
      ...(code === '99152' ? [PPRRVU, MUE_AB] : []),
      ...(code === '99153' ? [{ key: 'E', note: 'AOC 2026Q2: 99153 primaries 99151, 99152, G0500' }] : []),
      ...(code === '99157' ? [{ key: 'CPT descriptors', note: '99157 add-on to 99155, 99156 (descriptor)' }] : []),
      { key: 'NCCI PTP', note: 'no PTP edit between 99152 and the spine codes: the rule rests on the LCDs' },
    ],
  };
}

/** Version of this table, named in every run's summary. */
export const PROCEDURES_VERSION = {
  table: 'procedures',
  version: '2026Q2 (PPRRVU RVU26A; practitioner MUE 2026Q2; AOC V2026Q2)',
  sources: ['P1', 'P2', 'P3', 'A', 'B', 'C', 'E', 'S1', 'S7', 'S8', 'S9', 'S12', 'S13', 'S14', 'S16', 'S17', 'S29', 'S30', 'S31'],
};
