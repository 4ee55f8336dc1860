/**
 * `spinescrub rules [--policy P] [--payer-class CODE] [--json]`: the rule catalogue — id, severity per built-in
 * profile (and under the policy when one is named), fixable, source. With `--payer-class`, only the rules that
 * apply to a claim of that class (SBR09 code) under the policy, with their severity there. Argument parsing and
 * output only.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ResolvedPolicy } from '../../policy/types.js';
import type { RuleModule, SeveritySetting } from '../../rules/types.js';

interface RulesArgs {
  policy?: string;
  payerClass?: string;
  json?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function severityUnder(rule: RuleModule<any, any>, policy: ResolvedPolicy): SeveritySetting {
  return policy.severities[rule.meta.id] ?? rule.meta.severity[policy.ruleDefaults];
}

export const rulesCommand = {
  command: 'rules',
  describe: 'List the rules: id, severity per policy profile, fixable, source',
  builder: (yargs: Argv<object>) =>
    yargs
      .option('policy', { describe: 'also show the severity under this policy (a profile name or a JSON policy file)', type: 'string', requiresArg: true })
      .option('payer-class', { describe: 'only the rules that apply to a claim of this payer class (claim filing indicator, SBR09: MB, 16, CI, BL, MC …)', type: 'string', requiresArg: true })
      .option('json', { describe: 'print JSON', type: 'boolean', default: false })
      .example('$0 rules --policy payer.json', 'the catalogue with the severities a payer policy gives')
      .example('$0 rules --payer-class CI', 'what applies to a commercial claim') as unknown as Argv<RulesArgs>,
  handler: async (args: RulesArgs): Promise<number> => {
    // Loaded when the command runs: the catalogue and reference data stay out of the main thread of a `run`.
    const [{ ConfigError }, { loadPolicy }, { rules }, { PAYER_CLASSES, payerClassOf }, { profiles, PROFILE_NAMES }] = await Promise.all([
      import('../../policy/errors.js'),
      import('../../policy/load.js'),
      import('../../rules/index.js'),
      import('../../policy/payer-classes.js'),
      import('../../policy/profiles.js'),
    ]);
    let policies;
    try {
      policies = loadPolicy(args.policy, { rules });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`spinescrub: ${error.message}\n`);
      return 2;
    }
    const policy = args.policy !== undefined ? policies.default : undefined;

    if (args.payerClass !== undefined) {
      const payerClass = payerClassOf(args.payerClass);
      if (payerClass === undefined) {
        process.stderr.write(`spinescrub: unknown payer class '${args.payerClass}' (claim filing indicator codes: ${Object.keys(PAYER_CLASSES).join(', ')})\n`);
        return 2;
      }
      const judge = policies.policyFor(undefined, payerClass);
      const applying = rules.map((rule) => ({ rule, severity: severityUnder(rule, judge) })).filter((entry) => entry.severity !== 'off');
      const off = rules.filter((rule) => severityUnder(rule, judge) === 'off').map((rule) => rule.meta.id);
      if (args.json) {
        const data = {
          payerClass,
          description: PAYER_CLASSES[payerClass],
          policy: judge.name,
          profile: judge.profile,
          rules: applying.map(({ rule, severity }) => ({ id: rule.meta.id, severity, fixable: rule.meta.fixable ?? null, coverageLimit: rule.meta.coverageLimit === true, source: rule.meta.docs.source })),
          off,
        };
        process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        return 0;
      }
      const header = ['id', 'severity', 'fixable', 'source'];
      const table = applying.map(({ rule, severity }) => [rule.meta.id + (rule.meta.coverageLimit ? ' ⚑' : ''), severity, rule.meta.fixable ?? '—', rule.meta.docs.source]);
      const intro = `payer class ${payerClass} (${PAYER_CLASSES[payerClass]}): profile ${judge.profile}, policy ${judge.name}\n\n`;
      const outro = `\n\n${applying.length} rules apply; off for this class: ${off.length ? off.join(', ') : 'none'}.\n`;
      process.stdout.write(intro + formatTable(header, table) + outro);
      return 0;
    }

    const rows = rules.map((rule) => ({
      id: rule.meta.id,
      ...Object.fromEntries(PROFILE_NAMES.map((name) => [name, severityUnder(rule, profiles[name])])),
      ...(policy ? { policy: severityUnder(rule, policy) } : {}),
      fixable: rule.meta.fixable ?? null,
      coverageLimit: rule.meta.coverageLimit === true,
      usesHistory: rule.meta.usesHistory === true,
      source: rule.meta.docs.source,
    })) as ({ id: string; policy?: string; fixable: string | null; coverageLimit: boolean; source: string } & Record<string, unknown>)[];
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...(policy ? { policy: policy.name } : {}), rules: rows }, null, 2)}\n`);
      return 0;
    }
    const header = ['id', ...PROFILE_NAMES, ...(policy ? [policy.name] : []), 'fixable', 'source'];
    const table = rows.map((row) => [
      row.id + (row.coverageLimit ? ' ⚑' : ''),
      ...PROFILE_NAMES.map((name) => String(row[name])),
      ...(policy ? [row.policy ?? ''] : []),
      row.fixable ?? '—',
      row.source,
    ]);
    process.stdout.write(`${formatTable(header, table)}\n\n${rows.length} rules; ⚑ coverage limit; \`spinescrub explain ID\` for one rule; \`--payer-class CODE\` for what applies to a class.\n`);
    return 0;
  },
} as unknown as CommandModule<object, RulesArgs>;

/** Columns padded to their widest cell; the last column is not padded. */
function formatTable(header: string[], table: string[][]): string {
  const widths = header.map((title, i) => (i === header.length - 1 ? 0 : Math.max(title.length, ...table.map((cells) => [...(cells[i] ?? '')].length))));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  ');
  return [line(header), ...table.map(line)].join('\n');
}
