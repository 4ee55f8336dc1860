import yargs from 'yargs';
import { commands } from './commands/index.js';

/** Parses the arguments, runs the command, and resolves to the process exit code (DESIGN.md: 0, 1, 2, 3). */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  let cli = yargs(argv).scriptName('spinescrub');
  for (const command of commands) cli = cli.command(command);
  await cli
    .usage('$0 <command> [options]')
    .demandCommand(1, 'Name a command: run, history, rules or explain.')
    .strict()
    .help()
    .fail((message, error) => {
      process.stderr.write(`spinescrub: ${message ?? error?.message}\n`);
      exitCode = 2;
    })
    .parseAsync();
  return exitCode;
}
