/**
 * The catalogue check (ESLint's checkRuleFiles): every rule in src/rules/index.ts has its file, a table test, a doc
 * page with the four sections, a source and messages; and every id of the rule catalogue is implemented (the list
 * is kept here, so a rule cannot vanish with its page). History ids may be pending (their issue adds them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rules } from '../../src/rules/index.js';
import { PHASE_ORDER } from '../../src/rules/engine.js';

const root = new URL('../../', import.meta.url);
const at = (path: string) => new URL(path, root);

/** Every non-history rule id of the catalogue, section by section. */
const EXPECTED_IDS = [
  'claim/total-mismatch', 'claim/frequency-code', 'claim/pointer-invalid', 'claim/unknown-procedure', 'claim/timely-filing', 'claim/future-date',
  'dx/invalid-format', 'dx/header-code', 'dx/excludes1-radiculopathy', 'dx/not-supporting', 'dx/unsupported-unknown', 'dx/region-mismatch', 'dx/unspecified-site',
  'imaging/bundled', 'imaging/contrast', 'imaging/unguided-with-guidance', 'esi/unguided', 'imaging/ultrasound', 'drug/not-separately-billable',
  'esi/interlaminar-units', 'esi/multiple-regions', 'esi/transforaminal-levels',
  'addon/without-primary', 'primary/repeated', 'addon/units',
  'facet/levels', 'rfa/levels', 'facet/with-rfa', 'facet/with-rfa-distinct',
  'modifier/bilateral', 'modifier/bilateral-ambiguous', 'modifier/bilateral-not-allowed', 'modifier/laterality-missing',
  'modifier/distinct-procedure', 'modifier/prefer-x', 'coverage/liability-modifier',
  'mue/units',
  'drug/deleted-code', 'drug/units', 'drug/facility-pos', 'drug/ndc-missing', 'drug/ndc-format', 'drug/miscoded', 'drug/off-label', 'drug/jw-jz',
  'sedation/with-injection', 'em/same-day',
  'ncci/ptp',
];
/** The history ids of the catalogue: implemented by the history issue; may be missing until then. */
const EXPECTED_LATER = [
  'history/duplicate', 'session/split', 'frequency/esi', 'frequency/facet', 'frequency/rfa', 'facet/kx', 'rfa/prior-blocks', 'rfa/repeat-interval', 'global/rfa-followup',
];
/** ⚑ coverage limits of the catalogue. */
const COVERAGE_LIMITS = [
  'esi/unguided', 'imaging/ultrasound', 'esi/multiple-regions', 'esi/transforaminal-levels', 'facet/levels', 'rfa/levels', 'sedation/with-injection',
  'frequency/esi', 'frequency/facet', 'frequency/rfa', 'rfa/repeat-interval',
];

/** The verbs a rule message may start with: what the analyst does. */
const ACTIONS = ['Add', 'Bill', 'Check', 'Code', 'Correct', 'Keep', 'Merge', 'Point', 'Recode', 'Remove', 'Replace', 'Send', 'Split'];

describe('rule catalogue', () => {
  it('implements every non-history id of the catalogue, and no id outside it', () => {
    const ids = rules.map((rule) => rule.meta.id);
    expect(EXPECTED_IDS.filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !EXPECTED_IDS.includes(id) && !EXPECTED_LATER.includes(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks exactly the ⚑ rules as coverage limits', () => {
    const marked = rules.filter((rule) => rule.meta.coverageLimit).map((rule) => rule.meta.id).sort();
    expect(marked).toEqual(COVERAGE_LIMITS.filter((id) => rules.some((rule) => rule.meta.id === id)).sort());
  });

  const readme = readFileSync(at('docs/rules/README.md'), 'utf8');
  for (const rule of rules) {
    const { id } = rule.meta;
    describe(id, () => {
      it('has its file, a table test and a doc page with source, fires when, fix and example', () => {
        expect(existsSync(at(`src/rules/${id}.ts`)), `src/rules/${id}.ts`).toBe(true);
        expect(existsSync(at(`test/rules/${id}.test.ts`)), `test/rules/${id}.test.ts`).toBe(true);
        const docPath = at(`docs/rules/${id}.md`);
        expect(existsSync(docPath), `docs/rules/${id}.md`).toBe(true);
        const doc = readFileSync(docPath, 'utf8');
        expect(doc.split('\n')[0]?.replace(/ ⚑$/, ''), 'the page starts with its id').toBe(`# ${id}`);
        for (const section of ['## Source', '## Fires when', '## Fix', '## Example']) expect(doc, section).toContain(`\n${section}\n`);
        const row = readme.split('\n').find((text) => text.startsWith(`| [\`${id}\`]`));
        expect(row, 'docs/rules/README.md lists it').toBeDefined();
        const cells = row!.split(' | ');
        expect(cells.slice(1, 4), 'README severities and fix match the meta').toEqual([rule.meta.severity.medicare, rule.meta.severity.guide, rule.meta.fixable ?? '—']);
      });

      it('has meta: source, description, messages, severities, phase, scope', () => {
        const { meta } = rule;
        expect(meta.docs.source.trim().length).toBeGreaterThan(10);
        expect(meta.docs.description.trim().length).toBeGreaterThan(10);
        if (meta.docs.url !== undefined) expect(meta.docs.url).toBe(`docs/rules/${id}.md`);
        expect(Object.keys(meta.messages).length).toBeGreaterThan(0);
        for (const profile of ['medicare', 'guide'] as const) expect(['error', 'warning', 'info', 'off']).toContain(meta.severity[profile]);
        expect(PHASE_ORDER).toContain(meta.phase);
        expect(['claim', 'session']).toContain(meta.scope);
        expect([undefined, 'safe']).toContain(meta.fixable);
        expect([undefined, true]).toContain(meta.hasSuggestions);
      });

      it('words each message as what to do, then why (docs/rules/TESTING.md)', () => {
        for (const [messageId, template] of Object.entries(rule.meta.messages)) {
          expect(template, messageId).toMatch(/^[A-Z][a-z]+ [^:]*:/);
          expect(template, messageId).not.toMatch(/^Unexpected\b/);
          expect(ACTIONS, `${messageId}: starts with an action`).toContain(template.split(' ')[0]);
        }
      });
    });
  }
});
