/**
 * HCPCS drug table (docs/rules/drug/): billing units of the long descriptor, deleted codes and their
 * replacement, local anesthetics included in the procedure, and the two codes that look wrong on a spine claim.
 * Deleted codes stay in the table (no `effective.to`) so that `drug/deleted-code` can still look them up.
 */
import type { DrugInfo } from '../types.js';

/** J1010 (methylprednisolone acetate, 1 mg) replaced J1020/J1030/J1040 for dates of service from 2024-04-01 [S20]. */
export const METHYLPREDNISOLONE_SWITCH = '2024-04-01';

/** Where a code's containers come from (the `container` field). */
const CONTAINERS_S24 = { key: 'S24', note: 'JW/JZ apply to single-dose containers only; multiple-dose vials excluded' };

export const DRUGS: readonly DrugInfo[] = [
  {
    code: 'J1010', description: 'Injection, methylprednisolone acetate, 1 mg', billingUnitMg: 1, container: 'by-ndc',
    effective: { from: METHYLPREDNISOLONE_SWITCH },
    sources: [
      { key: 'S20' }, { key: 'S21', note: 'short descriptor "Inj, methylpred acetate 1 mg"' },
      { ...CONTAINERS_S24, note: 'Depo-Medrol comes in single- and multiple-dose NDCs: the NDC decides' },
    ],
  },
  ...(
    [
      ['J1020', 20],
      ['J1030', 40],
      ['J1040', 80],
    ] as const
  ).map(([code, mg]): DrugInfo => ({
    code, description: `Injection, methylprednisolone acetate, ${mg} mg`, billingUnitMg: mg,
    deletedOn: METHYLPREDNISOLONE_SWITCH, replacement: { code: 'J1010', unitsPerUnit: mg },
    effective: {},
    sources: [{ key: 'S20', note: `deleted for DOS from 2024-04-01: J1010 × ${mg}` }, { key: 'S21', note: 'no rows in 2026 CDMs' }],
  })),
  {
    code: 'J3301', description: 'Injection, triamcinolone acetonide, not otherwise specified, 10 mg', billingUnitMg: 10, container: 'by-ndc',
    effective: {},
    sources: [
      { key: 'S21' }, { key: 'S23', note: '40 mg = 4 units; 15 mg = 2 units (round up)' },
      { ...CONTAINERS_S24, note: 'most Kenalog vials are multiple-dose; generic single-dose vials exist: the NDC decides' },
    ],
  },
  {
    code: 'J3304', description: 'Injection, triamcinolone acetonide, preservative-free, extended-release, microsphere formulation, 1 mg',
    billingUnitMg: 1, offLabelForSpine: true, container: 'single-dose',
    effective: {},
    sources: [{ key: 'S21', note: 'FDA-labeled for intra-articular knee OA only' }, { ...CONTAINERS_S24, note: 'Zilretta: a single-dose kit (FDA label, U-high)' }],
  },
  {
    code: 'J1100', description: 'Injection, dexamethasone sodium phosphate, 1 mg', billingUnitMg: 1, container: 'by-ndc',
    effective: {},
    sources: [{ key: 'S21' }, { key: 'S23' }, { ...CONTAINERS_S24, note: '1 mL single-dose and 5/30 mL multiple-dose vials exist: the NDC decides' }],
  },
  {
    // One unit = 1 mL of the 6 mg/mL suspension (3 mg acetate + 3 mg phosphate), so 6 mg of combined dose.
    code: 'J0702', description: 'Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg',
    billingUnitMl: 1, billingUnitMg: 6, container: 'multiple-dose',
    effective: {},
    sources: [
      { key: 'S22', note: 'CMS HCPCS answer: 1 unit per 1 mL of 6 mg/mL; some guides wrongly bill 2 units/mL' },
      { ...CONTAINERS_S24, note: 'Celestone Soluspan: 5 mL multiple-dose vial' },
    ],
  },
  {
    code: 'J1885', description: 'Injection, ketorolac tromethamine, per 15 mg', billingUnitMg: 15, container: 'by-ndc',
    effective: {},
    sources: [{ key: 'S21', note: 'descriptor V; 15 mg unit U-high' }, { ...CONTAINERS_S24, note: 'single-dose 1-2 mL vials and multiple-dose vials exist: the NDC decides' }],
  },
  {
    code: 'J1110', description: 'Injection, dihydroergotamine mesylate, per 1 mg', billingUnitMg: 1, miscodedAs: 'J1885',
    effective: {}, sources: [{ key: 'S21', note: 'J1110 is dihydroergotamine, not ketorolac (J1885)' }],
  },
  {
    code: 'J0665', description: 'Injection, bupivacaine, not otherwise specified, 0.5 mg', billingUnitMg: 0.5, localAnesthetic: true,
    effective: {},
    sources: [{ key: 'S21' }, { key: 'NCCI policy', note: 'local anesthetic included in the procedure (unverified)' }],
  },
  {
    code: 'J2001', description: 'Injection, lidocaine HCl for intravenous infusion, 10 mg', billingUnitMg: 10, localAnesthetic: true,
    effective: {},
    sources: [{ key: 'NCCI policy', note: 'unverified: not for local infiltration; local anesthetic included in the procedure' }],
  },
];

export const DRUGS_VERSION = {
  table: 'hcpcs-drugs',
  version: '2026-08 (HCPCS descriptors as in 2026-08 CDM snapshot; J1010 since 2024-04-01)',
  sources: ['S20', 'S21', 'S22', 'S23'],
};
