import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, guide, loadPolicy, medicare, policyFromData, resolvePolicy } from '../../src/policy/index.js';
import { defineRule } from '../../src/rules/types.js';

const dir = mkdtempSync(join(tmpdir(), 'spinescrub-policy-'));
function policyFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const rules = [
  defineRule({
    meta: {
      id: 'esi/unguided',
      type: 'problem',
      scope: 'session',
      phase: 'coverage',
      docs: { description: 'd', source: 's' },
      severity: { medicare: 'warning', guide: 'off' },
      messages: { m: 'm' },
    },
    check: () => {},
  }),
  defineRule({
    meta: {
      id: 'imaging/contrast',
      type: 'problem',
      scope: 'session',
      phase: 'removals',
      docs: { description: 'd', source: 's' },
      severity: { medicare: 'warning', guide: 'warning' },
      messages: { m: 'm' },
      schema: { type: 'object', properties: { maxMl: { type: 'integer', minimum: 0 } }, additionalProperties: false },
    },
    check: () => {},
  }),
];

describe('profiles (policy values)', () => {
  it('medicare and guide limits', () => {
    expect(medicare.limits).toEqual({
      facetLevelsPerSession: 2,
      rfaJointsPerSide: 2,
      transforaminalLevelsPerSide: 2,
      esiSessionsPerYear: 4,
      facetDiagnosticSessionsPerYear: 4,
      facetTherapeuticSessionsPerYear: 4,
      rfaSessionsPerYear: 2,
      priorFacetSessionsBeforeRfa: 2,
      minDaysBetweenRfa: 182,
    });
    expect(guide.limits).toEqual({ ...medicare.limits, facetLevelsPerSession: 3, rfaJointsPerSide: null, transforaminalLevelsPerSide: null, priorFacetSessionsBeforeRfa: 1 });
    for (const profile of [medicare, guide]) {
      expect(profile.bilateralStyle).toBe('modifier-50');
      expect(profile.liabilityModifier).toBeNull();
      expect(profile.autoDistinct).toBe(false);
      expect(profile.removeContrast).toBe(false);
    }
    expect(Object.isFrozen(medicare.limits)).toBe(true);
  });

  it('loadPolicy takes a profile name, medicare by default', () => {
    expect(loadPolicy(undefined).default).toBe(medicare);
    expect(loadPolicy('guide').default).toBe(guide);
    expect(loadPolicy('guide').policyFor('ANY')).toBe(guide);
  });
});

describe('custom policy files', () => {
  it('extends a profile and overrides limits, severities, styles and rule options; payers override further', () => {
    const file = policyFile('acme.json', {
      name: 'acme',
      extends: 'guide',
      limits: { facetLevelsPerSession: 2, rfaJointsPerSide: 3 },
      severities: { 'esi/unguided': 'error', 'imaging/contrast': 'off' },
      bilateralStyle: 'rt-lt',
      autoDistinct: true,
      removeContrast: true,
      liabilityModifier: 'GZ',
      ruleOptions: { 'imaging/contrast': { maxMl: 5 } },
      payers: {
        '00882': { extends: 'medicare', severities: { 'imaging/contrast': 'warning' }, liabilityModifier: null },
        BCBS: { bilateralStyle: 'modifier-50', limits: { transforaminalLevelsPerSide: 1 } },
      },
    });
    const set = loadPolicy(file, { rules });
    expect(set.name).toBe('acme');
    expect(set.payers).toEqual(['00882', 'BCBS']);
    expect(set.default).toEqual({
      name: 'acme',
      profile: 'guide',
      ruleDefaults: 'guide',
      limits: { ...guide.limits, facetLevelsPerSession: 2, rfaJointsPerSide: 3 },
      severities: { 'esi/unguided': 'error', 'imaging/contrast': 'off' },
      ruleOptions: { 'imaging/contrast': { maxMl: 5 } },
      bilateralStyle: 'rt-lt',
      autoDistinct: true,
      removeContrast: true,
      liabilityModifier: 'GZ',
    });
    const medicarePayer = set.policyFor('00882');
    expect(medicarePayer.profile).toBe('medicare');
    expect(medicarePayer.name).toBe('acme/00882');
    expect(medicarePayer.limits).toEqual({ ...medicare.limits, facetLevelsPerSession: 2, rfaJointsPerSide: 3 });
    expect(medicarePayer.severities).toEqual({ 'esi/unguided': 'error', 'imaging/contrast': 'warning' });
    expect(medicarePayer.liabilityModifier).toBeNull();
    expect(medicarePayer.bilateralStyle).toBe('rt-lt');
    const bcbs = set.policyFor('BCBS');
    expect(bcbs.profile).toBe('guide');
    expect(bcbs.bilateralStyle).toBe('modifier-50');
    expect(bcbs.limits.transforaminalLevelsPerSide).toBe(1);
    expect(bcbs.liabilityModifier).toBe('GZ');
    expect(set.policyFor('OTHER')).toBe(set.default);
    expect(set.policyFor(undefined)).toBe(set.default);
    expect(set.policyFor('BCBS')).toBe(bcbs); // same object: the engine caches rule lists per policy
  });

  it('a file without extends starts from medicare and is named after the file', () => {
    const set = loadPolicy(policyFile('plain.json', { limits: { esiSessionsPerYear: 6 } }));
    expect(set.default.name).toBe('plain');
    expect(set.default.profile).toBe('medicare');
    expect(set.default.limits.esiSessionsPerYear).toBe(6);
  });

  const bad: [string, unknown, string][] = [
    ['unknown top-level property', { limit: {} }, 'CFG_POLICY_INVALID: FILE at /limit: unknown property'],
    ['bad severity', { severities: { 'esi/unguided': 'fatal' } }, 'CFG_POLICY_INVALID: FILE at /severities/esi~1unguided: must be one of "error", "warning", "info", "off"'],
    ['negative limit', { limits: { facetLevelsPerSession: -1 } }, 'CFG_POLICY_INVALID: FILE at /limits/facetLevelsPerSession: must be >= 0'],
    ['bad bilateral style', { payers: { P1: { bilateralStyle: 'both' } } }, 'CFG_POLICY_INVALID: FILE at /payers/P1/bilateralStyle: must be one of "modifier-50", "rt-lt"'],
    ['bad profile', { extends: 'aetna' }, 'CFG_POLICY_INVALID: FILE at /extends: must be one of "medicare", "medicare-advantage", "commercial", "guide"'],
    ['unknown rule id', { severities: { 'esi/unguide': 'off' } }, "CFG_UNKNOWN_RULE: FILE at /severities/esi~1unguide: unknown rule id 'esi/unguide' (did you mean esi/unguided? see `spinescrub rules`)"],
    ['unknown rule id under a payer', { payers: { P1: { severities: { 'x/y': 'off' } } } }, "CFG_UNKNOWN_RULE: FILE at /payers/P1/severities/x~1y: unknown rule id 'x/y' (see `spinescrub rules`)"],
    ['options for a rule without options', { ruleOptions: { 'esi/unguided': { a: 1 } } }, "CFG_RULE_OPTIONS: FILE at /ruleOptions/esi~1unguided: rule 'esi/unguided' takes no options"],
    ['bad rule option', { ruleOptions: { 'imaging/contrast': { maxMl: 'five' } } }, 'CFG_RULE_OPTIONS: FILE at /ruleOptions/imaging~1contrast/maxMl: must be integer'],
  ];
  for (const [name, content, message] of bad) {
    it(`rejects ${name} with one line naming the file and JSON path`, () => {
      const file = policyFile('bad.json', content);
      expect(() => loadPolicy(file, { rules })).toThrow(ConfigError);
      expect(() => loadPolicy(file, { rules })).toThrow(message.replace('FILE', file));
      try {
        loadPolicy(file, { rules });
      } catch (error) {
        expect((error as Error).message).not.toContain('\n');
        expect((error as ConfigError).file).toBe(file);
      }
    });
  }

  it('reports every problem of a policy file at once, with readable paths and a did-you-mean', () => {
    const file = policyFile('many.json', { limit: {}, limits: { facetLevelsPerSession: 1.5 }, payers: { P1: { limits: { esiSessionsPerYear: 'six' } } } });
    expect(() => loadPolicy(file, { rules })).toThrow(
      `CFG_POLICY_INVALID: ${file} at /limit: unknown property (did you mean limits?); at /limits/facetLevelsPerSession: must be integer; at /payers/P1/limits/esiSessionsPerYear: must be integer`,
    );
    const rulesFile = policyFile('rules.json', { severities: { 'esi/unguide': 'off' }, ruleOptions: { 'esi/unguided': { a: 1 } } });
    expect(() => loadPolicy(rulesFile, { rules })).toThrow(
      `CFG_UNKNOWN_RULE: ${rulesFile} at /severities/esi~1unguide: unknown rule id 'esi/unguide' (did you mean esi/unguided? see \`spinescrub rules\`); at /ruleOptions/esi~1unguided: rule 'esi/unguided' takes no options`,
    );
  });

  it('rejects invalid JSON and a missing file', () => {
    const broken = policyFile('broken.json', '{ "limits": ');
    expect(() => loadPolicy(broken)).toThrow(new RegExp(`^CFG_POLICY_JSON: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    expect(() => loadPolicy(join(dir, 'missing.json'))).toThrow(`CFG_POLICY_NOT_FOUND: ${join(dir, 'missing.json')}: no such file (or profile name: medicare, medicare-advantage, commercial, guide)`);
  });

  it('policyFromData validates parsed data; resolvePolicy does not change its base', () => {
    expect(() => policyFromData([], 'inline')).toThrow('CFG_POLICY_INVALID: inline at /: must be object');
    const resolved = resolvePolicy(medicare, { severities: { 'a/b': 'off' } });
    expect(resolved.severities).toEqual({ 'a/b': 'off' });
    expect(medicare.severities).toEqual({});
  });
});
