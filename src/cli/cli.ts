import { DEFAULT_UMASK } from '../pipeline/staging.js';
import yargs from 'yargs';
import type { Argv, CommandModule } from 'yargs';
import { nearest } from '../policy/near.js';
import { commands } from './commands/index.js';
import { ConfigFileError, configArgument, loadConfig, setActiveConfig, withConfig } from './config.js';
import { RunOutOfMemory } from './run-in-worker.js';
import { STDIN_TOKEN } from './stdin.js';

class UsageFailure extends Error {}

/** What yargs hands a `fail` callback as its third argument: the usage of the command being parsed. */
interface UsageView {
  getDescriptions(): Record<string, unknown>;
  getCommands(): [string, ...unknown[]][];
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_whole, letter: string) => letter.toUpperCase());
}

/**
 * yargs' "Unknown argument(s): a, b" with a did-you-mean: an option (`--polcy`) against the command's options, a
 * word (`rn`) against its commands. The raw arguments tell which was typed (yargs' message drops the dashes).
 */
export function explainUnknown(message: string, argv: readonly string[], usage: UsageView | undefined): string {
  const match = /^Unknown arguments?: (.+)$/.exec(message);
  if (!match || usage === undefined) return message;
  const names = match[1]!.split(', ');
  // yargs lists a dashed name twice (`csv-mpa, csvMpa`): keep the form that was typed.
  const typed = names.filter((name) => !names.some((other) => other !== name && other.includes('-') && camelCase(other) === name));
  const options = Object.keys(usage.getDescriptions()).filter((name) => name !== 'help' && name !== 'version');
  const commandNames = usage.getCommands().map((command) => command[0].split(' ')[0]!);
  const parts: string[] = [];
  let commandSeen = false;
  for (const name of typed) {
    const typedAs = argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`) || arg === `-${name}` || arg === `--no-${name}`);
    if (typedAs !== undefined) {
      const negated = typedAs === `--no-${name}`;
      const near = nearest(name, options);
      const shown = negated ? `--no-${name}` : `${name.length === 1 ? '-' : '--'}${name}`;
      parts.push(`Unknown option: ${shown}${near ? ` (did you mean --${negated ? 'no-' : ''}${near}?)` : ''}`);
    } else if (commandNames.length > 0) {
      // The first unknown word is the mistyped command; the words after it are its arguments.
      if (commandSeen) continue;
      commandSeen = true;
      const near = nearest(name, commandNames);
      parts.push(`Unknown command: ${name}${near ? ` (did you mean ${near}?)` : ''}`);
    } else {
      parts.push(`Unknown argument: ${name}`);
    }
  }
  return parts.join('; ');
}

/**
 * Parses the arguments, runs the command, and resolves to the process exit code (README "Exit codes": 0, 1, 2, 3).
 * A command handler returns its exit code (a number); library code never calls process.exit. Usage errors
 * (unknown option, bad value, a config file that cannot be used) are exit 2.
 */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  // Outputs and the history database carry patient data: created readable by the user only (`run --umask` widens it).
  process.umask(DEFAULT_UMASK);
  try {
    setActiveConfig(await loadConfig(configArgument(argv)));
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    process.stderr.write(`spinescrub: ${error.message}\n`);
    return 2;
  }
  // yargs drops a bare `-` (standard input) from positionals: carry it through as a token the commands map back.
  const endOfOptions = argv.indexOf('--');
  const args = argv.map((arg, index) => (arg === '-' && (endOfOptions < 0 || index < endOfOptions) ? STDIN_TOKEN : arg));
  let cli = yargs(args).scriptName('spinescrub');
  for (const command of commands) {
    const builder = command.builder;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const wrapped: CommandModule<any, any> = {
      ...command,
      // The config file's values for this command's options (history's subcommands apply their own).
      builder: (yargs: Argv) => withConfig(typeof builder === 'function' ? ((builder(yargs) as Argv | void) ?? yargs) : yargs.options(builder ?? {})),
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
      .option('config', { alias: 'c', type: 'string', describe: 'config file (default: spinescrub.config.json, .spinescrubrc.json or package.json "spinescrub", from here upward); --no-config: none', global: true })
      .demandCommand(1, 'Name a command: run, history, reference, rules, explain or init.')
      .strict()
      .help()
      .version()
      .fail((message, error, usage) => {
        if (error instanceof RunOutOfMemory) throw error;
        // A usage error must stop here: yargs would otherwise go on and run the command.
        throw new UsageFailure(explainUnknown(message ?? error?.message ?? 'invalid arguments', argv, usage as unknown as UsageView | undefined));
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
