/**
 * Every `spinescrub` command, listed explicitly (yargs `commandDir` does not work under ESM).
 * Each command module lives beside this file and exports a yargs CommandModule.
 */
import type { CommandModule } from 'yargs';
import { historyCommand } from './history.js';
import { runCommand } from './run.js';
import { rulesCommand } from './rules.js';
import { explainCommand } from './explain.js';
import { referenceCommand } from './reference.js';
import { initCommand } from './init.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own argument type
export const commands: CommandModule<any, any>[] = [
  runCommand,
  historyCommand,
  rulesCommand,
  explainCommand,
  referenceCommand,
  initCommand,
];
