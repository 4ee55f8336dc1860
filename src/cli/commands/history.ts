/**
 * `spinescrub history add FILES…` / `history stats` / `history patient MEMBER_ID` / `history migrate`: the history
 * index's commands, on a SQLite file or a PostgreSQL database (`--history postgres://…`). Argument parsing, output and exit codes only; the work is in src/history/.
 * Output never prints patient names or dates of birth.
 */
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_HISTORY_PATH, isPostgresUrl } from '../../history/defaults.js';
import type { HistoryStore } from '../../history/store.js';
import { stat } from 'node:fs/promises';
import { withConfig } from '../config.js';
import { STDIN_TOKEN } from '../stdin.js';

interface HistoryArgs {
  history: string | false;
  json?: boolean;
  wait: number;
}

/** The commands' view of a store: SQLite answers at once, PostgreSQL with promises. */
type Store = HistoryStore;

async function withStore<T>(path: string | false, readonly: boolean, waitSeconds: number, use: (store: Store) => Promise<T> | T): Promise<T | undefined> {
  if (path === false) {
    // `--no-history`, or `"history": false` in the config file: there is no history to work on.
    fail(new Error('no history database (--no-history, or "history": false in the config file): name one with --history DB'), 2);
    return undefined;
  }
  let store: Store;
  try {
    if (isPostgresUrl(path)) {
      // Loaded when a history command runs, not when the CLI starts.
      const { PostgresHistoryStore } = await import('../../history/postgres.js');
      store = await PostgresHistoryStore.open(path);
    } else {
      const { openHistory } = await import('../../history/sqlite.js');
      store = openHistory(path, { readonly, waitSeconds });
    }
  } catch (error) {
    fail(error, 2);
    return undefined;
  }
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

function fail(error: unknown, exitCode: number): void {
  const coded = error as { code?: unknown; message: string };
  const text = typeof coded.code === 'string' && /^(HIST|CFG|CSV|X12)_/.test(coded.code) ? `${coded.code}: ${coded.message}` : coded.message;
  process.stderr.write(`spinescrub: ${text}\n`);
  if (Number(process.exitCode ?? 0) < exitCode) process.exitCode = exitCode;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

type AddArgs = HistoryArgs & { files: string[]; 'csv-map': string[] };

const add: CommandModule<HistoryArgs, AddArgs> = {
  command: 'add <files..>',
  describe: 'Ingest prior claim files or directories (837P or CSV) into the history; a file already added is skipped',
  builder: (yargs) =>
    withConfig(
      yargs
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'claim files, or directories (searched as `run` does)' })
        .option('csv-map', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'JSON column map for CSV exports with other headers (repeat it: each CSV file uses the first map its header fits)',
        }),
    ) as Argv<AddArgs>,
  handler: async (args) => {
    const [{ loadCsvMap }, { addPriorFile }, { expandInputs }] = await Promise.all([
      import('../../csv/map.js'),
      import('../../pipeline/prior.js'),
      import('../../pipeline/inputs.js'),
    ]);
    let maps;
    try {
      maps = args['csv-map'].map((file) => loadCsvMap(file));
    } catch (error) {
      fail(error, 2);
      return;
    }
    // A directory is searched as `run` searches one; anything else is ingested as named (ingest reports what is wrong).
    const files: { name: string; path: string }[] = [];
    for (const named of args.files) {
      if (named === '-' || named === STDIN_TOKEN) {
        fail(new Error('history add cannot read standard input: name the files'), 2);
        return;
      }
      const isDirectory = await stat(named).then((info) => info.isDirectory(), () => false);
      if (!isDirectory) {
        files.push({ name: named, path: named });
        continue;
      }
      const found = await expandInputs([named]);
      if (found.files.length === 0) fail(new Error(`${named}: no claim files found (files that start with ISA, or .csv files)`), 3);
      for (const file of found.files) files.push({ name: file.name, path: file.path! });
    }
    await withStore(args.history, false, args.wait, async (store) => {
      for (const { name, path: file } of files) {
        try {
          // Each CSV file is read with the first column map its header fits (the default column set first).
          const result = await addPriorFile(store, file, { name, csvMaps: maps });
          if (result.status === 'already-ingested') {
            process.stdout.write(`${name}: already in the history (same content), nothing changed\n`);
            continue;
          }
          const details = [
            result.replaced > 0 ? `${result.replaced} replaced` : '',
            result.voided > 0 ? `${result.voided} voided` : '',
            result.awaitingOriginal > 0 ? `${result.awaitingOriginal} awaiting their original` : '',
            result.lateOriginals > 0 ? `${plural(result.lateOriginals, 'original')} already superseded` : '',
          ].filter((text) => text !== '');
          process.stdout.write(
            `${name}: added ${plural(result.claims, 'claim')}, ${plural(result.lines, 'line')}${details.length > 0 ? ` (${details.join(', ')})` : ''}\n`,
          );
          for (const problem of result.problems) process.stderr.write(`spinescrub: warning: ${problem.code}: ${problem.message}\n`);
        } catch (error) {
          fail(error, 3);
        }
      }
    });
  },
};

const stats: CommandModule<HistoryArgs, HistoryArgs> = {
  command: 'stats',
  describe: 'Show what the history holds',
  handler: async (args) => {
    await withStore(args.history, true, args.wait, async (store) => {
      const s = await store.stats();
      if (args.json === true) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        [
          `history ${s.path} (schema ${s.schemaVersion}, ${(s.sizeBytes / 1048576).toFixed(1)} MB)`,
          `files     ${s.files}`,
          `claims    ${s.claims}: ${s.readyClaims} ready, ${s.heldClaims} held, ${s.supersededClaims} superseded, ${s.voids} voids, ${s.awaitingOriginal} awaiting their original`,
          `lines     ${s.lines} (${s.activeLines} active)`,
          `patients  ${s.patients}`,
          `dates     ${s.firstServiceDate ?? '-'} to ${s.lastServiceDate ?? '-'}`,
        ].join('\n') + '\n',
      );
    });
  },
};

const patient: CommandModule<HistoryArgs, HistoryArgs & { memberId: string }> = {
  command: 'patient <memberId>',
  describe: 'Show the claims the history holds for a payer member id (all dependents on it)',
  builder: (yargs) => yargs.positional('memberId', { type: 'string', demandOption: true }) as Argv<HistoryArgs & { memberId: string }>,
  handler: async (args) => {
    await withStore(args.history, true, args.wait, async (store) => {
      const claims = await store.patientClaims(String(args.memberId));
      if (args.json === true) {
        process.stdout.write(`${JSON.stringify(claims, null, 2)}\n`);
        return;
      }
      if (claims.length === 0) {
        process.stdout.write('no claims for that member id\n');
        return;
      }
      const out: string[] = [`${plural(claims.length, 'claim')} for that member id`];
      for (const claim of claims) {
        const who = claim.dependent ? ' dependent' : '';
        out.push(`${claim.file}  ${claim.claimId}  freq ${claim.frequency}  ${claim.status}${who}  ${claim.firstDate ?? '-'}..${claim.lastDate ?? '-'}  ${(claim.chargeCents / 100).toFixed(2)}`);
        for (const line of claim.lines) {
          const code = [line.procedure, ...line.modifiers].join('-');
          out.push(`    ${line.lineNumber}  ${line.serviceDate}  ${code}${line.units !== 1 ? ` x${line.units}` : ''}`);
        }
      }
      process.stdout.write(out.join('\n') + '\n');
    });
  },
};

const migrate: CommandModule<HistoryArgs, HistoryArgs> = {
  command: 'migrate',
  describe: 'Create the history database\'s schema, or bring it to this version (PostgreSQL; SQLite migrates itself when opened)',
  handler: async (args) => {
    const target = args.history;
    if (target === false) {
      fail(new Error('no history database (--no-history, or "history": false in the config file): name one with --history DB'), 2);
      return;
    }
    try {
      if (isPostgresUrl(target)) {
        const { PostgresHistoryStore, redactUrl } = await import('../../history/postgres.js');
        const { from, to } = await PostgresHistoryStore.migrate(target);
        process.stdout.write(`history ${redactUrl(target)}: ${from === to ? `schema version ${to}, nothing to do` : `schema migrated from version ${from} to ${to}`}\n`);
        return;
      }
      const [{ openHistory }, { default: Database }] = await Promise.all([import('../../history/sqlite.js'), import('better-sqlite3')]);
      // Opening migrates a SQLite history; the version before is read first (a new file has none).
      let from = 0;
      try {
        const db = new Database(target, { readonly: true, fileMustExist: true });
        try {
          from = (db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0;
        } catch {
          from = 0;
        } finally {
          db.close();
        }
      } catch {
        from = 0;
      }
      const store = openHistory(target, { waitSeconds: args.wait });
      const to = store.stats().schemaVersion;
      store.close();
      process.stdout.write(`history ${target}: ${from === to ? `schema version ${to}, nothing to do` : `schema migrated from version ${from} to ${to}`}\n`);
    } catch (error) {
      fail(error, 2);
    }
  },
};

export const historyCommand: CommandModule<object, HistoryArgs> = {
  command: 'history',
  describe: 'Build and inspect the history index of prior claims',
  builder: (yargs) =>
    yargs
      .option('history', { type: 'string', default: DEFAULT_HISTORY_PATH, describe: 'History database: a SQLite file, or a postgres:// URL (shared by several hosts)', global: true })
      .option('json', { type: 'boolean', describe: 'Machine-readable output (stats, patient)', global: true })
      .option('wait', { type: 'number', default: 0, describe: 'Wait up to SECONDS for a lock (the history in use by a run)', global: true })
      .command(add as CommandModule<HistoryArgs, HistoryArgs>)
      .command(stats)
      .command(patient as CommandModule<HistoryArgs, HistoryArgs>)
      .command(migrate)
      .demandCommand(1, 'Name a history command: add, stats, patient or migrate.') as Argv<HistoryArgs>,
  handler: () => undefined,
};

export default historyCommand;
