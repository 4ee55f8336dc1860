import { DEFAULT_UMASK } from '../pipeline/staging.js';
import yargs from 'yargs';
import { commands } from './commands/index.js';
import { RunOutOfMemory } from './run-in-worker.js';
import { STDIN_TOKEN } from './stdin.js';

class UsageFailure extends Error {}

/**
 * Parses the arguments, runs the command, and resolves to the process exit code (README "Exit codes": 0, 1, 2, 3).
 * A command handler returns its exit code (a number); library code never calls process.exit. Usage errors
 * (unknown option, bad value) are exit 2.
 */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  // Outputs and the history database carry patient data: created readable by the user only (`run --umask` widens it).
  process.umask(DEFAULT_UMASK);
  // yargs drops a bare `-` (standard input) from positionals: carry it through as a token the commands map back.
  const endOfOptions = argv.indexOf('--');
  const args = argv.map((arg, index) => (arg === '-' && (endOfOptions < 0 || index < endOfOptions) ? STDIN_TOKEN : arg));
  let cli = yargs(args).scriptName('spinescrub');
  for (const command of commands) {
    const wrapped: typeof command = {
      ...command,
      handler: async (args) => {
        const code: unknown = await command.handler(args);
        if (typeof code === 'number') exitCode = Math.max(exitCode, code);
      },
    };
    cli = cli.command(wrapped);
  }
  try {
    await cli
      .usage('$0 <command> [options]')
      .demandCommand(1, 'Name a command: run, history, rules or explain.')
      .strict()
      .help()
      .version()
      .fail((message, error) => {
        if (error instanceof RunOutOfMemory) throw error;
        // A usage error must stop here: yargs would otherwise go on and run the command.
        throw new UsageFailure(message ?? error?.message ?? 'invalid arguments');
      })
      .parseAsync();
  } catch (error) {
    // A usage error, or a run that hit its --max-heap: one line, exit 2 (a configuration error).
    if (!(error instanceof UsageFailure) && !(error instanceof RunOutOfMemory)) throw error;
    process.stderr.write(`spinescrub: ${error.message}\n`);
    exitCode = 2;
  }
  // Commands written before handlers returned their code may still set process.exitCode themselves.
  const legacy = Number(process.exitCode ?? 0);
  return Math.max(exitCode, Number.isInteger(legacy) ? legacy : 0);
}
