/**
 * `spinescrub explain ID`: one rule's description, severities, fix, source and an example (from its doc page,
 * docs/rules/<id>.md). Exit 2 for an unknown id.
 */
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { READ_PROBLEM_RULE_ID } from '../../rules/engine.js';
import { ruleById, rules } from '../../rules/index.js';

interface ExplainArgs {
  id: string;
}

/** docs/ beside src/ (and dist/): three levels up from src/cli/commands or dist/cli/commands. */
const docsRoot = new URL('../../../docs/rules/', import.meta.url);

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
    `severity  medicare: ${meta.severity.medicare}   guide: ${meta.severity.guide}`,
    `fix       ${meta.fixable === 'safe' ? 'applied by the engine' : meta.fixable === 'review' ? 'suggested for review' : 'none (reported only)'}`,
    `source    ${meta.docs.source}`,
  ];
  const fires = page && docSection(page, 'Fires when');
  const fix = page && docSection(page, 'Fix');
  const example = page && docSection(page, 'Example');
  if (fires) parts.push('', 'Fires when', indent(fires));
  if (fix && meta.fixable) parts.push('', 'Fix', indent(fix));
  parts.push('', 'Example', example ? indent(example.replace(/^```\w*\n?|\n?```$/g, '')) : `  see docs/rules/${id}.md`);
  return `${parts.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

export const explainCommand = {
  command: 'explain <id>',
  describe: "Explain a rule: description, severities, fix, source and an example",
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('id', { describe: 'rule id, e.g. esi/interlaminar-units', type: 'string', demandOption: true })
      .example('$0 explain primary/repeated', '') as unknown as Argv<ExplainArgs>,
  handler: (args: ExplainArgs): number => {
    const text = explainText(args.id);
    if (text === undefined) {
      const family = args.id.split('/')[0] ?? '';
      const near = rules.map((rule) => rule.meta.id).filter((id) => id.startsWith(`${family}/`) || id.endsWith(`/${args.id.split('/').pop()}`));
      process.stderr.write(`spinescrub: unknown rule id '${args.id}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; \`spinescrub rules\` lists them\n`);
      return 2;
    }
    process.stdout.write(text);
    return 0;
  },
} as unknown as CommandModule<object, ExplainArgs>;
