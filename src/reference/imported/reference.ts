/**
 * The reference data of a run with a reference database: the MUE, PTP and ICD-10-CM header questions are answered
 * from the imported version in force on the date of service; every other question, and those for dates no imported
 * version covers, from the shipped tables.
 *
 * Rows are read lazily, per code and version, through prepared statements, and kept in this object's memo (a run
 * asks about a few hundred codes, each thousands of times). The object also remembers which versions answered and
 * which dates none covered, for the run's summary: "no data" is said, never taken for a pass.
 */
import type { IsoDate } from '../../encounter/model.js';
import { editInForce } from '../index.js';
import type {
  CodeListName,
  DiagnosisHeader,
  DiagnosisInfo,
  DrugInfo,
  MueInfo,
  ProcedureInfo,
  PtpEdit,
  ReferenceData,
  ReferenceVersion,
  SourceRef,
} from '../types.js';
import type { Statement } from 'better-sqlite3';
import { openForReading, ptpTable, readFiles, type FileRow, type ReferenceDb } from './database.js';
import { dayBefore, TABLE_TITLES, type ImportedTable } from './files.js';
import { groupVersions, versionInForce, type Version } from './versions.js';

/** What the run's summary says about the imported tables (exceptions.json `summary.referenceVersions`). */
export interface ReferenceVersionsSummary {
  database: string;
  tables: TableUsage[];
}

export interface TableUsage {
  table: ImportedTable;
  title: string;
  /** The versions that answered a question of this run, by period. */
  versions: {
    version: string;
    effectiveFrom: IsoDate;
    effectiveThrough: IsoDate;
    files: { file: string; sha256: string; rows: number }[];
  }[];
  /** Dates of service asked about that no imported version covers (answered by the shipped tables), or null. */
  uncovered: { dates: number; first: IsoDate; last: IsoDate; answeredBy: 'shipped tables' } | null;
}

const TABLES: readonly ImportedTable[] = ['mue', 'ptp', 'icd10cm'];

/** No edit for a pair: the shared empty answer. */
const NO_EDITS: readonly PtpEdit[] = Object.freeze([]);

/** ICD-10-CM codes as written with their dot (M5416 → M54.16). */
export function dotted(code: string): string {
  return code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

interface IcdEntry {
  header: boolean;
}

/** A code that is one character past the last ICD-10-CM code character: the upper bound of a prefix range. */
const AFTER_CODES = '~';

export class ImportedReference implements ReferenceData {
  readonly #db: ReferenceDb;
  readonly #base: ReferenceData;
  readonly #versions: Version[];
  readonly #inForce = new Map<ImportedTable, Map<IsoDate, Version | null>>(TABLES.map((table) => [table, new Map()]));
  /** Per table, the last date asked and its version: the lines of a session share their date. */
  readonly #last: Record<ImportedTable, { date: IsoDate | undefined; version: Version | undefined }> = {
    mue: { date: undefined, version: undefined },
    ptp: { date: undefined, version: undefined },
    icd10cm: { date: undefined, version: undefined },
  };
  readonly #used = new Map<ImportedTable, Set<Version>>(TABLES.map((table) => [table, new Set()]));
  readonly #uncovered = new Map<ImportedTable, Set<IsoDate>>(TABLES.map((table) => [table, new Set()]));
  readonly #mue = new Map<Version, Map<string, MueInfo | null>>();
  /** Per version, column 2, column 1: the pair's rows (a code can be column 2 of thousands of edits; a run asks about a few pairs). */
  readonly #ptp = new Map<Version, Map<string, Map<string, readonly PtpEdit[]>>>();
  readonly #icd = new Map<Version, Map<string, IcdEntry | null>>();
  readonly #children = new Map<Version, Map<string, string[]>>();
  readonly #diagnoses = new Map<Version, WeakMap<DiagnosisInfo, DiagnosisInfo>>();
  readonly #statements;
  readonly #ptpStatements = new Map<number, Statement>();
  readonly #fileSources = new Map<number, SourceRef[]>();
  /** The PTP rationales by id (a few dozen texts). */
  readonly #rationales: Map<number, string>;

  constructor(db: ReferenceDb, base: ReferenceData, readonly path: string) {
    this.#db = db;
    this.#base = base;
    this.#versions = groupVersions(readFiles(db));
    this.#rationales = new Map((db.prepare('SELECT id, text FROM ptp_rationale').raw(true).all() as [number, string][]).map(([id, text]) => [id, text]));
    this.#statements = {
      mue: db.prepare('SELECT value, mai FROM mue WHERE file_id = ? AND code = ?'),
      icd: db.prepare('SELECT header FROM icd10cm WHERE file_id = ? AND code = ?'),
      children: db.prepare('SELECT code FROM icd10cm WHERE file_id = ? AND code > ? AND code < ? AND header = 0 ORDER BY position'),
    };
  }

  /** Opens the database at `path` read-only over the shipped tables `base`. */
  static open(path: string, base: ReferenceData): ImportedReference {
    return new ImportedReference(openForReading(path), base, path);
  }

  close(): void {
    this.#db.close();
  }

  procedure(code: string, serviceDate: IsoDate): ProcedureInfo | undefined {
    return this.#base.procedure(code, serviceDate);
  }

  drug(code: string, serviceDate: IsoDate): DrugInfo | undefined {
    return this.#base.drug(code, serviceDate);
  }

  inList(list: CodeListName, code: string, serviceDate: IsoDate): boolean {
    return this.#base.inList(list, code, serviceDate);
  }

  versions(): ReferenceVersion[] {
    return this.#base.versions();
  }

  mue(code: string, serviceDate: IsoDate): MueInfo | undefined {
    const version = this.#version('mue', serviceDate);
    if (version === undefined) return this.#base.mue(code, serviceDate);
    let byCode = this.#mue.get(version);
    if (byCode === undefined) this.#mue.set(version, (byCode = new Map()));
    let info = byCode.get(code);
    if (info === undefined) {
      const file = version.files[0]!;
      const row = this.#statements.mue.get(file.id, code) as { value: number; mai: 1 | 2 | 3 } | undefined;
      info = row === undefined ? null : { value: row.value, adjudication: row.mai, source: { key: file.fileName, note: `${version.release}, imported` } };
      byCode.set(code, info);
    }
    return info ?? undefined;
  }

  ptpEdit(column1: string, column2: string, serviceDate: IsoDate): PtpEdit | undefined {
    const version = this.#version('ptp', serviceDate);
    if (version === undefined) return this.#base.ptpEdit(column1, column2, serviceDate);
    let byColumn2 = this.#ptp.get(version);
    if (byColumn2 === undefined) this.#ptp.set(version, (byColumn2 = new Map()));
    let byColumn1 = byColumn2.get(column2);
    if (byColumn1 === undefined) byColumn2.set(column2, (byColumn1 = new Map()));
    let rows = byColumn1.get(column1);
    if (rows === undefined) {
      rows = this.#readEdits(version, column1, column2);
      byColumn1.set(column1, rows);
    }
    return editInForce(rows, serviceDate);
  }

  header(code: string, serviceDate: IsoDate): DiagnosisHeader | undefined {
    const version = this.#version('icd10cm', serviceDate);
    if (version === undefined) return this.#base.header(code, serviceDate);
    const plain = code.includes('.') ? code.replace('.', '').toUpperCase() : code.toUpperCase();
    if (this.#icdEntry(version, plain)?.header !== true) return undefined;
    return { code: plain, display: dotted(plain), children: this.#childrenOf(version, plain) };
  }

  /**
   * The shipped table's entry (region, support class), with billable and children as the imported ICD-10-CM year
   * says, so that rules choosing a billable diagnosis agree with dx/header-code.
   */
  diagnosis(code: string, serviceDate: IsoDate): DiagnosisInfo | undefined {
    const info = this.#base.diagnosis(code, serviceDate);
    if (info === undefined) return undefined;
    const version = this.#version('icd10cm', serviceDate);
    if (version === undefined) return info;
    let merged = this.#diagnoses.get(version);
    if (merged === undefined) this.#diagnoses.set(version, (merged = new WeakMap()));
    let answer = merged.get(info);
    if (answer === undefined) {
      const entry = this.#icdEntry(version, info.code);
      if (entry === null || entry.header === !info.billable) answer = info;
      else if (entry.header) answer = Object.freeze({ ...info, billable: false, children: this.#childrenOf(version, info.code) });
      else {
        const billable: DiagnosisInfo = { ...info, billable: true };
        delete billable.children;
        answer = Object.freeze(billable);
      }
      merged.set(info, answer);
    }
    return answer;
  }

  /** The dates of service asked about, per table (a check worker's questions, replayed by the run's thread: mergeAsked). */
  asked(): [ImportedTable, IsoDate[]][] {
    return TABLES.map((table) => [table, [...this.#inForce.get(table)!.keys()]]);
  }

  /** Counts questions asked elsewhere (asked() of another instance over the same database) in usage(). */
  mergeAsked(asked: readonly (readonly [ImportedTable, readonly IsoDate[]])[]): void {
    for (const [table, dates] of asked) for (const date of dates) this.#version(table, date);
  }

  /** The versions and uncovered dates of the questions asked so far. */
  usage(): ReferenceVersionsSummary {
    const tables = TABLES.map((table): TableUsage => {
      const used = this.#versions.filter((version) => this.#used.get(table)!.has(version));
      const uncovered = [...this.#uncovered.get(table)!].sort();
      return {
        table,
        title: TABLE_TITLES[table],
        versions: used.map((version) => ({
          version: versionName(version),
          effectiveFrom: version.from,
          effectiveThrough: dayBefore(version.to),
          files: version.files.map((file) => ({ file: file.fileName, sha256: file.sha256, rows: file.rows })),
        })),
        uncovered: uncovered.length === 0 ? null : { dates: uncovered.length, first: uncovered[0]!, last: uncovered[uncovered.length - 1]!, answeredBy: 'shipped tables' },
      };
    });
    return { database: this.path, tables };
  }

  #version(table: ImportedTable, date: IsoDate): Version | undefined {
    const last = this.#last[table];
    if (last.date === date) return last.version;
    const byDate = this.#inForce.get(table)!;
    let version = byDate.get(date);
    if (version === undefined) {
      version = versionInForce(this.#versions, table, date) ?? null;
      byDate.set(date, version);
      if (version === null) this.#uncovered.get(table)!.add(date);
      else this.#used.get(table)!.add(version);
    }
    last.date = date;
    last.version = version ?? undefined;
    return last.version;
  }

  #readEdits(version: Version, column1: string, column2: string): readonly PtpEdit[] {
    let edits: PtpEdit[] | undefined;
    for (const file of version.files) {
      // The parts of a release split the column-1 codes by range: only the part that can hold the pair is asked.
      if (file.column1Low !== null && (column1 < file.column1Low || column1 > file.column1High!)) continue;
      const rows = this.#ptpStatement(file.id).all(column2, column1) as [effective: string, deletion: string | null, modifier: number, rationale: number][];
      for (const [effective, deletion, modifier, rationale] of rows) {
        // Indicator 9: the edit does not apply; a deletion on or before its effective date: never in force.
        if (modifier === 9 || (deletion !== null && deletion <= effective)) continue;
        (edits ??= []).push(
          Object.freeze({
            column1,
            column2,
            modifierIndicator: modifier as 0 | 1,
            rationale: this.#rationales.get(rationale) ?? '',
            effective: deletion === null ? { from: effective } : { from: effective, to: deletion },
            sources: this.#sourcesOf(version, file),
          }),
        );
      }
    }
    return edits ?? NO_EDITS;
  }

  /** One source list per file, shared by its edits. */
  #sourcesOf(version: Version, file: FileRow): SourceRef[] {
    let sources = this.#fileSources.get(file.id);
    if (sources === undefined) {
      sources = Object.freeze([Object.freeze({ key: file.fileName, note: `${versionName(version)}, imported` })]) as SourceRef[];
      this.#fileSources.set(file.id, sources);
    }
    return sources;
  }

  /** The pair question of one PTP file's table, prepared at its first use. */
  #ptpStatement(fileId: number): Statement {
    let statement = this.#ptpStatements.get(fileId);
    if (statement === undefined) {
      const table = ptpTable(fileId);
      statement = this.#db.prepare(`SELECT effective, deletion, modifier, rationale FROM ${table} WHERE column2 = ? AND column1 = ? ORDER BY line`).raw(true);
      this.#ptpStatements.set(fileId, statement);
    }
    return statement;
  }

  #icdEntry(version: Version, code: string): IcdEntry | null {
    let byCode = this.#icd.get(version);
    if (byCode === undefined) this.#icd.set(version, (byCode = new Map()));
    let entry = byCode.get(code);
    if (entry === undefined) {
      const row = this.#statements.icd.get(version.files[0]!.id, code) as { header: number } | undefined;
      entry = row === undefined ? null : { header: row.header === 1 };
      byCode.set(code, entry);
    }
    return entry;
  }

  #childrenOf(version: Version, code: string): string[] {
    let byCode = this.#children.get(version);
    if (byCode === undefined) this.#children.set(version, (byCode = new Map()));
    let children = byCode.get(code);
    if (children === undefined) {
      const rows = this.#statements.children.all(version.files[0]!.id, code, `${code}${AFTER_CODES}`) as { code: string }[];
      children = Object.freeze(rows.map((row) => dotted(row.code))) as string[];
      byCode.set(code, children);
    }
    return children;
  }
}

/** A version as listings and summaries name it: 'MUE 2026-10-01', 'PTP v32.3 r0', 'ICD-10-CM FY2027'. */
export function versionName(version: Pick<Version, 'table' | 'release' | 'revision'>): string {
  return version.table === 'ptp' ? `${version.release} r${version.revision}` : version.release;
}
