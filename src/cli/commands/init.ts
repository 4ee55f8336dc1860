/**
 * `spinescrub init`: writes a starter `spinescrub.config.json` in the working directory. JSON has no comments, so
 * the file names its schema (`$schema`): an editor then shows each key's description and completes the values,
 * and `spinescrub run --print-config` shows what a run would use. Refuses to overwrite a file unless `--force`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_HISTORY_PATH } from '../../history/defaults.js';
import { CONFIG_FILES, CONFIG_SCHEMA_URL } from '../config.js';

interface InitArgs {
  force: boolean;
}

/** The starter config: every key at its default, so the file shows what can be set. */
export function starterConfig(cwd: string): Record<string, unknown> {
  const schema = path.relative(cwd, fileURLToPath(CONFIG_SCHEMA_URL)).split(path.sep).join('/');
  return {
    $schema: schema.startsWith('.') ? schema : `./${schema}`,
    policy: 'medicare',
    history: DEFAULT_HISTORY_PATH.replace(/^\.\//, ''),
    record: true,
    failOn: 'never',
    holdOn: 'error',
    csvMap: [],
    logFormat: 'text',
  };
}

export const initCommand = {
  command: 'init',
  describe: 'Write a starter spinescrub.config.json here (keys: the long options in camelCase)',
  builder: (yargs: Argv<object>) =>
    yargs.option('force', { describe: 'overwrite an existing spinescrub.config.json', type: 'boolean', default: false }) as unknown as Argv<InitArgs>,
  handler: (args: InitArgs): number => {
    const cwd = process.cwd();
    const file = path.join(cwd, CONFIG_FILES[0]);
    if (existsSync(file) && !args.force) {
      process.stderr.write(`spinescrub: ${CONFIG_FILES[0]} already exists here: keep it, or overwrite it with --force\n`);
      return 2;
    }
    writeFileSync(file, `${JSON.stringify(starterConfig(cwd), null, 2)}\n`);
    process.stdout.write(
      `wrote ${CONFIG_FILES[0]}: every key is a long option in camelCase (schemas/config.schema.json describes each; the README's "Config file" section lists them); \`spinescrub run --print-config\` shows what a run uses\n`,
    );
    return 0;
  },
} as unknown as CommandModule<object, InitArgs>;
