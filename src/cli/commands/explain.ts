/**
 * `spinescrub explain ID`: one rule's description, severities, fix, source and an example (from its doc page,
 * docs/rules/<id>.md). Exit 2 for an unknown id.
 */
import type { Argv, CommandModule } from 'yargs';

interface ExplainArgs {
  id: string;
}

export const explainCommand = {
  command: 'explain <id>',
  describe: "Explain a rule: description, severities, fix, source and an example",
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('id', { describe: 'rule id, e.g. esi/interlaminar-units', type: 'string', demandOption: true })
      .example('$0 explain primary/repeated', '') as unknown as Argv<ExplainArgs>,
  handler: async (args: ExplainArgs): Promise<number> => {
    const { explainText, nearIds } = await import('../explain-text.js');
    const text = explainText(args.id);
    if (text === undefined) {
      const near = nearIds(args.id);
      process.stderr.write(`spinescrub: unknown rule id '${args.id}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; \`spinescrub rules\` lists them\n`);
      return 2;
    }
    process.stdout.write(text);
    return 0;
  },
} as unknown as CommandModule<object, ExplainArgs>;
