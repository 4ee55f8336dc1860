/**
 * What `spinescrub explain ID` prints: one rule's description, severities, fix, source and an example (from its
 * doc page, docs/rules/<id>.md). Loaded by the command when it runs, not when the CLI starts (the rule catalogue
 * and reference data stay out of the main thread of a `run`).
 */
import { readFileSync } from 'node:fs';
import { READ_PROBLEM_RULE_ID } from '../rules/ids.js';
import { ruleById, rules } from '../rules/index.js';
import { profiles, PROFILE_NAMES } from '../policy/profiles.js';

/** docs/ beside src/ (and dist/): two levels up from src/cli or dist/cli. */
const docsRoot = new URL('../../docs/rules/', import.meta.url);

/** A `## Title` section of a doc page, without its heading. */
export function docSection(page: string, title: string): string | undefined {
  const lines = page.split('\n');
  const start = lines.findIndex((text) => text.trim() === `## ${title}`);
  if (start < 0) return undefined;
  let end = lines.findIndex((text, i) => i > start && text.startsWith('## '));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join('\n').trim();
}

export function explainText(id: string): string | undefined {
  if (id === READ_PROBLEM_RULE_ID) {
    return `${id}\n\nNot a rule: the error finding the engine reports for a problem found while reading a claim (X12_* or CSV_* code as the message id). It always holds the claim.\n`;
  }
  const rule = ruleById(id);
  if (!rule) return undefined;
  const { meta } = rule;
  let page: string | undefined;
  try {
    page = readFileSync(new URL(`${id}.md`, docsRoot), 'utf8');
  } catch {
    page = undefined;
  }
  const parts = [
    `${meta.id}${meta.coverageLimit ? ' ⚑ (coverage limit)' : ''}`,
    '',
    meta.docs.description,
    '',
    `severity  ${PROFILE_NAMES.map((name) => `${name}: ${profiles[name].severities[meta.id] ?? meta.severity[profiles[name].ruleDefaults]}`).join('   ')}`,
    `fix       ${meta.fixable === 'safe' ? 'applied by the engine' : meta.hasSuggestions ? 'suggested for review (holds the claim)' : 'none (reported only)'}`,
    `source    ${meta.docs.source}`,
  ];
  const fires = page && docSection(page, 'Fires when');
  const fix = page && docSection(page, 'Fix');
  const example = page && docSection(page, 'Example');
  if (fires) parts.push('', 'Fires when', indent(fires));
  if (fix && (meta.fixable || meta.hasSuggestions)) parts.push('', 'Fix', indent(fix));
  parts.push('', 'Example', example ? indent(example.replace(/^```\w*\n?|\n?```$/g, '')) : `  see docs/rules/${id}.md`);
  return `${parts.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

/** Rule ids that look like a mistyped `id` (same family, or same name in another family). */
export function nearIds(id: string): string[] {
  const family = id.split('/')[0] ?? '';
  return rules.map((rule) => rule.meta.id).filter((known) => known.startsWith(`${family}/`) || known.endsWith(`/${id.split('/').pop()}`));
}
