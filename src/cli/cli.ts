import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { commands } from './commands/index.js';

/**
 * Parses the arguments, runs the command, and resolves to the process exit code (DESIGN.md: 0, 1, 2, 3).
 * A command handler returns its exit code (a number); library code never calls process.exit. Usage errors
 * (unknown option, bad value) are exit 2.
 */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  let cli = yargs(argv).scriptName('spinescrub');
  for (const command of commands) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const wrapped: CommandModule<any, any> = {
      ...command,
      handler: async (args) => {
        const code: unknown = await command.handler(args);
        if (typeof code === 'number') exitCode = Math.max(exitCode, code);
      },
    };
    cli = cli.command(wrapped);
  }
  await cli
    .usage('$0 <command> [options]')
    .demandCommand(1, 'Name a command: run, history, rules or explain.')
    .strict()
    .help()
    .version()
    .fail((message, error) => {
      process.stderr.write(`spinescrub: ${message ?? error?.message}\n`);
      exitCode = 2;
    })
    .parseAsync();
  // Commands written before handlers returned their code may still set process.exitCode themselves.
  const legacy = Number(process.exitCode ?? 0);
  return Math.max(exitCode, Number.isInteger(legacy) ? legacy : 0);
}
