import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../src/rules/index.js';
import { nextStepOf, publicSourceOf, RULE_GUIDES, rulePage } from '../../src/report/rule-guide.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** What names the project's own notes rather than a public source. */
const INTERNAL = /domain-rules|cms-indicators|rules\.md|\[S\d+\]|\bSP-\d+|\bU-(high|med|low)\b|src\//;

describe('rule guide: public sources and next steps', () => {
  it('has an entry for every rule, and none for a rule that does not exist', () => {
    expect(Object.keys(RULE_GUIDES).sort()).toEqual(rules.map((rule) => rule.meta.id).sort());
  });

  it('names public sources only, and a next step in one sentence', () => {
    for (const [id, guide] of Object.entries(RULE_GUIDES)) {
      expect(guide.sources, id).not.toMatch(INTERNAL);
      expect(guide.sources.length, id).toBeGreaterThan(10);
      expect(guide.next, id).toMatch(/^[A-Z][^\n]*\.$/);
    }
  });

  it('links each rule to its page, which exists and is the rule meta\'s url', () => {
    for (const rule of rules) {
      expect(rulePage(rule.meta.id)).toBe(rule.meta.docs.url);
      expect(existsSync(path.join(ROOT, rulePage(rule.meta.id))), rule.meta.id).toBe(true);
    }
  });

  it('gives a finding\'s source as its page and public sources; a reader problem keeps its own', () => {
    expect(publicSourceOf('esi/unguided', 'domain-rules.md §3.2')).toBe(
      'docs/rules/esi/unguided.md; ESI LCD L39240 / article A58993 and peers (covered regions defined with 62321/62323; fluoroscopy or CT required)',
    );
    expect(publicSourceOf('X12_SE_COUNT', 'reader')).toBe('reader');
  });

  it('has a next step for reader and run problems too', () => {
    expect(nextStepOf('X12_SE_COUNT')).toMatch(/^Fix the file/);
    expect(nextStepOf('CSV_BAD_CHARGE')).toMatch(/^Fix the row/);
    expect(nextStepOf('RUN_WRITE_REFUSED')).toMatch(/by hand/);
    expect(nextStepOf('RUN_CHECK_FAILED')).toMatch(/^Look at the claim/);
  });
});
