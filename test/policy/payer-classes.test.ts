/** Payer classes: which profile judges a claim, from its filing indicator (SBR09), the policy's class map and payer entries. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commercial, guide, loadPolicy, medicare, medicareAdvantage, profiles, PROFILE_NAMES } from '../../src/policy/index.js';
import { PAYER_CLASSES, payerClassOf } from '../../src/policy/payer-classes.js';
import { rules } from '../../src/rules/index.js';

const dir = mkdtempSync(join(tmpdir(), 'spinescrub-classes-'));
function policyFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('payer class of a claim', () => {
  it('takes a known SBR09 code, trimmed and in upper case; anything else is no class', () => {
    expect(payerClassOf('MB')).toBe('MB');
    expect(payerClassOf(' ci ')).toBe('CI');
    expect(payerClassOf('16')).toBe('16');
    expect(payerClassOf('09')).toBeUndefined(); // self-pay left the list in 5010
    expect(payerClassOf('MEDICARE')).toBeUndefined();
    expect(payerClassOf('')).toBeUndefined();
    expect(payerClassOf(undefined)).toBeUndefined();
  });
});

describe('the default policy (medicare) maps classes to profiles', () => {
  const set = loadPolicy(undefined);
  it('MB, ZZ, none and unknown codes → medicare; 16 → medicare-advantage; every other class → commercial', () => {
    expect(set.policyFor('SYNMCR01', 'MB')).toBe(medicare);
    expect(set.policyFor(undefined, 'ZZ')).toBe(medicare);
    expect(set.policyFor(undefined, undefined)).toBe(medicare);
    expect(set.policyFor(undefined, 'XX')).toBe(medicare);
    expect(set.policyFor(undefined, '16')).toBe(medicareAdvantage);
    for (const code of ['MA', 'MC', 'CI', 'BL', 'HM', '12', '13', '14', '15', 'WC', 'CH', 'VA', 'OF']) expect(set.policyFor('P1', code), code).toBe(commercial);
    expect(set.classes).toEqual(Object.fromEntries(Object.keys(PAYER_CLASSES).map((code) => [code, code === 'MB' || code === 'ZZ' ? 'medicare' : code === '16' ? 'medicare-advantage' : 'commercial'])));
    expect(set.payerClassOf('P1', 'ci')).toBe('CI');
    expect(set.payerClassOf('P1', undefined)).toBeUndefined();
  });

  it('commercial: no ABN modifiers, no KX, no Part B JW/JZ; NCCI/MUE and the limits as under medicare', () => {
    expect(commercial.severities).toEqual({ 'coverage/liability-modifier': 'off', 'facet/kx': 'off', 'drug/jw-jz': 'off' });
    expect(commercial.limits).toEqual(medicare.limits);
    expect(commercial.bilateralStyle).toBe('modifier-50');
    expect(commercial.ruleDefaults).toBe('medicare');
    expect(medicareAdvantage.severities).toEqual({ 'coverage/liability-modifier': 'off', 'drug/jw-jz': 'warning' });
    expect(medicareAdvantage.limits).toEqual(medicare.limits);
  });

  it('every rule a profile names is in the catalogue', () => {
    const ids = new Set(rules.map((rule) => rule.meta.id));
    for (const name of PROFILE_NAMES) for (const id of Object.keys(profiles[name].severities)) expect(ids.has(id), `${name}: ${id}`).toBe(true);
  });

  it('--policy guide judges Medicare claims by guide, commercial ones by commercial', () => {
    const named = loadPolicy('guide');
    expect(named.policyFor(undefined, 'MB')).toBe(guide);
    expect(named.policyFor(undefined, undefined)).toBe(guide);
    expect(named.policyFor(undefined, 'CI')).toBe(commercial);
  });
});

describe('a policy file', () => {
  it('maps classes to profiles, applies its own overrides to every profile, and a payer entry names its class', () => {
    const file = policyFile('clinic.json', {
      name: 'clinic',
      bilateralStyle: 'rt-lt',
      limits: { facetLevelsPerSession: 3 },
      payerClasses: { MC: 'medicare', HM: 'guide' },
      payers: {
        WORKCOMP1: { payerClass: 'WC', limits: { esiSessionsPerYear: 3 } },
        MAPLAN: { extends: 'medicare-advantage' },
        MBLIKE: { payerClass: 'MB' },
      },
    });
    const set = loadPolicy(file, { rules });
    expect(set.classes.MC).toBe('medicare');
    expect(set.classes.HM).toBe('guide');
    expect(set.classes.CI).toBe('commercial');

    const ci = set.policyFor('ANY', 'CI');
    expect(ci).toMatchObject({ name: 'clinic', profile: 'commercial', bilateralStyle: 'rt-lt' });
    expect(ci.limits).toEqual({ ...medicare.limits, facetLevelsPerSession: 3 });
    expect(ci.severities).toEqual(commercial.severities);
    expect(set.policyFor('OTHER', 'CI')).toBe(ci);

    expect(set.policyFor('ANY', 'MC')).toBe(set.default);
    expect(set.default).toMatchObject({ name: 'clinic', profile: 'medicare', bilateralStyle: 'rt-lt' });
    expect(set.policyFor('ANY', 'HM')).toMatchObject({ profile: 'guide', bilateralStyle: 'rt-lt', limits: { ...guide.limits, facetLevelsPerSession: 3 } });

    // The payer entry's class wins over the claim's indicator.
    expect(set.payerClassOf('WORKCOMP1', 'MB')).toBe('WC');
    const workComp = set.policyFor('WORKCOMP1', 'MB');
    expect(workComp).toMatchObject({ name: 'clinic/WORKCOMP1', profile: 'commercial' });
    expect(workComp.limits.esiSessionsPerYear).toBe(3);
    expect(set.policyFor('WORKCOMP1', undefined)).toBe(workComp);
    // A payer's own profile wins over any class.
    expect(set.policyFor('MAPLAN', 'CI')).toMatchObject({ name: 'clinic/MAPLAN', profile: 'medicare-advantage' });
    expect(set.policyFor('MBLIKE', 'CI')).toMatchObject({ name: 'clinic/MBLIKE', profile: 'medicare' });
  });

  it('a file without overrides still names every class policy after itself', () => {
    const set = loadPolicy(policyFile('plain.json', { payerClasses: { MC: 'medicare' } }));
    expect(set.policyFor(undefined, 'CI')).toMatchObject({ name: 'plain', profile: 'commercial', severities: commercial.severities });
    expect(set.policyFor(undefined, 'MB')).toBe(set.default);
  });

  it('rejects an unknown class code and an unknown profile', () => {
    expect(() => loadPolicy(policyFile('bad1.json', { payerClasses: { XY: 'medicare' } }))).toThrow('CFG_POLICY_INVALID');
    expect(() => loadPolicy(policyFile('bad2.json', { payerClasses: { CI: 'aetna' } }))).toThrow(
      /at \/payerClasses\/CI: must be one of "medicare", "medicare-advantage", "commercial", "guide"/,
    );
    expect(() => loadPolicy(policyFile('bad3.json', { payers: { P1: { payerClass: 'Q' } } }))).toThrow(/at \/payers\/P1\/payerClass: must be one of "11"/);
  });
});
