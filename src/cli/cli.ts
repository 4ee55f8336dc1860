import yargs from 'yargs';

/** Parses the arguments, runs the command, and resolves to the process exit code (DESIGN.md: 0, 1, 2, 3). */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(argv)
    .scriptName('spinescrub')
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
