/**
 * ICD-10-CM table for the spine rules (docs/rules/README.md "Terms" and the `dx/*` pages).
 *
 * Region comes from this table, category by category, exactly as the Terms (docs/rules/README.md) say — never from "the last
 * digit": the site character of M47.2-, M47.81-, M47.89-, M48.0-, M54.1-, M43.1- (1–4 → C/T; 6–8 → L/S;
 * 5 thoracolumbar, 0 multiple/unspecified, 9 unspecified → ambiguous); M48.061/M48.062 lumbar; all of M50.1-
 * cervical; M51.14 thoracic, M51.15 ambiguous, M51.16/M51.17 L/S; M51.36x/M51.37x and M51.A0–A5 L/S.
 *
 * Support class (docs/rules/dx/not-supporting.md): radicular = M54.1x, M50.1x, M51.1x, M47.2x; axial = M47.81x,
 * M47.89x, M54.2, M54.5x, M54.6 (axial pain), M51.360/M51.370 (back pain only); esi-other = M48.0x, M96.1, G89.12/G89.18, B02.2x.
 * Everything else known here is 'none' (neither family: no `dx/not-supporting`, no `dx/unsupported-unknown`).
 *
 * Headers (billable: false) carry no `children` here: index.ts fills them per date window from the leaves.
 * Codes are stored without the decimal point, as HI carries them.
 */
import type { DiagnosisInfo, DiagnosisRegion, DiagnosisSupport, Effective, SourceRef } from '../types.js';

/** ICD-10-CM replaced ICD-9-CM for dates of service from 2015-10-01. */
const ICD10 = '2015-10-01';
const FY2018 = '2017-10-01';
const FY2020 = '2019-10-01';
const FY2022 = '2021-10-01';
const FY2025 = '2024-10-01';

const TABULAR: SourceRef = { key: 'ICD-10-CM Tabular', note: 'unverified against the FY files' };

type Row = Omit<DiagnosisInfo, 'code' | 'children'>;

function leaf(
  display: string,
  description: string,
  region: DiagnosisRegion,
  support: DiagnosisSupport,
  sources: SourceRef[],
  options: { effective?: Effective; excludesGroup?: DiagnosisInfo['excludesGroup'] } = {},
): Row {
  return {
    display, description, billable: true, region, support,
    ...(options.excludesGroup ? { excludesGroup: options.excludesGroup } : {}),
    effective: options.effective ?? { from: ICD10 },
    sources,
  };
}

function header(
  display: string,
  description: string,
  region: DiagnosisRegion,
  support: DiagnosisSupport,
  sources: SourceRef[],
  options: { effective?: Effective; excludesGroup?: DiagnosisInfo['excludesGroup'] } = {},
): Row {
  return { ...leaf(display, description, region, support, sources, options), billable: false };
}

/** The site axis of M43.1-, M47.2-, M47.81-, M47.89-, M48.0-, M54.1- (docs/rules/README.md, Terms). */
const SITES: ReadonlyArray<readonly [digit: string, name: string, region: DiagnosisRegion]> = [
  ['0', 'site unspecified', 'ambiguous'],
  ['1', 'occipito-atlanto-axial region', 'cervical-thoracic'],
  ['2', 'cervical region', 'cervical-thoracic'],
  ['3', 'cervicothoracic region', 'cervical-thoracic'],
  ['4', 'thoracic region', 'cervical-thoracic'],
  ['5', 'thoracolumbar region', 'ambiguous'],
  ['6', 'lumbar region', 'lumbar-sacral'],
  ['7', 'lumbosacral region', 'lumbar-sacral'],
  ['8', 'sacral and sacrococcygeal region', 'lumbar-sacral'],
  ['9', 'site unspecified', 'ambiguous'],
];

function siteLeaves(
  prefix: string,
  digits: string,
  title: string,
  support: DiagnosisSupport,
  sources: SourceRef[],
  excludesGroup?: DiagnosisInfo['excludesGroup'],
  nameOf: (digit: string, name: string) => string = (_digit, name) => name,
): Row[] {
  return SITES.filter(([digit]) => digits.includes(digit)).map(([digit, name, region]) => {
    const row = leaf(`${prefix}${digit}`, `${title}, ${nameOf(digit, name)}`, region, support, sources, excludesGroup ? { excludesGroup } : {});
    return name === 'site unspecified' ? { ...row, siteUnspecified: true } : row;
  });
}

/**
 * Spondylosis with radiculopathy (M47.2x) and without (M47.81x) at the same site contradict each other
 * (ICD-10-CM titles: mutually exclusive for the same region): each leaf of sites 1–8 names its counterpart.
 */
function contradicting(rows: Row[], otherPrefix: string): Row[] {
  return rows.map((row) => {
    const site = row.display.slice(-1);
    return row.billable && site >= '1' && site <= '8' ? { ...row, contradicts: [`${otherPrefix.replace('.', '')}${site}`] } : row;
  });
}

const S27: SourceRef = { key: 'S27' };

const ROWS: Row[] = [
  // ── M54.1 Radiculopathy (no M54.19) [S27]. Excludes1: M50.1-, M51.1-, M47.2- (docs/rules/dx/excludes1-radiculopathy.md).
  header('M54.1', 'Radiculopathy', 'ambiguous', 'radicular', [S27], { excludesGroup: 'radiculopathy-nos' }),
  ...siteLeaves('M54.1', '012345678', 'Radiculopathy', 'radicular', [S27], 'radiculopathy-nos'),

  // ── M47.2 Other spondylosis with radiculopathy.
  header('M47.2', 'Other spondylosis with radiculopathy', 'ambiguous', 'radicular', [TABULAR], { excludesGroup: 'combination' }),
  ...contradicting(siteLeaves('M47.2', '012345678', 'Other spondylosis with radiculopathy', 'radicular', [TABULAR], 'combination'), 'M47.81'),

  // ── M47.8 Other spondylosis: M47.81 without myelopathy or radiculopathy; M47.89 other.
  header('M47.8', 'Other spondylosis', 'ambiguous', 'axial', [TABULAR]),
  header('M47.81', 'Spondylosis without myelopathy or radiculopathy', 'ambiguous', 'axial', [TABULAR]),
  ...contradicting(siteLeaves('M47.81', '123456789', 'Spondylosis without myelopathy or radiculopathy', 'axial', [TABULAR]), 'M47.2'),
  header('M47.89', 'Other spondylosis', 'ambiguous', 'axial', [TABULAR]),
  ...siteLeaves('M47.89', '123456789', 'Other spondylosis', 'axial', [
    { key: 'ICD-10-CM Tabular', note: 'unverified: "other spondylosis (M47.89x)" in the facet LCD summaries' },
  ]),

  // ── M48.0 Spinal stenosis; M48.06 a header since FY2018 [S27]. Supports ESI (neurogenic claudication: ESI LCDs).
  header('M48.0', 'Spinal stenosis', 'ambiguous', 'esi-other', [S27]),
  ...siteLeaves('M48.0', '012345', 'Spinal stenosis', 'esi-other', [S27]),
  leaf('M48.06', 'Spinal stenosis, lumbar region', 'lumbar-sacral', 'esi-other', [S27], { effective: { from: ICD10, to: FY2018 } }),
  header('M48.06', 'Spinal stenosis, lumbar region', 'lumbar-sacral', 'esi-other', [S27], { effective: { from: FY2018 } }),
  leaf('M48.061', 'Spinal stenosis, lumbar region without neurogenic claudication', 'lumbar-sacral', 'esi-other', [S27], { effective: { from: FY2018 } }),
  leaf('M48.062', 'Spinal stenosis, lumbar region with neurogenic claudication', 'lumbar-sacral', 'esi-other', [S27], { effective: { from: FY2018 } }),
  ...siteLeaves('M48.0', '78', 'Spinal stenosis', 'esi-other', [S27]),

  // ── M50.1 Cervical disc disorder with radiculopathy: all cervical (C/T). M50.12 a header since FY2020.
  header('M50.1', 'Cervical disc disorder with radiculopathy', 'cervical-thoracic', 'radicular', [TABULAR], { excludesGroup: 'combination' }),
  leaf('M50.10', 'Cervical disc disorder with radiculopathy, unspecified cervical region', 'cervical-thoracic', 'radicular', [TABULAR], { excludesGroup: 'combination' }),
  leaf('M50.11', 'Cervical disc disorder with radiculopathy, high cervical region', 'cervical-thoracic', 'radicular', [TABULAR], { excludesGroup: 'combination' }),
  leaf('M50.12', 'Cervical disc disorder with radiculopathy, mid-cervical region', 'cervical-thoracic', 'radicular', [TABULAR], { excludesGroup: 'combination', effective: { from: ICD10, to: FY2020 } }),
  header('M50.12', 'Cervical disc disorder with radiculopathy, mid-cervical region', 'cervical-thoracic', 'radicular', [TABULAR], { excludesGroup: 'combination', effective: { from: FY2020 } }),
  ...(
    [
      ['M50.120', 'mid-cervical region, unspecified level'],
      ['M50.121', 'C4-C5 level'],
      ['M50.122', 'C5-C6 level'],
      ['M50.123', 'C6-C7 level'],
    ] as const
  ).map(([display, site]) =>
    leaf(display, `Cervical disc disorder with radiculopathy, ${site}`, 'cervical-thoracic', 'radicular',
      [{ key: 'ICD-10-CM Tabular', note: 'unverified; M50.122 seen in data' }], { excludesGroup: 'combination', effective: { from: FY2020 } }),
  ),
  leaf('M50.13', 'Cervical disc disorder with radiculopathy, cervicothoracic region', 'cervical-thoracic', 'radicular', [TABULAR], { excludesGroup: 'combination' }),

  // ── M51.1 Thoracic, thoracolumbar and lumbosacral disc disorders with radiculopathy [S27].
  header('M51.1', 'Thoracic, thoracolumbar and lumbosacral intervertebral disc disorders with radiculopathy', 'ambiguous', 'radicular', [S27], { excludesGroup: 'combination' }),
  leaf('M51.14', 'Intervertebral disc disorders with radiculopathy, thoracic region', 'cervical-thoracic', 'radicular', [S27], { excludesGroup: 'combination' }),
  leaf('M51.15', 'Intervertebral disc disorders with radiculopathy, thoracolumbar region', 'ambiguous', 'radicular', [S27], { excludesGroup: 'combination' }),
  leaf('M51.16', 'Intervertebral disc disorders with radiculopathy, lumbar region', 'lumbar-sacral', 'radicular', [S27], { excludesGroup: 'combination' }),
  leaf('M51.17', 'Intervertebral disc disorders with radiculopathy, lumbosacral region', 'lumbar-sacral', 'radicular', [S27], { excludesGroup: 'combination' }),

  // ── M51.3 Other disc degeneration; M51.36/M51.37 headers from FY2025 (billable before) [S27].
  header('M51.3', 'Other thoracic, thoracolumbar and lumbosacral intervertebral disc degeneration', 'ambiguous', 'none', [S27]),
  leaf('M51.34', 'Other intervertebral disc degeneration, thoracic region', 'cervical-thoracic', 'none', [{ key: 'ICD-10-CM Tabular', note: 'U-high; listed as a child of M51.3 for `dx/header-code` messages' }]),
  leaf('M51.35', 'Other intervertebral disc degeneration, thoracolumbar region', 'ambiguous', 'none', [{ key: 'ICD-10-CM Tabular', note: 'U-high; listed as a child of M51.3 for `dx/header-code` messages' }]),
  leaf('M51.36', 'Other intervertebral disc degeneration, lumbar region', 'lumbar-sacral', 'none',
    [{ key: 'S27', note: 'billable until FY2024; no pain qualifier, so the catalogue gives it no support class' }], { effective: { from: ICD10, to: FY2025 } }),
  header('M51.36', 'Other intervertebral disc degeneration, lumbar region', 'lumbar-sacral', 'none', [S27], { effective: { from: FY2025 } }),
  ...discDegeneration('M51.36', 'lumbar region'),
  leaf('M51.37', 'Other intervertebral disc degeneration, lumbosacral region', 'lumbar-sacral', 'none',
    [{ key: 'S27', note: 'billable until FY2024; no pain qualifier, so the catalogue gives it no support class' }], { effective: { from: ICD10, to: FY2025 } }),
  header('M51.37', 'Other intervertebral disc degeneration, lumbosacral region', 'lumbar-sacral', 'none', [S27], { effective: { from: FY2025 } }),
  ...discDegeneration('M51.37', 'lumbosacral region'),

  // ── M51.A Intervertebral annulus fibrosus defect (new FY2025) [S27]. The catalogue gives it no support class.
  header('M51.A', 'Intervertebral annulus fibrosus defect', 'lumbar-sacral', 'none', [S27], { effective: { from: FY2025 } }),
  ...(
    [
      ['M51.A0', 'lumbar region, unspecified size'],
      ['M51.A1', 'lumbar region, small'],
      ['M51.A2', 'lumbar region, large'],
      ['M51.A3', 'lumbosacral region, unspecified size'],
      ['M51.A4', 'lumbosacral region, small'],
      ['M51.A5', 'lumbosacral region, large'],
    ] as const
  ).map(([display, site]) =>
    leaf(display, `Intervertebral annulus fibrosus defect, ${site}`, 'lumbar-sacral', 'none', [S27], { effective: { from: FY2025 } }),
  ),

  // ── M43.1 Spondylolisthesis (site axis; M43.19 multiple sites). Neither family in the catalogue.
  header('M43.1', 'Spondylolisthesis', 'ambiguous', 'none', [TABULAR]),
  ...siteLeaves('M43.1', '0123456789', 'Spondylolisthesis', 'none', [TABULAR], undefined,
    (digit, name) => (digit === '9' ? 'multiple sites in spine' : name)),

  // ── Postlaminectomy syndrome: supports ESI (ESI LCDs, covered indications).
  leaf('M96.1', 'Postlaminectomy syndrome, not elsewhere classified', 'none', 'esi-other', [TABULAR, { key: 'S2', note: 'post-laminectomy syndrome is an ESI indication' }]),

  // ── G89 pain NEC: post-op pain G89.12/G89.18 supports ESI (dx restrictions waived [S1][S2]).
  header('G89.1', 'Acute pain, not elsewhere classified', 'none', 'none', [TABULAR]),
  leaf('G89.11', 'Acute pain due to trauma', 'none', 'none', [TABULAR]),
  leaf('G89.12', 'Acute post-thoracotomy pain', 'none', 'esi-other', [TABULAR, { key: 'S1' }, { key: 'S2' }]),
  leaf('G89.18', 'Other acute postprocedural pain', 'none', 'esi-other', [TABULAR, { key: 'S1' }, { key: 'S2' }]),
  header('G89.2', 'Chronic pain, not elsewhere classified', 'none', 'none', [TABULAR]),
  leaf('G89.21', 'Chronic pain due to trauma', 'none', 'none', [TABULAR]),
  leaf('G89.22', 'Chronic post-thoracotomy pain', 'none', 'none', [TABULAR]),
  leaf('G89.28', 'Other chronic postprocedural pain', 'none', 'none', [TABULAR]),
  leaf('G89.29', 'Other chronic pain', 'none', 'none', [TABULAR]),
  leaf('G89.3', 'Neoplasm related pain (acute) (chronic)', 'none', 'none', [TABULAR]),
  leaf('G89.4', 'Chronic pain syndrome', 'none', 'none', [TABULAR]),

  // ── M54.5 Low back pain: a header since FY2022 (billable before). Axial.
  leaf('M54.5', 'Low back pain', 'lumbar-sacral', 'axial', [{ key: 'ICD-10-CM Tabular', note: 'billable until FY2021' }], { effective: { from: ICD10, to: FY2022 } }),
  header('M54.5', 'Low back pain', 'lumbar-sacral', 'axial', [{ key: 'ICD-10-CM Tabular', note: 'header from FY2022' }], { effective: { from: FY2022 } }),
  leaf('M54.50', 'Low back pain, unspecified', 'lumbar-sacral', 'axial', [{ key: 'ICD-10-CM Tabular' }], { effective: { from: FY2022 } }),
  leaf('M54.51', 'Vertebrogenic low back pain', 'lumbar-sacral', 'axial', [{ key: 'ICD-10-CM Tabular' }], { effective: { from: FY2022 } }),
  leaf('M54.59', 'Other low back pain', 'lumbar-sacral', 'axial', [{ key: 'ICD-10-CM Tabular' }], { effective: { from: FY2022 } }),

  // ── Other dorsalgia [S27]. M54.2 and M54.6 are axial pain: not a covered ESI indication (ESI LCDs [S2]); the
  // others (sciatica, lumbago with sciatica) are classed neither radicular nor axial: support 'none'.
  leaf('M54.2', 'Cervicalgia', 'cervical-thoracic', 'axial', [{ key: 'S27' }, { key: 'S2', note: 'ESI LCDs: axial neck pain is not a covered indication' }]),
  leaf('M54.6', 'Pain in thoracic spine', 'cervical-thoracic', 'axial', [{ key: 'S27' }, { key: 'S2', note: 'ESI LCDs: axial thoracic pain is not a covered indication' }]),
  header('M54.3', 'Sciatica', 'lumbar-sacral', 'none', [S27]),
  leaf('M54.30', 'Sciatica, unspecified side', 'lumbar-sacral', 'none', [{ key: 'S27', note: 'not in the radicular list of `dx/not-supporting`' }]),
  leaf('M54.31', 'Sciatica, right side', 'lumbar-sacral', 'none', [{ key: 'S27', note: 'not in the radicular list of `dx/not-supporting`' }]),
  leaf('M54.32', 'Sciatica, left side', 'lumbar-sacral', 'none', [{ key: 'S27', note: 'not in the radicular list of `dx/not-supporting`' }]),
  header('M54.4', 'Lumbago with sciatica', 'lumbar-sacral', 'none', [S27]),
  leaf('M54.40', 'Lumbago with sciatica, unspecified side', 'lumbar-sacral', 'none', [{ key: 'S27', note: 'not in either list of `dx/not-supporting`' }]),
  leaf('M54.41', 'Lumbago with sciatica, right side', 'lumbar-sacral', 'none', [{ key: 'S27', note: 'not in either list of `dx/not-supporting`' }]),
  leaf('M54.42', 'Lumbago with sciatica, left side', 'lumbar-sacral', 'none', [{ key: 'S27', note: 'not in either list of `dx/not-supporting`' }]),

  // ── Zoster with other nervous system involvement: supports ESI (acute herpes zoster: ESI LCDs).
  header('B02.2', 'Zoster with other nervous system involvement', 'none', 'esi-other', [TABULAR]),
  leaf('B02.21', 'Postherpetic geniculate ganglionitis', 'none', 'esi-other', [TABULAR, { key: 'S2' }]),
  leaf('B02.22', 'Postherpetic trigeminal neuralgia', 'none', 'esi-other', [TABULAR, { key: 'S2' }]),
  leaf('B02.23', 'Postherpetic polyneuropathy', 'none', 'esi-other', [TABULAR, { key: 'S2' }]),
  leaf('B02.24', 'Postherpetic myelitis', 'none', 'esi-other', [TABULAR, { key: 'S2' }]),
  leaf('B02.29', 'Other postherpetic nervous system involvement', 'none', 'esi-other', [TABULAR, { key: 'S2' }]),
];

/** M51.36x / M51.37x (FY2025): only "with discogenic back pain only" is axial (docs/rules/dx/not-supporting.md). */
function discDegeneration(prefix: 'M51.36' | 'M51.37', site: string): Row[] {
  const title = `Other intervertebral disc degeneration, ${site}`;
  const note = { key: 'S27', note: 'FY2025 code' };
  return [
    leaf(`${prefix}0`, `${title} with discogenic back pain only`, 'lumbar-sacral', 'axial', [note], { effective: { from: FY2025 } }),
    leaf(`${prefix}1`, `${title} with lower extremity pain only`, 'lumbar-sacral', 'none',
      [note, { key: 'rule catalogue', note: 'not "back pain only": no support class' }], { effective: { from: FY2025 } }),
    leaf(`${prefix}2`, `${title} with discogenic back pain and lower extremity pain`, 'lumbar-sacral', 'none',
      [note, { key: 'rule catalogue', note: 'not "back pain only": no support class' }], { effective: { from: FY2025 } }),
    leaf(`${prefix}9`, `${title} without mention of lumbar back pain or lower extremity pain`, 'lumbar-sacral', 'none',
      [note], { effective: { from: FY2025 } }),
  ];
}

/** The table, codes without the decimal point; headers' `children` are filled by index.ts per date window. */
export const DIAGNOSES: readonly Omit<DiagnosisInfo, 'children'>[] = ROWS.map((row) => ({
  code: row.display.replace('.', ''),
  ...row,
}));

export const DIAGNOSES_VERSION = {
  table: 'icd10cm-spine',
  version: 'FY2026 (no changes found for these families since FY2025)',
  sources: ['S27', 'ICD-10-CM Tabular', 'S1', 'S2'],
};
