/**
 * A check worker (`--threads N`): reads each file the run's thread opens, checks the claims the run's thread deals
 * it (the claims of its patients), keeps their history (a RunHistory of its own over the prior claims the run's
 * thread sends), and makes each claim's report records as bytes. What it does to one claim is what the
 * single-thread pass does (process-file.ts runPass), in the same order for the same patient, so every finding is the
 * same whatever the number of workers.
 */
import { createReadStream } from 'node:fs';
import { serialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { Claim } from '../encounter/model.js';
import { emptyHistory } from '../encounter/history-view.js';
import { RunHistory, type FileRecorder } from '../history/run.js';
import { identityString, type PatientIdentity } from '../history/identity.js';
import type { ClaimToRecord, HistoryStats, HistoryStore, PatientClaim, PriorClaim, RecordedFile, RecordResult } from '../history/store.js';
import { loadPolicy } from '../policy/load.js';
import { defaultReference } from '../reference/index.js';
import { ImportedReference } from '../reference/imported/reference.js';
import { ReportAggregate, payerKeyOf } from '../report/aggregate.js';
import { spillCsvRecord, spillJsonRecord } from '../report/exceptions.js';
import { heldRecordOf } from '../report/held.js';
import { spillJunitTestCase } from '../report/junit.js';
import { correctedLinesOf, rowsOfClaim, type HoldingProblem } from '../report/rows.js';
import { MemorySpill } from '../report/sync-file.js';
import type { ExceptionRow } from '../report/types.js';
import { rules } from '../rules/index.js';
import type { ClaimResult } from '../rules/types.js';
import type { ReadClaim, ReadyClaims } from '../formats/types.js';
import { createChecker } from './checker.js';
import { findKey, RECORD_CHUNK, type CheckWorkerData, type FromWorker, type ResultBatch, type ToWorker } from './check-protocol.js';
import { formatParts } from './parts.js';
import { reportValidators } from './validators.js';

/** Claims per result batch (a batch also goes when the worker waits for the run's thread). */
const RESULT_BATCH = 256;

/**
 * The store a worker's history reads: the prior claims the run's thread loaded for it (each patient once) and the
 * store's answers to findClaims for its claims. It records nothing: the run's thread records (and says which
 * versions of each patient it read: PostgreSQL).
 */
class SentStore implements HistoryStore {
  readonly path = 'sent by the run';
  holdsPending = false;
  readonly loads = new Map<string, PriorClaim[]>();
  readonly finds = new Map<string, PriorClaim[]>();

  beginRun(): void {}

  findFile(): RecordedFile | undefined {
    return undefined;
  }

  loadPatient(identity: PatientIdentity): PriorClaim[] {
    const key = identityString(identity)!;
    const claims = this.loads.get(key);
    if (claims === undefined) throw new Error('internal: a patient was asked about before its prior claims were sent');
    this.loads.delete(key);
    return claims;
  }

  findClaims(billingNpi: string, claimId: string, payerClaimNumber: string | null): PriorClaim[] {
    const claims = this.finds.get(findKey(billingNpi, claimId, payerClaimNumber));
    if (claims === undefined) throw new Error('internal: a claim key was asked about that the run did not look up');
    return claims;
  }

  recordFile(): RecordResult {
    throw new Error('internal: a check worker does not record');
  }

  stats(): HistoryStats {
    throw new Error('internal: a check worker has no statistics');
  }

  patientClaims(): PatientClaim[] {
    return [];
  }

  close(): void {}
}

/** One pass over a file, as this worker reads it. */
interface Pass {
  number: number;
  name: string;
  recorder: FileRecorder | null;
  holding: HoldingProblem[] | null;
  refused: Map<number, string>;
  aggregate: ReportAggregate;
  /** The numbers of the claims added to the history, in order (toRecord's order). */
  added: number[];
  payers: Map<string, { seq: number; name: string | null }>;
  /** Workers of the claims planned so far, by number in the file. */
  owners: Uint8Array;
  planned: number;
  /** Barrier claims in input order, and the next one not yet passed. */
  barriers: number[];
  nextBarrier: number;
  effects: Map<number, number[]>;
  /** Claims read. */
  read: number;
  /** Resolves when the worker has read the whole file (or failed). */
  done: Promise<void>;
  /** Wakes the reading loop when a plan or an effect arrives. */
  wake: (() => void) | null;
  discarded: boolean;
}

const NO_PROBLEMS: readonly HoldingProblem[] = Object.freeze([]);
const NO_ROWS = (): string => 'unknown';

function providerOf(claim: Claim, row: ExceptionRow): string {
  const line = row.line === null ? undefined : claim.lines.find((candidate) => candidate.lineNumber === row.line);
  return line?.renderingNpi ?? claim.renderingNpi ?? 'unknown';
}

const port = parentPort!;
const data = workerData as CheckWorkerData;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function fail(error: unknown): void {
  post({ type: 'error', message: (error as Error).message });
}

try {
  const imported = data.referencePath === null ? null : ImportedReference.open(data.referencePath, defaultReference);
  const reference = imported ?? defaultReference;
  const policies = loadPolicy(data.policy, { rules });
  const checker = createChecker(rules, policies, reference, { asOf: data.asOf, fix: data.fix, holdOn: data.holdOn });
  const validators = await reportValidators();
  const formats = formatParts({ tempDir: data.tempDir });
  const store = new SentStore();
  // The run's thread keeps the memory budget across the workers and says when to let go.
  const history = data.history ? new RunHistory(store, { record: data.record, memoryBudgetBytes: Number.POSITIVE_INFINITY, patientsHeld: Number.POSITIVE_INFINITY }) : null;
  const view = history?.view ?? emptyHistory;
  const passes = new Map<number, Pass>();
  const rowsOut = new MemorySpill();
  const csvOut = new MemorySpill();
  const junitOut = new MemorySpill();
  const heldOut = new MemorySpill();

  /** The current result batch. */
  let batch = newBatch();
  function newBatch() {
    return {
      count: 0,
      fates: new Uint8Array(RESULT_BATCH),
      changed: [] as (Claim | null)[],
      jsonEnds: new Uint32Array(RESULT_BATCH),
      csvEnds: new Uint32Array(RESULT_BATCH),
      junitEnds: new Uint32Array(RESULT_BATCH),
      heldEnds: new Uint32Array(RESULT_BATCH),
      charges: new Float64Array(RESULT_BATCH),
      starts: [rowsOut.position(), csvOut.position(), junitOut.position(), heldOut.position()] as const,
    };
  }

  const sendResults = (pass: Pass): void => {
    const count = batch.count;
    if (count === 0) return;
    const message: ResultBatch = {
      type: 'results',
      pass: pass.number,
      fates: batch.fates.slice(0, count),
      changed: batch.changed,
      json: rowsOut.take(),
      jsonEnds: batch.jsonEnds.slice(0, count),
      csv: csvOut.take(),
      csvEnds: batch.csvEnds.slice(0, count),
      junit: junitOut.take(),
      junitEnds: batch.junitEnds.slice(0, count),
      held: heldOut.take(),
      heldEnds: batch.heldEnds.slice(0, count),
      charges: batch.charges.slice(0, count),
    };
    post(message, [message.json.buffer as ArrayBuffer, message.csv.buffer as ArrayBuffer, message.junit.buffer as ArrayBuffer, message.held.buffer as ArrayBuffer]);
    batch = newBatch();
  };

  /** Waits for the next plan or effect (the results so far go first: the run's thread may be waiting for them). */
  const waitForRun = (pass: Pass): Promise<void> => {
    if (!pass.discarded) sendResults(pass);
    return new Promise((resolve) => {
      pass.wake = resolve;
    });
  };

  /** Checks one claim of this worker, as runPass does, and adds its results to the batch. */
  const checkOne = (pass: Pass, claim: Claim, seq: number): void => {
    const holding = pass.holding;
    let result: ClaimResult;
    let claimProblems: readonly HoldingProblem[] = holding ?? NO_PROBLEMS;
    let checked = true;
    try {
      result = checker.check(claim, view, holding !== null);
    } catch (error) {
      checked = false;
      result = { claim, changed: false, findings: [], applied: [], fate: 'held' };
      claimProblems = [
        ...claimProblems,
        { code: 'RUN_CHECK_FAILED', message: `the rules could not check this claim: ${(error as Error).message}`, location: claim.source, source: 'engine' },
      ];
    }
    let fate: 'ready' | 'held' = holding || claimProblems.length > 0 ? 'held' : result.fate;
    const refusal = result.changed ? pass.refused.get(seq) : undefined;
    if (refusal !== undefined) {
      // The writer refused the corrected claim on an earlier pass: held as read, as the single-thread pass does.
      result = { claim, changed: false, findings: result.findings, applied: [], fate: 'held', ...(result.judgedBy ? { judgedBy: result.judgedBy } : {}) };
      claimProblems = [
        ...claimProblems,
        { code: 'RUN_WRITE_REFUSED', message: `the corrected claim could not be written (${refusal}): held as read`, location: claim.source, source: 'writer' },
      ];
      fate = 'held';
    }
    const i = batch.count;
    batch.fates[i] = fate === 'ready' ? 0 : 1;
    batch.changed.push(result.changed ? result.claim : null);

    const { rows, outcome } = rowsOfClaim(pass.name, claim, result, fate, claimProblems, data.holdOn);
    const corrected = correctedLinesOf(result);
    const final = result.claim;
    if (rows.length === 0) pass.aggregate.addClaim(outcome, rows, corrected, NO_ROWS);
    else pass.aggregate.addClaim(outcome, rows, corrected, (row: ExceptionRow) => providerOf(final, row));
    for (const row of rows) {
      validators.row(row);
      spillJsonRecord(row, rowsOut);
      spillCsvRecord(row, csvOut);
    }
    spillJunitTestCase(outcome, junitOut);
    if (fate === 'held') {
      const record = heldRecordOf(outcome);
      validators.held(record);
      heldOut.text(`${JSON.stringify(record)}\n`);
      batch.charges[i] = record.chargeCents;
      const payer = payerKeyOf(outcome);
      if (!pass.payers.has(payer)) pass.payers.set(payer, { seq, name: outcome.payerName });
    }
    const [jsonStart, csvStart, junitStart, heldStart] = batch.starts;
    batch.jsonEnds[i] = rowsOut.position() - jsonStart;
    batch.csvEnds[i] = csvOut.position() - csvStart;
    batch.junitEnds[i] = junitOut.position() - junitStart;
    batch.heldEnds[i] = heldOut.position() - heldStart;
    batch.count = i + 1;
    if (!holding && checked && pass.recorder !== null) {
      pass.recorder.add(checker.normalize(final), fate);
      pass.added.push(seq);
    }
  };

  /** Reads the pass's file and checks this worker's claims in input order. */
  const readPass = async (pass: Pass, open: ToWorker & { type: 'open' }): Promise<void> => {
    const stream = createReadStream(open.path, { highWaterMark: 64 * 1024 });
    const reader = formats.open(open.format, stream, open.name, open.csvMap ?? undefined);
    const claims = reader.claims();
    const readyClaims = typeof (claims as Partial<ReadyClaims>).takeReady === 'function' ? (claims as AsyncGenerator<ReadClaim> & ReadyClaims) : undefined;
    try {
      for (;;) {
        let read = readyClaims?.takeReady();
        if (read === undefined) {
          let step: IteratorResult<ReadClaim>;
          try {
            step = await claims.next();
          } catch {
            // The reader stopped: the run's thread's reader stops at the same claim and reports it.
            break;
          }
          if (step.done === true) break;
          read = step.value;
        }
        const seq = pass.read++;
        while (seq >= pass.planned && !pass.discarded) await waitForRun(pass);
        if (pass.discarded) return;
        if (pass.owners[seq] !== data.worker) continue;
        // What claims of other workers before this one superseded among the prior claims this worker holds.
        while (pass.nextBarrier < pass.barriers.length && pass.barriers[pass.nextBarrier]! < seq) {
          const barrier = pass.barriers[pass.nextBarrier]!;
          if (pass.owners[barrier] !== data.worker) {
            while (!pass.effects.has(barrier) && !pass.discarded) await waitForRun(pass);
            if (pass.discarded) return;
            pass.recorder?.supersedeRows(pass.effects.get(barrier)!);
            pass.effects.delete(barrier);
          }
          pass.nextBarrier++;
        }
        const added = pass.added.length;
        checkOne(pass, read.claim, seq);
        if (batch.count === RESULT_BATCH) sendResults(pass);
        if (pass.nextBarrier < pass.barriers.length && pass.barriers[pass.nextBarrier] === seq) {
          pass.nextBarrier++;
          const rows = pass.added.length > added ? pass.recorder!.supersededByLast() : [];
          post({ type: 'effects', pass: pass.number, seq, rows });
        }
      }
    } finally {
      if (!stream.destroyed) stream.destroy();
    }
    if (!pass.discarded) sendResults(pass);
  };

  const handle = (message: ToWorker): void => {
    switch (message.type) {
      case 'open': {
        store.holdsPending = message.holdsPending;
        store.finds.clear();
        const pass: Pass = {
          number: message.pass,
          name: message.name,
          recorder: history?.file({ name: message.name, hash: message.hash, format: message.format }) ?? null,
          holding: message.holding,
          refused: new Map(message.refused),
          aggregate: new ReportAggregate(),
          added: [],
          payers: new Map(),
          owners: new Uint8Array(1024),
          planned: 0,
          barriers: [],
          nextBarrier: 0,
          effects: new Map(),
          read: 0,
          done: Promise.resolve(),
          wake: null,
          discarded: false,
        };
        passes.set(message.pass, pass);
        pass.done = readPass(pass, message).catch((error: unknown) => {
          if (!pass.discarded) fail(error);
        });
        return;
      }
      case 'plan': {
        const pass = passes.get(message.pass);
        if (pass === undefined) return;
        const end = message.from + message.owners.length;
        if (end > pass.owners.length) {
          const owners = new Uint8Array(Math.max(end, pass.owners.length * 2));
          owners.set(pass.owners);
          pass.owners = owners;
        }
        pass.owners.set(message.owners, message.from);
        pass.planned = end;
        for (const [key, prior] of message.loads) store.loads.set(key, prior);
        for (const [key, found] of message.finds) store.finds.set(key, found);
        for (const barrier of message.barriers) pass.barriers.push(barrier);
        wake(pass);
        return;
      }
      case 'effects': {
        const pass = passes.get(message.pass);
        if (pass === undefined) return;
        pass.effects.set(message.seq, message.rows);
        wake(pass);
        return;
      }
      case 'end': {
        const pass = passes.get(message.pass)!;
        void pass.done.then(() => {
          post({ type: 'ended', pass: message.pass, claims: pass.read, aggregate: pass.aggregate, payers: [...pass.payers].map(([key, { seq, name }]) => [key, seq, name]) });
        });
        return;
      }
      case 'commit': {
        const pass = passes.get(message.pass)!;
        const chunks: Uint8Array[] = [];
        if (pass.recorder !== null && data.record) {
          let chunk: ClaimToRecord[] = [];
          for (const claim of pass.recorder.toRecord()) {
            chunk.push(claim);
            if (chunk.length === RECORD_CHUNK) {
              chunks.push(serialize(chunk));
              chunk = [];
            }
          }
          if (chunk.length > 0) chunks.push(serialize(chunk));
        } else {
          void pass.recorder?.commit();
          passes.delete(message.pass);
        }
        const owned = chunks.map((chunk) => (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : new Uint8Array(chunk)));
        post(
          {
            type: 'to-record',
            pass: message.pass,
            seqs: pass.recorder !== null && data.record ? pass.added : [],
            chunks: owned,
            bytesHeld: history?.bytesHeld ?? 0,
            patientsHeld: history?.patientsHeld ?? 0,
          },
          owned.map((chunk) => chunk.buffer as ArrayBuffer),
        );
        return;
      }
      case 'rows': {
        const pass = passes.get(message.pass);
        passes.delete(message.pass);
        pass?.recorder?.recorded(message.rows);
        if (message.letGo && history !== null) {
          history.letGo();
          store.loads.clear();
        }
        return;
      }
      case 'reset': {
        for (const pass of passes.values()) {
          pass.discarded = true;
          wake(pass);
        }
        passes.clear();
        history?.letGo();
        store.loads.clear();
        return;
      }
      case 'discard': {
        const pass = passes.get(message.pass);
        passes.delete(message.pass);
        if (pass !== undefined) {
          pass.discarded = true;
          pass.recorder?.discard();
          // Results of the pass not sent yet are dropped with it.
          for (const spill of [rowsOut, csvOut, junitOut, heldOut]) spill.take();
          batch = newBatch();
          wake(pass);
        }
        return;
      }
      case 'finish': {
        post({ type: 'finished', asked: imported?.asked() ?? [] });
        imported?.close();
        port.close();
        return;
      }
    }
  };

  port.on('message', (message: ToWorker) => {
    try {
      handle(message);
    } catch (error) {
      fail(error);
    }
  });
  post({ type: 'ready' });
} catch (error) {
  fail(error);
}

function wake(pass: Pass): void {
  const wake = pass.wake;
  pass.wake = null;
  wake?.();
}
