/**
 * One run's history: the claims of the run (ready and held, in input order) and the prior claims of the patients it
 * has met, held in one ClaimTable, over a store that loads a patient's prior claims once and records each file.
 *
 * - A claim sees the history as it stood before the run plus the claims before it in the run: the view answers from
 *   memory, and claims the run records are never loaded again (the store's loads stop at the run's start).
 * - A held claim counts as a pending service until a claim with the same key (billing NPI, claim id) supersedes it.
 * - A replacement (7) or void (8) supersedes: the live claims with its key; else those with its payer claim number;
 *   else the latest claim of the same billing provider and patient sharing a date and procedure with it. It never
 *   sees what it supersedes. One with nothing to supersede waits for its original (which then arrives superseded).
 * - Re-runs: the store leaves out the rows of this run's own input files; the run's reading of them counts instead.
 * - Memory: past the budget (the table's bytes, or the patients held) the run writes what it holds — a file's claims
 *   so far into the file's still open transaction — and lets go; it reads them back from the store as needed.
 */
import type { Claim, IsoDate, Region } from '../encounter/model.js';
import { patientKeyOf, type AskingClaim, type HistoryFamily, type HistoryView, type PatientKey, type PriorLine, type PriorSession } from '../encounter/history-view.js';
import { ClaimTable, isLive, toHistoryClaim, type ClaimStatus } from './claims.js';
import { HistoryError } from './errors.js';
import { identityOf, identityString, type PatientIdentity } from './identity.js';
import type { ClaimToRecord, FileIdentity, FileWriter, HistoryStore, MaybePromise, PrepareKey, PriorClaim, RecordResult } from './store.js';

/** Memory for the claims a run holds (ClaimTable's arrays); past it the run writes what it holds and lets go. */
export const MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;
/** Patients a run holds: their keys and identities live in the run's capped heap (docs/performance.md, History). */
export const PATIENTS_HELD = 200_000;
/** A member id that normalizing leaves as it is (identity.ts). */
const PLAIN_MEMBER_ID = /^[A-Z0-9]+$/;

export interface RunOptions {
  /** Record each file's claims when it is committed (false: `--no-record`, keep them for the rest of the run). */
  record: boolean;
  /** Hashes of every input of the run (their rows in the store are left out: the run reads them again). */
  inputHashes?: readonly string[];
  /** Memory for the claims held (default MEMORY_BUDGET_BYTES). */
  memoryBudgetBytes?: number;
  /** Patients held (default PATIENTS_HELD). */
  patientsHeld?: number;
}

export interface FileRecorder {
  /** A checked claim (normalized) and its fate; later claims of the run see it at once. */
  add(claim: Claim, fate: 'ready' | 'held'): void;
  /** End of the file: record its claims in one transaction (unless `--no-record`); a promise when the store's writes are asynchronous. */
  commit(): MaybePromise<RecordResult>;
  /**
   * End of the file when another thread records it (check workers, pipeline/check-pool.ts): what commit would
   * record, in the order the claims were added; recorded() then takes the rows the store gave them.
   */
  toRecord(): Iterable<ClaimToRecord>;
  /** The rows the store gave the claims of toRecord(), in order; closes the file. */
  recorded(rows: readonly number[]): void;
  /** The file failed: forget its claims and what they superseded. */
  discard(): void;
  /** Rows of recorded claims the claim added last superseded (what other check workers must know of it). */
  supersededByLast(): number[];
  /**
   * Rows of recorded claims a claim of another check worker superseded, in input order before this worker's next
   * claim: a loaded one is superseded, one not loaded arrives superseded (undone with the file on discard).
   */
  supersedeRows(rows: readonly number[]): void;
}

/** A line of an answer: its claim and its position in the table. */
interface Found {
  claim: number;
  at: number;
  serviceDate: IsoDate;
  /** The claim's row in the store (-1: a claim of the run not recorded yet). */
  row: number;
}

interface FileState {
  name: string;
  /** The file's number, and where its claims start in the table (they are the claims of its number from there). */
  number: number;
  first: number;
  /** Claims added. */
  count: number;
  /** Statuses this file's claims changed: [claim, status before], to undo on discard. */
  changes: [number, ClaimStatus][];
  /** Rows of claims not loaded (other patients) this file's claims superseded. */
  rows: number[];
  done: boolean;
  /** The file's recording in parts, once the run has written some of its claims to let go of them (null: it cannot). */
  writer?: FileWriter | null;
}

export class RunHistory {
  readonly view: HistoryView;
  private table = new ClaimTable();
  private readonly patients = new Map<string, number>();
  private identities: PatientIdentity[] = [];
  /** A member patient and the name-only patient it took over (-1: none): each answer holds the other's run claims. */
  private partners: number[] = [];
  /** File numbers: names, and whether the file is one of this run's. */
  private readonly fileNames: string[] = [];
  private readonly runFile: boolean[] = [];
  private readonly priorFiles = new Map<string, number>();
  private readonly fileStates: FileState[] = [];
  /** Loaded and recorded claims by their row in the store. */
  private readonly rowClaims = new Map<number, number>();
  /** Rows the run superseded without loading them. */
  private readonly supersededRows = new Set<number>();
  /** Per claim of the run: what it superseded (claim indices, rows not loaded), settled, and whether it waits. */
  private readonly effects = new Map<number, { targets: number[]; rows: number[]; settles: number[] }>();
  private readonly awaiting = new Set<number>();
  private version = 0;
  /** What the last asking claim's answers leave out, and their sessions per family and region (until the next claim is added). */
  private last: { patient: number; asking: AskingClaim | undefined; version: number; excluded: readonly number[]; sessions: Map<string, PriorSession[]> } | undefined;

  constructor(
    private readonly store: HistoryStore,
    private readonly options: RunOptions,
  ) {
    store.beginRun(options.inputHashes ?? []);
    this.view = {
      available: true,
      sessions: (patient, family, region, from, to, asking) => {
        const all = this.sessionsOf(patient, asking, family, region);
        let qualifying = 0;
        for (const session of all) if (session.serviceDate >= from && session.serviceDate <= to) qualifying++;
        return qualifying === all.length ? all : all.filter((session) => session.serviceDate >= from && session.serviceDate <= to);
      },
      linesOn: (patient, serviceDate, asking) => this.linesOf(patient, asking, serviceDate, serviceDate, undefined),
      linesBetween: (patient, from, to, asking, family) => this.linesOf(patient, asking, from, to, family),
    };
  }

  /** Bytes of the claims held in memory. */
  get bytesHeld(): number {
    return this.table.bytes;
  }

  /** Patients held in memory. */
  get patientsHeld(): number {
    return this.identities.length;
  }

  file(file: FileIdentity): FileRecorder {
    const fileNumber = this.fileNames.length;
    this.fileNames.push(file.name);
    this.runFile.push(true);
    const state: FileState = { name: file.name, number: fileNumber, first: this.table.size, count: 0, changes: [], rows: [], done: false };
    this.fileStates[fileNumber] = state;
    const open = () => {
      if (state.done) throw new HistoryError('HIST_FILE_CLOSED', `history: file ${file.name} was already committed or discarded`);
    };
    return {
      add: (claim, fate) => {
        open();
        this.add(fileNumber, state, claim, fate);
        if (this.overBudget() && this.options.record && this.onlyOpen(state)) this.writePart(file, state);
      },
      commit: () => {
        open();
        state.done = true;
        if (!this.options.record) return { ...notRecorded(file), claims: state.count };
        if (state.writer === undefined || state.writer === null) {
          const recorded = this.store.recordFile(file, this.toRecord(state));
          // A store on a server records asynchronously (it has read the claims to record before it returns).
          return recorded instanceof Promise ? recorded.then((result) => this.recorded(state, result)) : this.recorded(state, recorded);
        }
        try {
          this.setRows(state, state.writer.write(this.toRecord(state)));
        } catch (error) {
          state.writer.rollback();
          throw error;
        }
        return this.afterRecording(state, state.writer.commit());
      },
      toRecord: () => {
        open();
        return this.toRecord(state);
      },
      recorded: (rows) => {
        open();
        state.done = true;
        this.setRows(state, rows);
      },
      supersededByLast: () => {
        const last = this.table.size - 1;
        const effect = this.effects.get(last);
        if (effect === undefined || last < state.first) return [];
        const rows = [...effect.rows];
        for (const target of effect.targets) if (this.table.row(target) >= 0) rows.push(this.table.row(target));
        return rows;
      },
      supersedeRows: (rows) => {
        open();
        for (const row of rows) {
          const loaded = this.rowClaims.get(row);
          if (loaded !== undefined) {
            const status = this.table.status(loaded);
            if (!isLive(status)) continue;
            state.changes.push([loaded, status]);
            this.table.setStatus(loaded, 'superseded');
          } else if (!this.supersededRows.has(row)) {
            this.supersededRows.add(row);
            state.rows.push(row);
          }
        }
        if (rows.length > 0) this.version++;
      },
      discard: () => {
        open();
        state.done = true;
        if (state.writer !== undefined && state.writer !== null) {
          // Claims written in parts are undone in the store; what the run loaded since may hold them: start afresh.
          state.writer.rollback();
          this.letGo();
          return;
        }
        for (const claim of this.claimsOfFile(state)) {
          this.table.setStatus(claim, 'superseded');
          this.awaiting.delete(claim);
        }
        for (const [claim, status] of state.changes.reverse()) this.table.setStatus(claim, status);
        for (const row of state.rows) this.supersededRows.delete(row);
        this.version++;
      },
    };
  }

  /** A file recorded whole: its claims' rows, then what the memory budget asks. */
  private recorded(state: FileState, result: RecordResult): RecordResult {
    this.setRows(state, result.rows);
    return this.afterRecording(state, result);
  }

  /** Past the memory budget, once no other file is open, the run lets go of what it has recorded. */
  private afterRecording(state: FileState, result: RecordResult): RecordResult {
    if (this.overBudget() && this.onlyOpen(state)) this.letGo();
    return result;
  }

  private overBudget(): boolean {
    return this.table.bytes > (this.options.memoryBudgetBytes ?? MEMORY_BUDGET_BYTES) || this.identities.length > (this.options.patientsHeld ?? PATIENTS_HELD);
  }

  /** The claims a file added, in order. */
  private *claimsOfFile(state: FileState): Generator<number> {
    for (let claim = state.first; claim < this.table.size; claim++) if (this.table.file(claim) === state.number) yield claim;
  }

  /** True when no file but this one is open (files are added one at a time when the history is recorded). */
  private onlyOpen(state: FileState): boolean {
    return this.fileStates.every((other) => other === undefined || other === state || other.done);
  }

  /** Rows the store gave a file's claims (loads and look-ups never return the run's own: they stop at its start). */
  private setRows(state: FileState, rows: readonly number[]): void {
    let i = 0;
    for (const claim of this.claimsOfFile(state)) this.table.setRow(claim, rows[i++]!);
  }

  /**
   * A file past the memory budget: its claims so far are written to the store (in the file's one transaction, which
   * stays open) and the run lets go of them; later claims read them back like any recorded claim. A store that
   * records files only whole, or a file recorded before (nothing is written), keeps them held.
   */
  private writePart(file: FileIdentity, state: FileState): void {
    if (state.writer === null) return;
    if (state.writer === undefined) {
      state.writer = this.store.openFile?.(file) ?? null;
      if (state.writer === null) return;
    }
    state.writer.write(this.toRecord(state));
    state.changes = [];
    state.rows = [];
    this.letGo();
    state.first = 0;
    this.fileStates[state.number] = state;
  }

  /**
   * Drops every claim held: what the run recorded is in the store, and the store's loads now reach it (and the
   * earlier recordings of this run's inputs, whose own reading the run lets go of too). A check worker is told when
   * to: its run's thread records the files and keeps the memory budget across the workers.
   */
  letGo(): void {
    this.table = new ClaimTable();
    this.patients.clear();
    this.identities = [];
    this.partners = [];
    this.rowClaims.clear();
    this.supersededRows.clear();
    this.effects.clear();
    this.awaiting.clear();
    this.fileStates.length = 0;
    this.lastKey = undefined;
    this.last = undefined;
    this.version++;
    this.store.beginRun([]);
  }

  private *toRecord(state: FileState): Generator<ClaimToRecord> {
    for (const index of this.claimsOfFile(state)) {
      const effect = this.effects.get(index);
      const supersedes: number[] = [];
      const settles: number[] = [];
      let supersededInFile = 0;
      if (effect !== undefined) {
        for (const target of effect.targets) {
          if (this.table.row(target) >= 0) supersedes.push(this.table.row(target));
          else supersededInFile++;
        }
        supersedes.push(...effect.rows);
        for (const waiting of effect.settles) if (this.table.row(waiting) >= 0) settles.push(this.table.row(waiting));
      }
      const patient = this.table.patient(index);
      const identity = patient < 0 ? null : this.identities[patient]!;
      const seen = identity === null ? null : (this.store.seenVersions?.(identity) ?? null);
      yield { claim: this.table.claim(index), identity, awaiting: this.awaiting.has(index), supersedes, supersededInFile, settles, seen };
    }
  }

  private add(fileNumber: number, state: FileState, claim: Claim, fate: 'ready' | 'held'): void {
    const record = toHistoryClaim(claim, fate);
    const patient = this.patientOfKey(patientKeyOf(claim));
    const effect = { targets: [] as number[], rows: [] as number[], settles: [] as number[] };
    const { billingNpi, claimId } = record;
    if (record.frequency === '7' || record.frequency === '8') {
      const asking = { claimId, billingNpi, frequencyCode: record.frequency, payerClaimNumber: record.payerClaimNumber ?? undefined, lines: claim.lines };
      const { claims, rows } = this.supersededBy(patient, asking);
      effect.targets.push(...claims);
      effect.rows.push(...rows);
    } else {
      // A corrected claim supersedes the held version of it; an original a waiting 7/8 named arrives superseded.
      for (const other of this.claimsOf(patient, false)) {
        if (!this.table.hasKey(other, billingNpi, claimId)) continue;
        if (this.table.status(other) === 'held') effect.targets.push(other);
        else if (this.awaiting.has(other)) effect.settles.push(other);
      }
      if (this.store.holdsPending) {
        for (const prior of this.store.findClaims(billingNpi, claimId, null)) {
          if (prior.claimId !== claimId || this.supersededRows.has(prior.row)) continue;
          const loaded = this.rowClaims.get(prior.row);
          if (prior.awaiting && (prior.frequency === '7' || prior.frequency === '8')) {
            const waiting = loaded ?? this.rememberRow(prior);
            if (!effect.settles.includes(waiting)) effect.settles.push(waiting);
          } else if (prior.status === 'held') {
            if (loaded === undefined) effect.rows.push(prior.row);
            else if (this.table.status(loaded) === 'held' && !effect.targets.includes(loaded)) effect.targets.push(loaded);
          }
        }
      }
    }
    if (effect.settles.length > 0) record.status = 'superseded';
    const index = this.table.add(record, patient, fileNumber, -1);
    state.count++;
    for (const target of effect.targets) {
      state.changes.push([target, this.table.status(target)]);
      this.table.setStatus(target, 'superseded');
    }
    for (const waiting of effect.settles) this.awaiting.delete(waiting);
    for (const row of effect.rows) {
      this.supersededRows.add(row);
      state.rows.push(row);
    }
    if ((record.frequency === '7' || record.frequency === '8') && effect.targets.length + effect.rows.length === 0) this.awaiting.add(index);
    if (effect.targets.length + effect.rows.length + effect.settles.length > 0) this.effects.set(index, effect);
    this.version++;
  }

  /** A prior claim found by key (a waiting 7/8 of another patient): held in the table so its row can be settled. */
  private rememberRow(prior: PriorClaim): number {
    const index = this.table.add({ ...prior, status: 'void' }, -1, this.priorFile(prior.file), prior.row);
    this.rowClaims.set(prior.row, index);
    return index;
  }

  /**
   * What a replacement or void supersedes: claims in the table (of its patient, or loaded) and rows of claims not
   * loaded: by key; else by payer claim number; else the latest claim of its patient, billing NPI, date and procedure.
   */
  private supersededBy(patient: number, asking: AskingClaim): { claims: number[]; rows: number[] } {
    const billingNpi = asking.billingNpi ?? '';
    const claims: number[] = [];
    const rows: number[] = [];
    for (const other of this.claimsOf(patient, true)) if (this.table.hasKey(other, billingNpi, asking.claimId)) claims.push(other);
    const number = asking.payerClaimNumber ?? null;
    if (claims.length === 0 && number !== null) {
      for (const other of this.claimsOf(patient, true)) {
        if (this.table.billingNpi(other) === billingNpi && this.table.payerClaimNumber(other) === number) claims.push(other);
      }
    }
    if (claims.length === 0) {
      for (const prior of this.store.findClaims(billingNpi, asking.claimId, number)) {
        if (!isLive(prior.status) || this.supersededRows.has(prior.row)) continue;
        const loaded = this.rowClaims.get(prior.row);
        if (loaded === undefined) rows.push(prior.row);
        else if (isLive(this.table.status(loaded)) && !claims.includes(loaded)) claims.push(loaded);
      }
    }
    if (claims.length > 0 || rows.length > 0) return { claims, rows };
    const services = new Set(asking.lines.map((line) => `${line.serviceDate}|${line.procedure}`));
    for (const other of this.claimsOf(patient, true)) {
      if (this.table.billingNpi(other) !== billingNpi) continue;
      for (let seq = 0; seq < this.table.lineCount(other); seq++) {
        if (services.has(`${this.table.lineDateOf(other, seq)}|${this.table.lineProcedureOf(other, seq)}`)) return { claims: [other], rows };
      }
    }
    return { claims, rows };
  }

  /** The live claims of a patient (and its partner's run claims), newest first; `live: false` gives every claim. */
  private *claimsOf(patient: number, live: boolean): Generator<number> {
    if (patient < 0) return;
    for (const claim of this.table.claimsOf(patient)) if (!live || isLive(this.table.status(claim))) yield claim;
    const partner = this.partners[patient]!;
    if (partner < 0) return;
    for (const claim of this.table.claimsOf(partner)) {
      if (this.runFile[this.table.file(claim)] === true && (!live || isLive(this.table.status(claim)))) yield claim;
    }
  }

  /** The patient number of a key: the last one asked is kept (the rules of a claim ask about its patient many times). */
  private patientOfKey(key: PatientKey): number {
    const last = this.lastKey;
    if (
      last !== undefined && last.memberId === key.memberId && last.lastName === key.lastName && last.firstName === key.firstName &&
      last.dateOfBirth === key.dateOfBirth && last.dependent === key.dependent
    ) {
      return this.lastPatient;
    }
    // A subscriber whose member id needs no normalizing is found by it, without normalizing or hashing names.
    const plain = key.memberId !== undefined && key.dependent !== true && PLAIN_MEMBER_ID.test(key.memberId);
    const patient = (plain ? this.patients.get(`m:${key.memberId!}|`) : undefined) ?? this.patientOf(identityOf(key));
    this.lastPatient = patient;
    this.lastKey = key;
    return patient;
  }

  private lastKey: PatientKey | undefined;
  private lastPatient = -1;

  /** The patient number of an identity (-1: no identity at all); a patient met the first time has its prior claims loaded. */
  private patientOf(identity: PatientIdentity): number {
    const key = identityString(identity);
    if (key === null) return -1;
    let patient = this.patients.get(key);
    if (patient !== undefined) return patient;
    patient = this.identities.length;
    // Copies: the identity's strings may be slices of an input chunk, which a kept slice would keep alive.
    this.patients.set(copy(key), patient);
    this.identities.push({
      memberId: identity.memberId === null ? null : copy(identity.memberId),
      dependentKey: identity.dependentKey === '' ? '' : copy(identity.dependentKey),
      nameKey: identity.nameKey === null ? null : copy(identity.nameKey),
    });
    this.partners.push(-1);
    if (identity.memberId !== null && identity.nameKey !== null) {
      const named = this.patients.get(`n:${identity.nameKey}`);
      if (named !== undefined && this.partners[named] === -1) {
        this.partners[patient] = named;
        this.partners[named] = patient;
      }
    }
    for (const prior of this.store.loadPatient(identity)) {
      if (this.rowClaims.has(prior.row)) continue;
      const index = this.table.add(this.supersededRows.has(prior.row) ? { ...prior, status: 'superseded' } : prior, patient, this.priorFile(prior.file), prior.row);
      this.rowClaims.set(prior.row, index);
    }
    return patient;
  }

  private priorFile(name: string): number {
    let file = this.priorFiles.get(name);
    if (file === undefined) {
      file = this.fileNames.length;
      this.fileNames.push(name);
      this.runFile.push(false);
      this.priorFiles.set(name, file);
    }
    return file;
  }

  /**
   * The answer state of an asking claim: the claims its answers leave out (itself by key; what a replacement or void
   * supersedes). Kept until the next claim is added (the rules of a claim ask many times).
   */
  private answerState(patient: number, asking: AskingClaim | undefined): NonNullable<RunHistory['last']> {
    const last = this.last;
    if (last !== undefined && last.patient === patient && last.asking === asking && last.version === this.version) return last;
    let excluded: number[] = [];
    if (asking !== undefined) {
      const billingNpi = asking.billingNpi ?? '';
      for (const claim of this.claimsOf(patient, true)) if (this.table.hasKey(claim, billingNpi, asking.claimId)) excluded.push(claim);
      if (asking.frequencyCode === '7' || asking.frequencyCode === '8') excluded = excluded.concat(this.supersededBy(patient, asking).claims);
    }
    this.last = { patient, asking, version: this.version, excluded, sessions: new Map() };
    return this.last;
  }

  /**
   * The live lines of a patient's other claims dated in [from, to] (of a family and region when given), in answer
   * order: claims in the store (loaded, or recorded earlier in the run) by (date, row, line), then the run's others in
   * arrival order. Only the table's numbers are read until a line qualifies.
   */
  private find(patient: number, excluded: readonly number[], from: IsoDate, to: IsoDate, family: HistoryFamily | undefined, region: Region | undefined): Found[] {
    const found: Found[] = [];
    if (patient < 0) return found;
    const table = this.table;
    const partner = this.partners[patient]!;
    for (let pass = 0; pass < 2; pass++) {
      const owner = pass === 0 ? patient : partner;
      for (let claim = table.newest(owner); claim >= 0; claim = table.older(claim)) {
        // The partner's claims count only when they are the run's.
        if (!table.live(claim) || (pass === 1 && this.runFile[table.file(claim)] !== true) || excluded.includes(claim)) continue;
        const start = table.lineStart(claim);
        const end = start + table.lineCount(claim);
        for (let at = start; at < end; at++) {
          const serviceDate = table.lineDateAt(at);
          if (serviceDate < from || serviceDate > to) continue;
          if ((family !== undefined && table.familyAt(at) !== family) || (region !== undefined && table.regionAt(at) !== region)) continue;
          found.push({ claim, at, serviceDate, row: table.row(claim) });
        }
      }
    }
    if (found.length > 1) found.sort(answerOrder);
    return found;
  }

  /** The prior lines of linesOn / linesBetween (new objects: a caller's copy is its own). */
  private linesOf(key: PatientKey, asking: AskingClaim | undefined, from: IsoDate, to: IsoDate, family: HistoryFamily | undefined): PriorLine[] {
    const patient = this.patientOfKey(key);
    const found = this.find(patient, this.answerState(patient, asking).excluded, from, to, family, undefined);
    const lines: PriorLine[] = [];
    for (const { claim, at } of found) {
      const line = this.table.lineAt(at);
      const prior: PriorLine = {
        file: this.fileNames[this.table.file(claim)]!,
        claimId: this.table.claimId(claim),
        serviceDate: line.serviceDate,
        procedure: line.procedure,
        modifiers: line.modifiers as string[],
        sides: sidesOf(line.sides),
        lineNumber: line.lineNumber,
        units: line.units,
        family: line.family,
        region: line.region,
        role: line.role,
        billingNpi: this.table.billingNpi(claim),
      };
      if (line.renderingNpi !== null) prior.renderingNpi = line.renderingNpi;
      if (this.table.status(claim) === 'held') prior.pending = true;
      lines.push(prior);
    }
    return lines;
  }

  /** The sessions of a family and region (every date): one per claim and date, in (date, file, claim id) order. */
  private sessionsOf(key: PatientKey, asking: AskingClaim | undefined, family: HistoryFamily, region: Region): PriorSession[] {
    const patient = this.patientOfKey(key);
    const state = this.answerState(patient, asking);
    const slot = `${family}|${region}`;
    let sessions = state.sessions.get(slot);
    if (sessions !== undefined) return sessions;
    // A session's lines are together in answer order: a stored claim's of a date are adjacent (date, row order); the
    // run's claims are in arrival order, so a session of one is among that claim's last sessions.
    const list: { session: PriorSession; claim: number; sides: number }[] = [];
    const table = this.table;
    for (const { claim, at, serviceDate } of this.find(patient, state.excluded, EVER, NEVER, family, region)) {
      let entry: (typeof list)[number] | undefined;
      for (let i = list.length - 1; i >= 0 && list[i]!.claim === claim; i--) {
        if (list[i]!.session.serviceDate === serviceDate) {
          entry = list[i];
          break;
        }
      }
      if (entry === undefined) {
        const session: PriorSession = {
          file: this.fileNames[table.file(claim)]!, claimId: table.claimId(claim), serviceDate, family, region, codes: [], sides: [], sideUnknown: false, kx: false,
        };
        const renderingNpi = table.renderingNpiAt(at);
        if (renderingNpi !== null) session.renderingNpi = renderingNpi;
        if (table.status(claim) === 'held') session.pending = true;
        entry = { session, claim, sides: 0 };
        list.push(entry);
      }
      const { session } = entry;
      const procedure = table.procedureAt(at);
      if (!session.codes.includes(procedure)) session.codes.push(procedure);
      const sides = table.sidesAt(at);
      entry.sides |= sides;
      if (sides === 0) session.sideUnknown = true;
      if (table.kxAt(at)) session.kx = true;
    }
    sessions = list.map(({ session, sides }) => {
      session.sides = sidesOf(sides);
      return session;
    });
    sessions.sort((a, b) => (a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0));
    state.sessions.set(slot, sessions);
    return sessions;
  }
}

/** Bounds that hold every date. */
const EVER = '';
const NEVER = '\uffff';

/** Claims in the store first, by (date, row, line); then the run's others by (claim, line), their arrival order. */
function answerOrder(a: Found, b: Found): number {
  if ((a.row >= 0) !== (b.row >= 0)) return a.row >= 0 ? -1 : 1;
  if (a.row >= 0) {
    if (a.serviceDate !== b.serviceDate) return a.serviceDate < b.serviceDate ? -1 : 1;
    if (a.row !== b.row) return a.row - b.row;
    return a.at - b.at;
  }
  return a.claim !== b.claim ? a.claim - b.claim : a.at - b.at;
}

function copy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function sidesOf(bits: number): ('left' | 'right')[] {
  return bits === 3 ? ['left', 'right'] : bits === 1 ? ['left'] : bits === 2 ? ['right'] : [];
}

function notRecorded(file: FileIdentity): RecordResult {
  return { file: file.name, hash: file.hash, status: 'not-recorded', claims: 0, lines: 0, replaced: 0, voided: 0, awaitingOriginal: 0, lateOriginals: 0, rows: [] };
}

/** Records one file of prior claims (`history add`, `--prior`): every claim as released, in file order. */
export async function ingestClaims(store: HistoryStore, file: FileIdentity, claims: AsyncIterable<Claim> | Iterable<Claim>): Promise<RecordResult> {
  const existing = await store.findFile(file.hash);
  if (existing !== undefined) return { ...notRecorded(file), status: 'already-ingested', claims: existing.claims, lines: existing.lines };
  const recorder = new RunHistory(store, { record: true }).file(file);
  for await (const claim of claims) {
    const preparing = store.prepare?.(patientKeyOf(claim), prepareKeyOf(claim));
    if (preparing !== undefined) await preparing;
    recorder.add(claim, 'ready');
  }
  return recorder.commit();
}

/** The key a claim's look-ups use (a store that reads ahead reads the claims of this key). */
export function prepareKeyOf(claim: Pick<Claim, 'billingNpi' | 'claimId' | 'payerClaimNumber'>): PrepareKey {
  return { billingNpi: claim.billingNpi ?? '', claimId: claim.claimId, payerClaimNumber: claim.payerClaimNumber ?? null };
}
