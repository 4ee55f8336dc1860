/**
 * ClaimMemo: answers that several rules ask for about the claim state being checked (a line's pointed diagnoses, a
 * session's lines by region, the history's answers about the claim), remembered by the identity of the object asked
 * about. Speed only, never meaning: every answer is what recomputing it would give.
 *
 * The runner makes one memo per claim (RuleContext.memo) and empties it whenever a fix changes the claim, so an
 * answer never outlives the claim state it was computed on, and nothing is kept between claims.
 */

/** One kind of answer kept in a ClaimMemo: keys of type K (compared by identity) to answers of type V. */
export interface MemoTable<K extends object, V> {
  readonly name: string;
  /** Type carrier only (never set). */
  readonly kind?: (key: K) => V;
}

/** A table token; declare each once, at module level (the token is constant: the answers live in the memo). */
export function memoTable<K extends object, V>(name: string): MemoTable<K, V> {
  return Object.freeze({ name });
}

export class ClaimMemo {
  #tables: Map<MemoTable<object, unknown>, Map<object, unknown>> | null = null;

  /** The answer remembered for `key` in `table`, or undefined. */
  get<K extends object, V>(table: MemoTable<K, V>, key: K): V | undefined {
    return this.#tables?.get(table as MemoTable<object, unknown>)?.get(key) as V | undefined;
  }

  /** Remembers `value` for `key` in `table`, and returns it. */
  set<K extends object, V>(table: MemoTable<K, V>, key: K, value: V): V {
    const tables = (this.#tables ??= new Map());
    let answers = tables.get(table as MemoTable<object, unknown>);
    if (answers === undefined) {
      answers = new Map();
      tables.set(table as MemoTable<object, unknown>, answers);
    }
    answers.set(key, value);
    return value;
  }

  /** Forgets every answer (the claim changed). */
  clear(): void {
    this.#tables = null;
  }
}
