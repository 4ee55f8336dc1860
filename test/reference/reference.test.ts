import { describe, expect, it } from 'vitest';
import { defaultReference, loadReference } from '../../src/reference/index.js';

const ref = defaultReference;
const DOS = '2026-06-15';

describe('procedures', () => {
  it.each([
    ['62320', 'esi-interlaminar', 'cervical-thoracic', 'primary', false, 9],
    ['62321', 'esi-interlaminar', 'cervical-thoracic', 'primary', true, 9],
    ['62322', 'esi-interlaminar', 'lumbar-sacral', 'primary', false, 9],
    ['62323', 'esi-interlaminar', 'lumbar-sacral', 'primary', true, 9],
    ['64479', 'esi-transforaminal', 'cervical-thoracic', 'primary', true, 1],
    ['64480', 'esi-transforaminal', 'cervical-thoracic', 'addon', true, 1],
    ['64483', 'esi-transforaminal', 'lumbar-sacral', 'primary', true, 1],
    ['64484', 'esi-transforaminal', 'lumbar-sacral', 'addon', true, 1],
    ['64490', 'facet', 'cervical-thoracic', 'primary', true, 1],
    ['64491', 'facet', 'cervical-thoracic', 'addon', true, 1],
    ['64492', 'facet', 'cervical-thoracic', 'addon', true, 1],
    ['64493', 'facet', 'lumbar-sacral', 'primary', true, 1],
    ['64494', 'facet', 'lumbar-sacral', 'addon', true, 1],
    ['64495', 'facet', 'lumbar-sacral', 'addon', true, 1],
    ['64633', 'rfa', 'cervical-thoracic', 'primary', true, 1],
    ['64634', 'rfa', 'cervical-thoracic', 'addon', true, 1],
    ['64635', 'rfa', 'lumbar-sacral', 'primary', true, 1],
    ['64636', 'rfa', 'lumbar-sacral', 'addon', true, 1],
  ] as const)('%s: %s %s %s imaging=%s BI=%i', (code, family, region, role, includesImaging, bi) => {
    const info = ref.procedure(code, DOS);
    expect(info).toMatchObject({ code, family, region, role, includesImaging, bilateralIndicator: bi });
    expect(info!.sources.length).toBeGreaterThan(0);
  });

  it.each([
    ['64480', [['64479']]],
    ['64484', [['64483']]],
    ['64491', [['64490']]],
    ['64492', [['64490', '64491']]],
    ['64494', [['64493'], ['64490']]],
    ['64495', [['64494']]],
    ['64634', [['64633']]],
    ['64636', [['64635'], ['64633']]],
  ])('add-on %s allowed primaries (addon/without-primary)', (code, primaries) => {
    expect(ref.procedure(code, DOS)!.allowedPrimaries).toEqual(primaries);
  });

  it('64494 accepts 64490 (junction) only from 2023-01-01 (AOC file E)', () => {
    expect(ref.procedure('64494', '2022-12-31')!.allowedPrimaries).toEqual([['64493']]);
    expect(ref.procedure('64494', '2023-01-01')!.allowedPrimaries).toEqual([['64493'], ['64490']]);
  });

  it.each([
    ['62320', 1, 3], ['62323', 1, 3], ['64479', 1, 2], ['64480', 4, 3], ['64483', 1, 2], ['64484', 4, 3],
    ['64490', 1, 2], ['64491', 1, 2], ['64492', 1, 2], ['64493', 1, 2], ['64494', 1, 2], ['64495', 1, 2],
    ['64633', 1, 2], ['64634', 4, 3], ['64635', 1, 2], ['64636', 4, 3], ['77003', 1, 3], ['20610', 2, 3],
  ] as const)('MUE %s = %i (MAI %i)', (code, value, adjudication) => {
    expect(ref.procedure(code, DOS)!.mue).toMatchObject({ value, adjudication });
  });

  it('next-level add-ons, once-per-day codes and global days', () => {
    const next = Object.fromEntries(
      ['64479', '64483', '64490', '64491', '64493', '64494', '64633', '64635', '64480', '64492'].map((c) => [c, ref.procedure(c, DOS)!.nextLevelAddon]),
    );
    expect(next).toEqual({
      '64479': '64480', '64483': '64484', '64490': '64491', '64491': '64492', '64493': '64494', '64494': '64495',
      '64633': '64634', '64635': '64636', '64480': undefined, '64492': undefined,
    });
    const oncePerDay = ['64491', '64492', '64494', '64495', '64484'].filter((c) => ref.procedure(c, DOS)!.oncePerDay);
    expect(oncePerDay).toEqual(['64492', '64495']);
    expect(['62321', '64635', '64636', '64633'].map((c) => ref.procedure(c, DOS)!.globalDays)).toEqual(['000', '010', 'ZZZ', '010']);
  });

  it('classifies the other codes', () => {
    const families = ['77003', 'Q9966', '0216T', '99152', '01938', '99213', '20610', 'J1010', 'J0665', 'J2001'].map(
      (c) => ref.procedure(c, DOS)?.family,
    );
    expect(families).toEqual(['imaging', 'contrast', 'ultrasound-guided', 'sedation', 'anesthesia', 'em', 'other', 'drug', 'local-anesthetic', 'local-anesthetic']);
    expect(ref.procedure('99999', DOS)).toBeUndefined();
    expect(ref.procedure('99201', DOS)).toBeUndefined();
  });
});

describe('diagnoses', () => {
  it.each([
    ['M5412', 'cervical-thoracic', 'radicular', 'radiculopathy-nos'],
    ['M5415', 'ambiguous', 'radicular', 'radiculopathy-nos'],
    ['M5416', 'lumbar-sacral', 'radicular', 'radiculopathy-nos'],
    ['M5410', 'ambiguous', 'radicular', 'radiculopathy-nos'],
    ['M4726', 'lumbar-sacral', 'radicular', 'combination'],
    ['M47816', 'lumbar-sacral', 'axial', undefined],
    ['M47812', 'cervical-thoracic', 'axial', undefined],
    ['M47815', 'ambiguous', 'axial', undefined],
    ['M47819', 'ambiguous', 'axial', undefined],
    ['M47896', 'lumbar-sacral', 'axial', undefined],
    ['M48062', 'lumbar-sacral', 'esi-other', undefined],
    ['M4802', 'cervical-thoracic', 'esi-other', undefined],
    ['M4800', 'ambiguous', 'esi-other', undefined],
    ['M50122', 'cervical-thoracic', 'radicular', 'combination'],
    ['M5013', 'cervical-thoracic', 'radicular', 'combination'],
    ['M5114', 'cervical-thoracic', 'radicular', 'combination'],
    ['M5115', 'ambiguous', 'radicular', 'combination'],
    ['M5116', 'lumbar-sacral', 'radicular', 'combination'],
    ['M5117', 'lumbar-sacral', 'radicular', 'combination'],
    ['M51360', 'lumbar-sacral', 'axial', undefined],
    ['M51370', 'lumbar-sacral', 'axial', undefined],
    ['M51362', 'lumbar-sacral', 'none', undefined],
    ['M51A4', 'lumbar-sacral', 'none', undefined],
    ['M4316', 'lumbar-sacral', 'none', undefined],
    ['M4319', 'ambiguous', 'none', undefined],
    ['M961', 'none', 'esi-other', undefined],
    ['G8918', 'none', 'esi-other', undefined],
    ['G8929', 'none', 'none', undefined],
    ['B0223', 'none', 'esi-other', undefined],
    ['M5450', 'lumbar-sacral', 'axial', undefined],
    ['M542', 'cervical-thoracic', 'axial', undefined],
    ['M546', 'cervical-thoracic', 'axial', undefined],
    ['M5441', 'lumbar-sacral', 'none', undefined],
  ] as const)('%s: %s, %s', (code, region, support, excludesGroup) => {
    const info = ref.diagnosis(code, DOS);
    expect(info).toBeDefined();
    expect(info!.billable).toBe(true);
    expect([info!.region, info!.support, info!.excludesGroup]).toEqual([region, support, excludesGroup]);
  });

  it('includes every leaf the reference sections name', () => {
    const leaves = [
      ...['0', '1', '2', '3', '4', '5', '6', '7', '8'].map((d) => `M541${d}`),
      ...['0', '1', '2', '3', '4', '5', '6', '7', '8'].map((d) => `M472${d}`),
      ...['1', '2', '3', '4', '5', '6', '7', '8', '9'].flatMap((d) => [`M4781${d}`, `M4789${d}`]),
      'M4800', 'M4801', 'M4802', 'M4803', 'M4804', 'M4805', 'M48061', 'M48062', 'M4807', 'M4808',
      'M5010', 'M5011', 'M50120', 'M50121', 'M50122', 'M50123', 'M5013', 'M5114', 'M5115', 'M5116', 'M5117',
      'M51360', 'M51361', 'M51362', 'M51369', 'M51370', 'M51371', 'M51372', 'M51379',
      'M51A0', 'M51A1', 'M51A2', 'M51A3', 'M51A4', 'M51A5',
      ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => `M431${d}`),
      'M961', 'G8912', 'G8918', 'G8921', 'G8922', 'G8929', 'G894', 'M5450', 'M5451', 'M5459', 'M542', 'M546',
      'M5430', 'M5431', 'M5432', 'M5440', 'M5441', 'M5442', 'B0221', 'B0222', 'B0223', 'B0224', 'B0229',
    ];
    const missing = leaves.filter((code) => ref.diagnosis(code, DOS)?.billable !== true);
    expect(missing).toEqual([]);
    expect(ref.diagnosis('M5419', DOS)).toBeUndefined();
  });

  it.each([
    ['M541', '2026-01-01', false],
    ['M4806', '2017-09-30', true],
    ['M4806', '2017-10-01', false],
    ['M5012', '2019-09-30', true],
    ['M5012', '2019-10-01', false],
    ['M5136', '2024-09-30', true],
    ['M5136', '2024-10-01', false],
    ['M5137', '2024-10-01', false],
    ['M545', '2021-09-30', true],
    ['M545', '2021-10-01', false],
    ['G892', '2026-01-01', false],
    ['M4781', '2026-01-01', false],
  ] as const)('%s on %s billable=%s', (code, date, billable) => {
    expect(ref.diagnosis(code, date)!.billable).toBe(billable);
  });

  it('lists the billable children of a header on that date', () => {
    expect(ref.diagnosis('M5136', '2026-01-01')!.children).toEqual(['M51.360', 'M51.361', 'M51.362', 'M51.369']);
    expect(ref.diagnosis('M513', '2024-09-01')!.children).toEqual(['M51.34', 'M51.35', 'M51.36', 'M51.37']);
    expect(ref.diagnosis('M513', '2024-10-01')!.children).toEqual([
      'M51.34', 'M51.35', 'M51.360', 'M51.361', 'M51.362', 'M51.369', 'M51.370', 'M51.371', 'M51.372', 'M51.379',
    ]);
    expect(ref.diagnosis('M4806', '2026-01-01')!.children).toEqual(['M48.061', 'M48.062']);
    expect(ref.diagnosis('M545', '2026-01-01')!.children).toEqual(['M54.50', 'M54.51', 'M54.59']);
    expect(ref.diagnosis('M51360', '2024-09-30')).toBeUndefined();
  });

  it('accepts a decimal point and lower case', () => {
    expect(ref.diagnosis('M54.16', DOS)!.code).toBe('M5416');
    expect(ref.diagnosis('m5416', DOS)!.display).toBe('M54.16');
  });
});

describe('drugs', () => {
  it('methylprednisolone: J1020/J1030/J1040 deleted 2024-04-01 → J1010 × 20/40/80', () => {
    expect(['J1020', 'J1030', 'J1040'].map((c) => [ref.drug(c, DOS)!.deletedOn, ref.drug(c, DOS)!.replacement])).toEqual([
      ['2024-04-01', { code: 'J1010', unitsPerUnit: 20 }],
      ['2024-04-01', { code: 'J1010', unitsPerUnit: 40 }],
      ['2024-04-01', { code: 'J1010', unitsPerUnit: 80 }],
    ]);
    expect(ref.drug('J1010', '2024-03-31')).toBeUndefined();
    expect(ref.drug('J1010', '2024-04-01')!.billingUnitMg).toBe(1);
  });

  it('billing units and flags', () => {
    expect(['J3301', 'J1100', 'J1885', 'J3304', 'J0665'].map((c) => ref.drug(c, DOS)!.billingUnitMg)).toEqual([10, 1, 15, 1, 0.5]);
    expect(ref.drug('J0702', DOS)!.billingUnitMl).toBe(1);
    expect(ref.drug('J1110', DOS)!.miscodedAs).toBe('J1885');
    expect(ref.drug('J3304', DOS)!.offLabelForSpine).toBe(true);
    expect(['J0665', 'J2001', 'J1010'].map((c) => ref.drug(c, DOS)!.localAnesthetic ?? false)).toEqual([true, true, false]);
  });
});

describe('code lists and versions', () => {
  it.each([
    ['imaging-bundled', ['77002', '77003', '77012', '76942', '72275'], ['64483', 'Q9966']],
    ['imaging-fluoro-ct', ['77003', '77012'], ['76942', '77002']],
    ['contrast', ['Q9965', 'Q9966', 'Q9967'], ['Q9964']],
    ['ultrasound-guided', ['0213T', '0218T', '0228T', '0231T'], ['0219T', '0227T']],
    ['sedation', ['99152', '99153', '99156', '99157'], ['99151']],
    ['anesthesia-spine', ['01937', '01942'], ['01936']],
    ['em', ['99202', '99205', '99211', '99215'], ['99201', '99206']],
    ['local-anesthetic', ['J0665', 'J2001'], ['J1010']],
    ['joint-injection', ['20600', '20604', '20605', '20606', '20610', '20611'], ['20612']],
    ['distinct-modifiers', ['59', 'XE', 'XS', 'XP', 'XU'], ['25', '50']],
    ['liability-modifiers', ['GA', 'GZ'], ['GX', 'GY']],
  ] as const)('%s', (list, members, nonMembers) => {
    expect(members.filter((c) => !ref.inList(list, c, DOS))).toEqual([]);
    expect(nonMembers.filter((c) => ref.inList(list, c, DOS))).toEqual([]);
  });

  it('X modifiers count only from 2015-01-01', () => {
    expect(ref.inList('distinct-modifiers', 'XS', '2014-12-31')).toBe(false);
    expect(ref.inList('distinct-modifiers', '59', '2014-12-31')).toBe(true);
  });

  it('names every table with a version', () => {
    expect(ref.versions().map((v) => v.table)).toEqual(['procedures', 'icd10cm-spine', 'hcpcs-drugs', 'code-lists', 'distinct-pairs']);
    for (const v of ref.versions()) expect(v.version).not.toBe('');
  });

  it('entries are frozen and loadReference builds an equal instance', () => {
    const info = ref.procedure('64483', DOS)!;
    expect(Object.isFrozen(info)).toBe(true);
    expect(loadReference().procedure('64483', DOS)).toEqual(info);
  });
});
