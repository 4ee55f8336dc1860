/**
 * The check workers of a run (`--threads N`): every worker reads the file; the run's thread reads it too, deals
 * each claim to the worker of its patient and writes the results back in input order (process-file.ts
 * runThreadedPass); the workers check.
 *
 * A claim's findings depend only on its own patient's earlier claims, so patients are dealt out whole: every claim
 * of a patient goes to one worker, met in input order. The patient is the history's (identity.ts): the same identity
 * string; patients that may share prior claims (a name-only patient and the member patients of that name, whose
 * prior rows a store load can return to either) go to the same worker. The run's thread asks the store (the loads
 * see the history as the run began) and sends each patient's prior claims with its first claim, so the workers need
 * no connection of their own; at a file's end it merges the workers' claims in input order and records the file in
 * one transaction, as a single thread does.
 *
 * Only prior claims found by key reach across patients: a replacement, void or correction may supersede a recorded
 * claim of another patient. Such a claim is a barrier: no worker checks a claim after it before it knows which
 * recorded claims it superseded (the worker that checked it says so, the run's thread relays it to the others).
 */
import { deserialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Claim } from '../encounter/model.js';
import { patientKeyOf } from '../encounter/history-view.js';
import { HistoryError } from '../history/errors.js';
import { identityOf, identityString } from '../history/identity.js';
import { MEMORY_BUDGET_BYTES, PATIENTS_HELD, prepareKeyOf } from '../history/run.js';
import type { ClaimToRecord, FileIdentity, HistoryStore, PriorClaim, RecordResult } from '../history/store.js';
import type { ReadClaim } from '../formats/types.js';
import type { ImportedReference } from '../reference/imported/reference.js';
import { ReportAggregate } from '../report/aggregate.js';
import type { HoldingProblem } from '../report/rows.js';
import { findKey, type CheckWorkerData, type FromWorker, type ResultBatch, type ToWorker } from './check-protocol.js';
import type { PreparedInput } from './process-file.js';

/** Claims per plan message. */
const PLAN_BATCH = 256;
/** Young generation of a worker (MiB), as the run's own thread (cli/run-in-worker.ts). */
const YOUNG_GENERATION_MB = 24;
/** A member id that normalizing leaves as it is (identity.ts). */
const PLAIN_MEMBER_ID = /^[A-Z0-9]+$/;

const WORKER_ENTRY = new URL('./check-worker.js', import.meta.url);
/** From the TypeScript sources (tests, through tsx): the worker registers tsx first (see cli/run-in-worker.ts). */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const SOURCE_WORKER = FROM_SOURCE
  ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./check-worker.ts', import.meta.url).href)}); })`
  : '';

/** A check worker failed or ran out of memory: the run stops (exit 2), as when its own thread does. */
export class CheckWorkerError extends Error {
  override name = 'CheckWorkerError';
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class CheckPool {
  private readonly workers: Worker[];
  private failure: Error | null = null;
  private readonly passes = new Map<number, ThreadedPass>();
  private nextPass = 0;
  /** Replies to end/commit/finish, per worker, in the order asked. */
  private readonly replies: ((message: FromWorker) => void)[][];
  /** Waiting for results (nextResults), or for an answer (ask): all rejected should a worker fail. */
  private readonly waiters = new Set<Waiter>();
  private readonly resultWaiters = new Set<Waiter>();
  /** The worker of each patient met (identity string), of each name key met, of each prior row sent. */
  private readonly patients = new Map<string, number>();
  private readonly names = new Map<string, number>();
  private readonly rows = new Map<number, number>();
  private dealt = 0;
  private nobody = 0;
  /** The workers are being stopped: their exit is expected. */
  private finishing = false;
  private store: HistoryStore | null = null;
  /** The run's inputs, and those recorded (or found recorded) so far: after a conflict the others are left out again. */
  private inputHashes: readonly string[] = [];
  private readonly committed = new Set<string>();

  private constructor(
    workers: Worker[],
    private readonly record: boolean,
    private readonly maxHeapMb: number,
  ) {
    this.workers = workers;
    this.replies = workers.map(() => []);
    workers.forEach((worker, index) => {
      worker.on('message', (message: FromWorker) => this.receive(index, message));
      worker.on('error', (error: Error & { code?: string }) => {
        this.fail(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new CheckWorkerError(`a check worker needed more memory than its limit (--max-heap ${this.maxHeapMb} MiB each): run again with a larger --max-heap or fewer --threads`)
            : new CheckWorkerError(`a check worker failed: ${error.message}`),
        );
      });
      worker.on('exit', () => {
        if (!this.finishing) this.fail(new CheckWorkerError('a check worker stopped before the run was done'));
      });
    });
  }

  /**
   * Starts `threads` workers. They load the rules, policy and reference data while the run goes on: what is sent to
   * them waits in their queues meanwhile, and a worker that cannot start fails the run at its next wait.
   */
  static start(threads: number, data: Omit<CheckWorkerData, 'worker'>, maxHeapMb: number): CheckPool {
    const workers: Worker[] = [];
    for (let i = 0; i < threads; i++) {
      workers.push(
        new Worker(FROM_SOURCE ? SOURCE_WORKER : WORKER_ENTRY, {
          eval: FROM_SOURCE,
          execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
          workerData: { ...data, worker: i } satisfies CheckWorkerData,
          resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
          stdout: false,
          stderr: false,
        }),
      );
    }
    return new CheckPool(workers, data.record, maxHeapMb);
  }

  /** The history store the run's thread asks for the workers and records their files in (null: no history). */
  useStore(store: HistoryStore | null, inputHashes: readonly string[]): void {
    this.store = store;
    this.inputHashes = inputHashes;
  }

  /** True when the store reads ahead for a batch of claims (a database server): deal them in batches. */
  get readsAhead(): boolean {
    return this.store?.prepareMany !== undefined;
  }

  /** Reads ahead what dealing these claims will ask the store (a database server); undefined when nothing to await. */
  prepare(claims: readonly ReadClaim[]): Promise<void> | undefined {
    const store = this.store;
    if (store === null || store.prepareMany === undefined) return undefined;
    return store.prepareMany(claims.map(({ claim }) => ({ patient: patientKeyOf(claim), key: prepareKeyOf(claim) })));
  }

  get threads(): number {
    return this.workers.length;
  }

  /** A pass over a file (see ThreadedPass): every worker starts reading it. */
  open(input: PreparedInput, holding: HoldingProblem[] | null, refused: ReadonlyMap<number, string>): ThreadedPass {
    const number = this.nextPass++;
    const holdsPending = this.store?.holdsPending ?? false;
    const pass = new ThreadedPass(this, number, { name: input.name, hash: input.hash, format: input.format }, holding, holdsPending);
    this.passes.set(number, pass);
    this.broadcast({
      type: 'open',
      pass: number,
      path: input.path,
      name: input.name,
      hash: input.hash,
      format: input.format,
      csvMap: input.csvMap ?? null,
      holding,
      refused: [...refused],
      holdsPending,
    });
    return pass;
  }

  /** Stops the workers; counts what each asked of the imported reference in its usage summary. */
  async finish(imported: ImportedReference | null): Promise<void> {
    this.finishing = true;
    const answers = await Promise.all(this.workers.map((_, index) => this.ask(index, { type: 'finish' })));
    for (const answer of answers) if (answer.type === 'finished') imported?.mergeAsked(answer.asked);
  }

  /** Stops the workers at once (the run failed). */
  async terminate(): Promise<void> {
    this.finishing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  // ---- dealing claims ----

  /**
   * The worker of a claim's patient (the claim numbered `seq` in the pass): with the patient's first claim, its prior
   * claims go to that worker, and with every claim the store's answers to the look-ups by key its history will ask.
   */
  deal(claim: Claim, seq: number, pass: ThreadedPass): number {
    const store = this.store;
    const key = patientKeyOf(claim);
    let worker: number | undefined;
    if (key.memberId !== undefined && key.dependent !== true && PLAIN_MEMBER_ID.test(key.memberId)) worker = this.patients.get(`m:${key.memberId}|`);
    if (worker === undefined) {
      const identity = identityOf(key);
      const patient = identityString(identity);
      if (patient === null) {
        worker = this.nobody++ % this.workers.length;
      } else {
        worker = this.patients.get(patient);
        if (worker === undefined) {
          const prior = store?.loadPatient(identity) ?? [];
          // Prior rows another patient has loaded already are that patient's in the worker's table (history/run.ts
          // patientOf): the two share a worker, as they share a table on one thread.
          for (const claimRow of prior) {
            worker = this.rows.get(claimRow.row);
            if (worker !== undefined) break;
          }
          if (worker === undefined && identity.nameKey !== null) worker = this.names.get(identity.nameKey);
          worker ??= this.dealt++ % this.workers.length;
          this.patients.set(patient, worker);
          if (identity.nameKey !== null && !this.names.has(identity.nameKey)) this.names.set(identity.nameKey, worker);
          for (const claimRow of prior) if (!this.rows.has(claimRow.row)) this.rows.set(claimRow.row, worker);
          if (store !== null) pass.plan.loads[worker]!.push([patient, prior]);
        }
      }
    }
    if (store !== null) {
      // The look-ups by key a claim's history makes (history/run.ts add, supersededBy), answered here.
      const billingNpi = claim.billingNpi ?? '';
      let found: PriorClaim[] | null = null;
      let asked = '';
      if (claim.frequencyCode === '7' || claim.frequencyCode === '8') {
        const number = claim.payerClaimNumber ?? null;
        asked = findKey(billingNpi, claim.claimId, number);
        found = store.findClaims(billingNpi, claim.claimId, number);
      } else if (pass.holdsPending) {
        asked = findKey(billingNpi, claim.claimId, null);
        found = store.findClaims(billingNpi, claim.claimId, null);
      }
      if (found !== null) {
        pass.plan.finds[worker]!.push([asked, found]);
        // A recorded claim this worker does not hold may be another worker's patient's: the others wait for this one.
        if (pass.holding === null && found.some((prior) => this.rows.get(prior.row) !== worker)) pass.plan.barriers.push(seq);
      }
    }
    pass.plan.owners[pass.plan.count++] = worker;
    if (pass.plan.count === PLAN_BATCH) this.flush(pass);
    return worker;
  }

  /** Sends every worker the plan of the claims dealt since the last. */
  flush(pass: ThreadedPass): void {
    const plan = pass.plan;
    if (plan.count === 0) return;
    const owners = plan.owners.slice(0, plan.count);
    for (let i = 0; i < this.workers.length; i++) {
      this.post(i, { type: 'plan', pass: pass.number, from: plan.from, owners, loads: plan.loads[i]!, finds: plan.finds[i]!, barriers: plan.barriers });
    }
    pass.plan = newPlan(this.workers.length, plan.from + plan.count);
  }

  // ---- messages ----

  private post(worker: number, message: ToWorker): void {
    this.check();
    this.workers[worker]!.postMessage(message);
  }

  broadcast(message: ToWorker): void {
    for (let i = 0; i < this.workers.length; i++) this.post(i, message);
  }

  /** Sends a message each worker answers (in order with its other answers). */
  ask(worker: number, message: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.check();
      const waiter: Waiter = { resolve: () => undefined, reject };
      this.waiters.add(waiter);
      this.replies[worker]!.push((answer) => {
        this.waiters.delete(waiter);
        resolve(answer);
      });
      this.workers[worker]!.postMessage(message);
    });
  }

  /** Resolves when a worker next sends results (or fails). */
  nextResults(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      const waiter: Waiter = { resolve, reject };
      this.waiters.add(waiter);
      this.resultWaiters.add(waiter);
    });
  }

  private receive(worker: number, message: FromWorker): void {
    switch (message.type) {
      case 'results': {
        this.passes.get(message.pass)?.take(worker, message);
        for (const waiter of this.resultWaiters) {
          this.waiters.delete(waiter);
          waiter.resolve();
        }
        this.resultWaiters.clear();
        return;
      }
      case 'effects': {
        if (!this.passes.has(message.pass)) return;
        for (let i = 0; i < this.workers.length; i++) if (i !== worker) this.post(i, { type: 'effects', pass: message.pass, seq: message.seq, rows: message.rows });
        return;
      }
      case 'ready':
        return;
      case 'error':
        this.fail(new CheckWorkerError(`internal: a check worker failed: ${message.message}`));
        return;
      default: {
        const reply = this.replies[worker]!.shift();
        reply?.(message);
      }
    }
  }

  private fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
    this.resultWaiters.clear();
  }

  private check(): void {
    if (this.failure !== null) throw this.failure;
  }

  close(pass: number): void {
    this.passes.delete(pass);
  }

  // ---- the history at a file's end ----

  /**
   * Records a pass's claims: the workers' lists merged in input order, one transaction (store.recordFile); each
   * worker gets its rows back. Past the memory budget every worker lets go, and the loads start again.
   */
  async commit(pass: number, file: FileIdentity): Promise<RecordResult | null> {
    const answers = await Promise.all(this.workers.map((_, index) => this.ask(index, { type: 'commit', pass })));
    const lists = answers.map((answer) => (answer.type === 'to-record' ? answer : { seqs: [] as number[], chunks: [] as Uint8Array[], bytesHeld: 0, patientsHeld: 0 }));
    if (!this.record || this.store === null) return null;
    /** Per worker: the chunk being read, and the next claim in it. */
    const readers = lists.map(() => ({ chunk: -1, claims: [] as ClaimToRecord[], at: 0 }));
    const at = lists.map(() => 0);
    const owners: number[] = [];
    const store = this.store;
    /**
     * The workers' claims in input order, each chunk read as the store comes to it. The versions of each patient
     * seen are this thread's (it read the patients, and it knows what its own recordings made them).
     */
    function* merged(): Generator<ClaimToRecord> {
      for (;;) {
        let best = -1;
        for (let w = 0; w < lists.length; w++) {
          const list = lists[w]!;
          if (at[w]! < list.seqs.length && (best < 0 || list.seqs[at[w]!]! < lists[best]!.seqs[at[best]!]!)) best = w;
        }
        if (best < 0) return;
        owners.push(best);
        at[best]! += 1;
        const reader = readers[best]!;
        if (reader.at === reader.claims.length) {
          reader.chunk += 1;
          reader.claims = deserialize(lists[best]!.chunks[reader.chunk]!) as ClaimToRecord[];
          lists[best]!.chunks[reader.chunk] = new Uint8Array(0);
          reader.at = 0;
        }
        const record = reader.claims[reader.at++]!;
        if (store.seenVersions !== undefined) record.seen = record.identity === null ? null : store.seenVersions(record.identity);
        yield record;
      }
    }
    let result: RecordResult;
    try {
      result = await this.store.recordFile(file, merged());
    } catch (error) {
      if (error instanceof HistoryError && error.code === 'HIST_CONFLICT') this.reset();
      throw error;
    }
    this.committed.add(file.hash);
    const rows = lists.map((): number[] => []);
    result.rows.forEach((row, i) => rows[owners[i]!]!.push(row));
    const bytesHeld = lists.reduce((sum, list) => sum + list.bytesHeld, 0);
    const patientsHeld = lists.reduce((sum, list) => sum + list.patientsHeld, 0);
    const letGo = bytesHeld > MEMORY_BUDGET_BYTES || patientsHeld > PATIENTS_HELD;
    if (letGo) {
      this.store.beginRun([]);
      this.patients.clear();
      this.names.clear();
      this.rows.clear();
    }
    for (let w = 0; w < this.workers.length; w++) this.post(w, { type: 'rows', pass, rows: rows[w]!, letGo });
    return result;
  }

  /**
   * Another run recorded some of a file's patients while it was checked: everything read is read again, the inputs
   * this run has recorded now from the store (as PostgresRunHistory does on one thread), and the workers start afresh.
   */
  private reset(): void {
    this.store!.beginRun(this.inputHashes.filter((hash) => !this.committed.has(hash)));
    this.patients.clear();
    this.names.clear();
    this.rows.clear();
    this.broadcast({ type: 'reset' });
  }
}

/** Claims dealt and not yet sent to the workers. */
interface Plan {
  /** The number in the file of the first. */
  from: number;
  count: number;
  owners: Uint8Array;
  loads: [string, PriorClaim[]][][];
  finds: [string, PriorClaim[]][][];
  barriers: number[];
}

function newPlan(workers: number, from: number): Plan {
  return {
    from,
    count: 0,
    owners: new Uint8Array(PLAN_BATCH),
    loads: Array.from({ length: workers }, () => []),
    finds: Array.from({ length: workers }, () => []),
    barriers: [],
  };
}

/** The run's side of one pass over a file: claims dealt out, results taken back per worker in order. */
export class ThreadedPass {
  private readonly queues: { batches: ResultBatch[]; batch: number; index: number }[];
  plan: Plan;

  constructor(
    readonly pool: CheckPool,
    readonly number: number,
    readonly file: FileIdentity,
    readonly holding: HoldingProblem[] | null,
    readonly holdsPending: boolean,
  ) {
    this.queues = Array.from({ length: pool.threads }, () => ({ batches: [], batch: 0, index: 0 }));
    this.plan = newPlan(pool.threads, 0);
  }

  take(worker: number, batch: ResultBatch): void {
    this.queues[worker]!.batches.push(batch);
  }

  /** The next result of a worker (its claims come back in input order): the batch and the claim's index in it. */
  next(worker: number): { batch: ResultBatch; index: number } | undefined {
    const queue = this.queues[worker]!;
    for (;;) {
      const batch = queue.batches[queue.batch];
      if (batch === undefined) return undefined;
      if (queue.index < batch.fates.length) return { batch, index: queue.index++ };
      queue.batches[queue.batch] = undefined as never;
      queue.batch += 1;
      queue.index = 0;
    }
  }

  /**
   * Every worker's counts for the pass, merged (payer names: the first held claim's, in input order). Each worker
   * read the file as the run's thread did: `claims` were read, or the file changed while it was read.
   */
  async end(claims: number): Promise<ReportAggregate> {
    const pool = this.pool;
    const answers = await Promise.all(Array.from({ length: pool.threads }, (_, index) => pool.ask(index, { type: 'end', pass: this.number })));
    const aggregate = new ReportAggregate();
    const names = new Map<string, { seq: number; name: string | null }>();
    for (const answer of answers) {
      if (answer.type !== 'ended') continue;
      if (answer.claims !== claims) throw new CheckWorkerError(`${this.file.name}: a check worker read ${answer.claims} claims where the run read ${claims}: the file changed while it was read`);
      aggregate.merge(Object.assign(new ReportAggregate(), answer.aggregate));
      for (const [key, seq, name] of answer.payers) {
        const known = names.get(key);
        if (known === undefined || seq < known.seq) names.set(key, { seq, name });
      }
    }
    for (const [key, count] of aggregate.byPayer) count.name = names.get(key)?.name ?? count.name;
    return aggregate;
  }

  commit(): Promise<RecordResult | null> {
    this.pool.close(this.number);
    return this.pool.commit(this.number, this.file);
  }

  discard(): void {
    this.pool.close(this.number);
    this.pool.broadcast({ type: 'discard', pass: this.number });
  }
}
