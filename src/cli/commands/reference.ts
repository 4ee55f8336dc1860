/**
 * `spinescrub reference import FILES…` / `reference list`: the CMS tables of each quarter (MUE, NCCI PTP) and year
 * (ICD-10-CM) in the reference database. Argument parsing, output and exit codes only; the work is in
 * src/reference/imported/. A file that cannot be imported is exit 3 (the others are still imported).
 */
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_REFERENCE_PATH } from '../../reference/defaults.js';

interface ReferenceArgs {
  reference: string;
  json?: boolean;
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

/** Raises the process exit code (a subcommand's handler result does not reach cli.ts). */
function exitWith(code: number): void {
  if (Number(process.exitCode ?? 0) < code) process.exitCode = code;
}

function fail(error: unknown): number {
  const coded = error as { code?: unknown; message: string };
  const text = typeof coded.code === 'string' && coded.code.startsWith('REF_') ? `${coded.code}: ${coded.message}` : coded.message;
  process.stderr.write(`spinescrub: ${text}\n`);
  return typeof coded.code === 'string' && (coded.code === 'REF_DATABASE_NOT_FOUND' || coded.code === 'REF_DATABASE_UNREADABLE') ? 2 : 3;
}

const ROW_WORDS = { mue: 'row', ptp: 'edit', icd10cm: 'code' } as const;

type ImportArgs = ReferenceArgs & { files: string[] };

const importCommand: CommandModule<ReferenceArgs, ImportArgs> = {
  command: 'import <files..>',
  describe: 'Import CMS files as published (unzipped): MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv, ccipra-vNNNrN-fN.txt, icd10cm_order_YYYY.txt',
  builder: (yargs) => yargs.positional('files', { type: 'string', array: true, demandOption: true }) as Argv<ImportArgs>,
  handler: async (args): Promise<void> => {
    const [{ openForImport }, { importFile }, { versionName }] = await Promise.all([
      import('../../reference/imported/database.js'),
      import('../../reference/imported/import.js'),
      import('../../reference/imported/reference.js'),
    ]);
    let db;
    try {
      db = openForImport(args.reference);
    } catch (error) {
      exitWith(fail(error));
      return;
    }
    let exitCode = 0;
    const results = [];
    try {
      for (const file of args.files) {
        try {
          const result = await importFile(db, file);
          results.push(result);
          if (args.json === true) continue;
          const version = versionName({ table: result.table, release: result.release, revision: result.revision });
          const part = result.part === '' ? '' : ` part ${result.part}`;
          process.stdout.write(
            result.status === 'already-imported'
              ? `${file}: already imported${result.importedAs !== result.file ? ` as ${result.importedAs}` : ''} (same SHA-256), nothing changed\n`
              : `${file}: ${version}${part}, ${result.from} to ${lastDay(result.to)}: ${plural(result.rows, ROW_WORDS[result.table])} imported\n`,
          );
        } catch (error) {
          if (error instanceof Error && (error as { code?: string }).code?.startsWith('REF_') === true) error.message += ' (file refused: nothing of it was stored)';
          exitCode = Math.max(exitCode, fail(error));
        }
      }
    } finally {
      db.close();
    }
    if (args.json === true) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    exitWith(exitCode);
  },
};

function lastDay(to: string): string {
  const day = new Date(`${to}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

const listCommand: CommandModule<ReferenceArgs, ReferenceArgs> = {
  command: 'list',
  describe: 'Show the imported tables, by table and period',
  handler: async (args): Promise<void> => {
    const [{ openForReading, readFiles }, { groupVersions, versionInForce }, { versionName }, { TABLE_TITLES }] = await Promise.all([
      import('../../reference/imported/database.js'),
      import('../../reference/imported/versions.js'),
      import('../../reference/imported/reference.js'),
      import('../../reference/imported/files.js'),
    ]);
    let db;
    try {
      db = openForReading(args.reference);
    } catch (error) {
      exitWith(fail(error));
      return;
    }
    try {
      const versions = groupVersions(readFiles(db));
      const listed = versions.map((version) => ({
        table: version.table,
        version: versionName(version),
        effectiveFrom: version.from,
        effectiveThrough: lastDay(version.to),
        // A version is in force on its first day unless a later revision of the same period replaces it.
        inForce: versionInForce(versions, version.table, version.from) === version,
        files: version.files.map((file) => ({ file: file.fileName, part: file.part, rows: file.rows, sha256: file.sha256 })),
        replaced: version.replaced.map((file) => ({ file: file.fileName, part: file.part, rows: file.rows, sha256: file.sha256 })),
      }));
      if (args.json === true) {
        process.stdout.write(`${JSON.stringify({ database: args.reference, versions: listed }, null, 2)}\n`);
        return;
      }
      const out = [`reference database ${args.reference}`];
      for (const table of ['mue', 'ptp', 'icd10cm'] as const) {
        const mine = listed.filter((version) => version.table === table);
        out.push(`${TABLE_TITLES[table]}: ${mine.length === 0 ? 'nothing imported (the shipped tables answer)' : plural(mine.length, 'version')}`);
        for (const version of mine) {
          const rows = version.files.reduce((sum, file) => sum + file.rows, 0);
          out.push(
            `  ${version.version}  ${version.effectiveFrom} to ${version.effectiveThrough}  ${plural(version.files.length, 'file')}, ${plural(rows, ROW_WORDS[table])}${version.inForce ? '' : '  (replaced by a later revision)'}`,
          );
          for (const file of version.files) out.push(`    ${file.file}  ${plural(file.rows, ROW_WORDS[table])}  sha256 ${file.sha256}`);
          for (const file of version.replaced) out.push(`    ${file.file}  replaced by a later import of the same part  sha256 ${file.sha256}`);
        }
      }
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      db.close();
    }
  },
};

export const referenceCommand: CommandModule<object, ReferenceArgs> = {
  command: 'reference <command>',
  describe: 'Import the CMS reference tables (MUE, NCCI PTP, ICD-10-CM) and list what is loaded',
  builder: (yargs) =>
    yargs
      .option('reference', { type: 'string', default: DEFAULT_REFERENCE_PATH, describe: 'Reference database (SQLite)', global: true, requiresArg: true })
      .option('json', { type: 'boolean', describe: 'Machine-readable output', global: true })
      .command(importCommand as unknown as CommandModule<ReferenceArgs, ReferenceArgs>)
      .command(listCommand)
      .demandCommand(1, 'Name a reference command: import or list.') as Argv<ReferenceArgs>,
  handler: () => undefined,
};
