/**
 * `spinescrub rules [--policy P] [--json]`: the rule catalogue — id, severity per profile (and under the policy
 * when one is named), fixable, source. Argument parsing and output only.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ResolvedPolicy } from '../../policy/types.js';

interface RulesArgs {
  policy?: string;
  json?: boolean;
}

export const rulesCommand = {
  command: 'rules',
  describe: 'List the rules: id, severity per policy profile, fixable, source',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('policy', { describe: 'also show the severity under this policy (medicare, guide or a JSON policy file)', type: 'string', requiresArg: true })
      .option('json', { describe: 'print JSON', type: 'boolean', default: false })
      .example('$0 rules --policy payer.json', 'the catalogue with the severities a payer policy gives') as unknown as Argv<RulesArgs>,
  handler: async (args: RulesArgs): Promise<number> => {
    // Loaded when the command runs: the catalogue and reference data stay out of the main thread of a `run`.
    const [{ ConfigError }, { loadPolicy }, { rules }] = await Promise.all([
      import('../../policy/errors.js'),
      import('../../policy/load.js'),
      import('../../rules/index.js'),
    ]);
    let policy: ResolvedPolicy | undefined;
    if (args.policy !== undefined) {
      try {
        policy = loadPolicy(args.policy, { rules }).default;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`spinescrub: ${error.message}\n`);
        return 2;
      }
    }
    const rows = rules.map((rule) => ({
      id: rule.meta.id,
      medicare: rule.meta.severity.medicare,
      guide: rule.meta.severity.guide,
      ...(policy ? { policy: policy.severities[rule.meta.id] ?? rule.meta.severity[policy.profile] } : {}),
      fixable: rule.meta.fixable ?? null,
      coverageLimit: rule.meta.coverageLimit === true,
      usesHistory: rule.meta.usesHistory === true,
      source: rule.meta.docs.source,
    }));
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...(policy ? { policy: policy.name } : {}), rules: rows }, null, 2)}\n`);
      return 0;
    }
    const header = ['id', 'medicare', 'guide', ...(policy ? [policy.name] : []), 'fixable', 'source'];
    const table = rows.map((row) => [
      row.id + (row.coverageLimit ? ' ⚑' : ''),
      row.medicare,
      row.guide,
      ...(policy ? [row.policy ?? ''] : []),
      row.fixable ?? '—',
      row.source,
    ]);
    const widths = header.map((title, i) => (i === header.length - 1 ? 0 : Math.max(title.length, ...table.map((cells) => [...(cells[i] ?? '')].length))));
    const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  ');
    process.stdout.write(`${[line(header), ...table.map(line)].join('\n')}\n\n${rows.length} rules; ⚑ coverage limit; \`spinescrub explain ID\` for one rule.\n`);
    return 0;
  },
} as unknown as CommandModule<object, RulesArgs>;
