/**
 * The imported files grouped into versions, and the version in force on a date.
 *
 * A version is one release of one table: an MUE file, a PTP release (vNN.N rN: its parts f1…fN together), an
 * ICD-10-CM fiscal year. A part imported again with other content replaces the earlier file of that part (a
 * corrected re-publication); the SHA-256 tells the two apart. On a date, the version in force is the one whose period
 * covers it with the latest start (an off-cycle file takes over from its date), then the highest revision.
 */
import type { IsoDate } from '../../encounter/model.js';
import type { FileRow } from './database.js';
import type { ImportedTable } from './files.js';

export interface Version {
  table: ImportedTable;
  release: string;
  revision: number;
  from: IsoDate;
  to: IsoDate;
  /** The files in force, one per part, in part order. */
  files: FileRow[];
  /** Files of a part imported again later with other content. */
  replaced: FileRow[];
}

function partNumber(part: string): number {
  return part === '' ? 0 : Number(part.slice(1));
}

export function groupVersions(files: readonly FileRow[]): Version[] {
  const byKey = new Map<string, Version>();
  for (const file of files) {
    const key = `${file.table}\u0000${file.release}\u0000${file.revision}`;
    let version = byKey.get(key);
    if (version === undefined) {
      version = { table: file.table, release: file.release, revision: file.revision, from: file.from, to: file.to, files: [], replaced: [] };
      byKey.set(key, version);
    }
    const index = version.files.findIndex((other) => other.part === file.part);
    if (index < 0) version.files.push(file);
    else if (version.files[index]!.id < file.id) {
      version.replaced.push(version.files[index]!);
      version.files[index] = file;
    } else version.replaced.push(file);
  }
  const versions = [...byKey.values()];
  for (const version of versions) version.files.sort((a, b) => partNumber(a.part) - partNumber(b.part));
  const tableOrder: ImportedTable[] = ['mue', 'ptp', 'icd10cm'];
  return versions.sort(
    (a, b) =>
      tableOrder.indexOf(a.table) - tableOrder.indexOf(b.table) ||
      (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) ||
      a.revision - b.revision,
  );
}

/** The version of `table` in force on `date`, or undefined when no imported version covers it. */
export function versionInForce(versions: readonly Version[], table: ImportedTable, date: IsoDate): Version | undefined {
  let best: Version | undefined;
  for (const version of versions) {
    if (version.table !== table || date < version.from || date >= version.to) continue;
    if (best === undefined || version.from > best.from || (version.from === best.from && version.revision > best.revision)) best = version;
  }
  return best;
}
