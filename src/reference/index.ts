/**
 * The reference data as one ready-to-query object. Tables are data modules in ./data; this file indexes them
 * in Maps (lookups run per line on gigabyte files), picks the entry whose effective window covers the date of
 * service, derives the procedure entries of the drug codes, and fills each category header's billable
 * children per date window.
 */
import type { IsoDate } from '../encounter/model.js';
import { CODE_LISTS, CODE_LISTS_VERSION } from './data/code-lists.js';
import { DIAGNOSES, DIAGNOSES_VERSION } from './data/diagnoses.js';
import { DRUGS, DRUGS_VERSION } from './data/drugs.js';
import { distinctPairsVersion } from './data/distinct-pairs.js';
import { PROCEDURES, PROCEDURES_VERSION } from './data/procedures.js';
import { ReferenceDataError } from './errors.js';
import type {
  CodeListName,
  DiagnosisInfo,
  DrugInfo,
  Effective,
  ProcedureInfo,
  ReferenceData,
  ReferenceVersion,
} from './types.js';

export type * from './types.js';
export { ReferenceDataError, type ReferenceDataErrorCode } from './errors.js';

/** Code-unit order: for ISO dates, the order of the days. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `date` falls in the half-open window [from, to). ISO dates compare as strings. */
export function isEffective(effective: Effective, date: IsoDate): boolean {
  return (effective.from === undefined || effective.from <= date) && (effective.to === undefined || date < effective.to);
}

interface DatedSlot<T> {
  always: T | undefined;
  list: T[];
}

/** Entries of one table by code; several entries for a code have disjoint windows. */
class DatedIndex<T extends { code: string; effective: Effective }> {
  readonly #byCode = new Map<string, T[]>();
  /**
   * What get() reads: per code, its entries and, when it has one entry effective on every date (most codes), that
   * entry, returned without comparing dates (the rules ask ~30 times per claim).
   */
  readonly #slots = new Map<string, DatedSlot<T>>();

  constructor(readonly table: string, entries: Iterable<T>) {
    for (const entry of entries) {
      const list = this.#byCode.get(entry.code);
      if (list) list.push(entry);
      else this.#byCode.set(entry.code, [entry]);
    }
    for (const [code, list] of this.#byCode) {
      // ISO dates order as plain strings (a locale collation would load ICU's collator for nothing).
      list.sort((a, b) => compareStrings(a.effective.from ?? '', b.effective.from ?? ''));
      for (const entry of list) {
        const { from, to } = entry.effective;
        if (from !== undefined && to !== undefined && from >= to) {
          throw new ReferenceDataError('REF_EMPTY_WINDOW', `reference table ${table}: ${code} has an empty effective window ${from}..${to}`);
        }
      }
      for (let i = 1; i < list.length; i++) {
        const previousTo = list[i - 1]!.effective.to;
        const from = list[i]!.effective.from;
        if (previousTo === undefined || from === undefined || from < previousTo) {
          throw new ReferenceDataError('REF_OVERLAPPING_WINDOWS', `reference table ${table}: ${code} has overlapping effective windows`);
        }
      }
      const only = list.length === 1 ? list[0]! : undefined;
      const always = only !== undefined && only.effective.from === undefined && only.effective.to === undefined ? only : undefined;
      this.#slots.set(code, { always, list });
    }
  }

  get(code: string, date: IsoDate): T | undefined {
    const slot = this.#slots.get(code);
    if (slot === undefined) return undefined;
    if (slot.always !== undefined) return slot.always;
    const list = slot.list;
    for (let i = 0; i < list.length; i++) if (isEffective(list[i]!.effective, date)) return list[i];
    return undefined;
  }

  /** Every entry of the table (all windows), for tests and listings. */
  *all(): IterableIterator<T> {
    for (const list of this.#byCode.values()) yield* list;
  }
}

const CODE_SHAPE = /^[0-9A-Z]{5}$/;

/** A code list member's windows when one of them is open at both ends: a member on every date. */
const ALWAYS: Effective[] = [{}];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Drug codes get a procedure entry too, so that every code on a line has one family. */
function drugProcedure(drug: DrugInfo): ProcedureInfo {
  return {
    code: drug.code,
    family: drug.localAnesthetic ? 'local-anesthetic' : 'drug',
    region: 'none',
    role: 'none',
    includesImaging: false,
    description: drug.description,
    effective: drug.effective,
    sources: drug.sources,
  };
}

/**
 * Splits each header's window at the dates its billable children change, and lists those children
 * (display form, in table order) on each piece.
 */
function withHeaderChildren(rows: readonly Omit<DiagnosisInfo, 'children'>[]): DiagnosisInfo[] {
  const leaves = rows.filter((row) => row.billable);
  const out: DiagnosisInfo[] = [];
  for (const row of rows) {
    if (row.billable) {
      out.push({ ...row });
      continue;
    }
    const descendants = leaves.filter((leaf) => leaf.code.length > row.code.length && leaf.code.startsWith(row.code));
    const from = row.effective.from;
    const to = row.effective.to;
    const cuts = new Set<string>();
    for (const leaf of descendants) {
      for (const date of [leaf.effective.from, leaf.effective.to]) {
        if (date !== undefined && (from === undefined || date > from) && (to === undefined || date < to)) cuts.add(date);
      }
    }
    const bounds = [from, ...[...cuts].sort(), to];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const start = bounds[i];
      const end = bounds[i + 1];
      const probe = start ?? '0000-01-01';
      const children = descendants.filter((leaf) => isEffective(leaf.effective, probe)).map((leaf) => leaf.display);
      const effective: Effective = {};
      if (start !== undefined) effective.from = start;
      if (end !== undefined) effective.to = end;
      out.push({ ...row, effective, children });
    }
  }
  return out;
}

function checkSources(table: string, entries: Iterable<{ code: string; sources: readonly unknown[] }>): void {
  for (const entry of entries) {
    if (entry.sources.length === 0) throw new ReferenceDataError('REF_NO_SOURCE', `reference table ${table}: ${entry.code} has no source`);
  }
}

/**
 * `code.includes('.') || code !== code.toUpperCase()` without making the upper-case copy (asked for every diagnosis
 * the table does not know): a '.' or a character that upper-casing changes (a lower-case ASCII letter, or anything
 * outside ASCII, which is left to toUpperCase).
 */
function mayBeWrittenOtherwise(code: string): boolean {
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 46 /* . */ || (c >= 97 && c <= 122) || c > 127) return c > 127 ? code !== code.toUpperCase() || code.includes('.') : true;
  }
  return false;
}

/** Builds the reference data from the tables in ./data. Throws ReferenceDataError when a table is inconsistent (a bug, not input). */
export function loadReference(): ReferenceData {
  const drugs = new DatedIndex('hcpcs-drugs', DRUGS.map((drug) => deepFreeze({ ...drug })));
  const procedures = new DatedIndex(
    'procedures',
    [...PROCEDURES, ...DRUGS.map(drugProcedure)].map((entry) => deepFreeze({ ...entry })),
  );
  const diagnoses = new DatedIndex('icd10cm-spine', withHeaderChildren(DIAGNOSES).map(deepFreeze));
  for (const entry of procedures.all()) {
    if (!CODE_SHAPE.test(entry.code)) throw new ReferenceDataError('REF_BAD_CODE', `reference table procedures: bad code ${entry.code}`);
  }
  checkSources('procedures', procedures.all());
  checkSources('hcpcs-drugs', drugs.all());
  checkSources('icd10cm-spine', diagnoses.all());

  // Per list, per code: its windows, or ALWAYS when one of them is open at both ends.
  const lists = new Map<CodeListName, Map<string, Effective[]>>();
  for (const list of CODE_LISTS) {
    const members = new Map<string, Effective[]>();
    for (const member of list.members) {
      if (member.sources.length === 0) throw new ReferenceDataError('REF_NO_SOURCE', `code list ${list.name}: ${member.code} has no source`);
      const windows = members.get(member.code);
      if (windows === ALWAYS) continue;
      if (member.effective.from === undefined && member.effective.to === undefined) members.set(member.code, ALWAYS);
      else if (windows) windows.push(member.effective);
      else members.set(member.code, [member.effective]);
    }
    lists.set(list.name, members);
  }

  // The distinct-procedure pairs are read by the rules directly (rules/common/distinct.ts); the run names their version too.
  const versions: ReferenceVersion[] = [PROCEDURES_VERSION, DIAGNOSES_VERSION, DRUGS_VERSION, CODE_LISTS_VERSION, distinctPairsVersion].map(
    (version) => deepFreeze({ ...version, sources: [...version.sources] }),
  );

  return {
    procedure: (code, serviceDate) => procedures.get(code, serviceDate),
    diagnosis(code, serviceDate) {
      const direct = diagnoses.get(code, serviceDate);
      if (direct !== undefined || !mayBeWrittenOtherwise(code)) return direct;
      return diagnoses.get(code.replace('.', '').toUpperCase(), serviceDate);
    },
    drug: (code, serviceDate) => drugs.get(code, serviceDate),
    inList(list, code, serviceDate) {
      const windows = lists.get(list)?.get(code);
      if (windows === undefined) return false;
      if (windows === ALWAYS) return true;
      for (let i = 0; i < windows.length; i++) if (isEffective(windows[i]!, serviceDate)) return true;
      return false;
    },
    versions: () => versions,
  };
}

/** A ready instance of the built-in tables. */
export const defaultReference: ReferenceData = loadReference();
