import { describe, expect, it } from 'vitest';
import type { Claim, LineFacts, ServiceLine } from '../../src/encounter/model.js';
import { UNNORMALIZED } from '../../src/encounter/model.js';
import { normalizeClaim, normalizeFixedClaim, normalizeLine } from '../../src/encounter/normalize.js';
import { defaultReference } from '../../src/reference/index.js';

function line(code: string, modifiers: string[] = [], units = 1, serviceDate = '2026-06-15', key = '1'): ServiceLine {
  return {
    key, lineNumber: Number(key), procedureQualifier: 'HC', procedure: code, modifiers, chargeCents: 10000,
    unitBasis: 'UN', units, pointers: [1], serviceDate, source: { file: 't.837' }, facts: UNNORMALIZED,
  };
}

function facts(code: string, modifiers: string[] = [], units = 1, serviceDate?: string): LineFacts {
  return normalizeLine(line(code, modifiers, units, serviceDate), defaultReference);
}

describe('normalizeLine', () => {
  it.each([
    // code, modifiers, units → family, region, role, sides, sideUnknown, levels, includesImaging
    ['64483', ['50'], 1, 'esi-transforaminal', 'lumbar-sacral', 'primary', ['left', 'right'], false, 1, true],
    ['64484', ['RT'], 2, 'esi-transforaminal', 'lumbar-sacral', 'addon', ['right'], false, 2, true],
    ['64479', ['LT'], 1, 'esi-transforaminal', 'cervical-thoracic', 'primary', ['left'], false, 1, true],
    ['64493', ['50', 'KX'], 1, 'facet', 'lumbar-sacral', 'primary', ['left', 'right'], false, 1, true],
    ['64494', ['KX', '50'], 1, 'facet', 'lumbar-sacral', 'addon', ['left', 'right'], false, 1, true],
    ['64490', [], 2, 'facet', 'cervical-thoracic', 'primary', [], true, 2, true],
    ['64635', ['RT'], 1, 'rfa', 'lumbar-sacral', 'primary', ['right'], false, 1, true],
    ['64636', ['RT', 'LT'], 1, 'rfa', 'lumbar-sacral', 'addon', ['left', 'right'], false, 1, true],
    ['62323', [], 1, 'esi-interlaminar', 'lumbar-sacral', 'primary', [], true, 1, true],
    ['62322', [], 1, 'esi-interlaminar', 'lumbar-sacral', 'primary', [], true, 1, false],
    ['62320', ['50'], 1, 'esi-interlaminar', 'cervical-thoracic', 'primary', ['left', 'right'], false, 1, false],
    ['77003', [], 1, 'imaging', 'none', 'none', [], true, 0, false],
    ['Q9966', [], 3, 'contrast', 'none', 'none', [], true, 0, false],
    ['J1010', [], 40, 'drug', 'none', 'none', [], true, 0, false],
    ['J1030', [], 1, 'drug', 'none', 'none', [], true, 0, false],
    ['J3490', [], 1, 'drug', 'none', 'none', [], true, 0, false],
    ['J0665', [], 10, 'local-anesthetic', 'none', 'none', [], true, 0, false],
    ['99213', ['25'], 1, 'em', 'none', 'none', [], true, 0, false],
    ['99152', [], 1, 'sedation', 'none', 'none', [], true, 0, false],
    ['01938', [], 30, 'anesthesia', 'lumbar-sacral', 'none', [], true, 0, false],
    ['0216T', ['RT'], 1, 'ultrasound-guided', 'lumbar-sacral', 'primary', ['right'], false, 0, true],
    ['20610', ['LT'], 1, 'other', 'none', 'none', ['left'], false, 0, false],
    ['12345', [], 1, 'other', 'none', 'none', [], true, 0, false],
  ] as const)('%s %j ×%i', (code, modifiers, units, family, region, role, sides, sideUnknown, levels, includesImaging) => {
    expect(facts(code, [...modifiers], units)).toEqual({ family, region, role, sides, sideUnknown, levels, includesImaging });
  });

  it('uses the date of service (J1010 before 2024-04-01 is still a drug line)', () => {
    expect(facts('J1010', [], 40, '2024-03-01').family).toBe('drug');
    expect(facts('64494', [], 1, '2015-06-01').role).toBe('addon');
  });
});

describe('normalizeClaim', () => {
  const claim: Claim = {
    claimId: 'C1', frequencyCode: '1', placeOfService: '11', totalChargeCents: 20000,
    renderingNpi: '1234567893', subscriber: {}, patient: {}, diagnoses: [{ code: 'M5416', qualifier: 'ABK', icd9: false }],
    lines: [line('64483', ['50'], 1), line('77003', [], 1, '2026-06-15', '2')],
    format: 'x12', source: { file: 't.837' }, readProblems: [],
  };

  it('returns a copy whose lines carry fresh facts, leaving the input alone', () => {
    const before = structuredClone(claim);
    const normalized = normalizeClaim(claim, defaultReference);
    expect(normalized).not.toBe(claim);
    expect(normalized.lines.map((l) => [l.key, l.facts.family, l.facts.levels])).toEqual([
      ['1', 'esi-transforaminal', 1],
      ['2', 'imaging', 0],
    ]);
    expect(claim).toEqual(before);
    expect(claim.lines[0]!.facts).toBe(UNNORMALIZED);
    expect(normalized.diagnoses).toEqual(claim.diagnoses);
  });

  it('recomputes facts after a change (idempotent on its own output)', () => {
    const once = normalizeClaim(claim, defaultReference);
    const changed: Claim = { ...once, lines: once.lines.map((l) => (l.key === '1' ? { ...l, procedure: '64484', modifiers: ['RT'] } : l)) };
    const again = normalizeClaim(changed, defaultReference);
    expect(again.lines[0]!.facts).toMatchObject({ role: 'addon', sides: ['right'] });
    expect(normalizeClaim(again, defaultReference)).toEqual(again);
  });
});

describe('normalizeFixedClaim (the copy the engine makes after a fix)', () => {
  it('gives what normalizeClaim gives: same values, same keys in the same order, new objects', () => {
    const withDrug: ServiceLine = { ...line('J1030', [], 2, '2026-06-15', '3'), drug: { ndc: '00009-3073-03', quantity: 1, unit: 'ML' } };
    const lines = [line('64483', ['RT']), line('64484', ['RT'], 2, '2026-06-15', '2'), withDrug, { ...line('64493', ['50'], 1, '2026-06-16', '4'), renderingNpi: '1234567893' }];
    const claim = { claimId: 'C1', frequencyCode: '1', placeOfService: '11', totalChargeCents: 40000, subscriber: {}, patient: {}, diagnoses: [], lines, format: 'x12', source: { file: 't.837' }, readProblems: [] } as Claim;
    const plain = normalizeClaim(claim, defaultReference);
    const fixed = normalizeFixedClaim(claim, defaultReference);
    expect(fixed).toStrictEqual(plain);
    expect(Object.keys(fixed)).toEqual(Object.keys(plain));
    fixed.lines.forEach((copy, i) => {
      expect(Object.keys(copy)).toEqual(Object.keys(plain.lines[i]!));
      expect(copy).not.toBe(lines[i]);
      expect(copy.facts).not.toBe(plain.lines[i]!.facts);
    });
    expect(fixed).not.toBe(claim);
    expect(claim.lines[0]!.facts).toBe(UNNORMALIZED);
  });
});
