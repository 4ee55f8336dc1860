/**
 * collectGarbage runs a full collection on demand (V8 offers `gc` only behind a flag, set at run time): an object
 * nothing refers to any more is gone after it, which a WeakRef shows.
 */
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/history/collect-garbage.js';

describe('collectGarbage', () => {
  it('collects an object nothing refers to, and can be called again', async () => {
    const ref = (() => new WeakRef({ payload: new Uint8Array(1024 * 1024) }))();
    // A WeakRef's target stays alive until the end of the job that created or read it.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
    expect(() => collectGarbage()).not.toThrow();
  });
});
