import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../src/heap.js';

describe('collectGarbage', () => {
  it('runs a full collection: an object nothing refers to any more is gone after it', async () => {
    const make = () => new WeakRef({ payload: new Array(1000).fill('x') });
    const ref = make();
    await new Promise((r) => setTimeout(r, 0)); // a WeakRef target is kept until the current job ends
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
    const kept = { payload: 1 };
    const keptRef = new WeakRef(kept);
    await new Promise((r) => setTimeout(r, 0));
    collectGarbage();
    expect(keptRef.deref()).toBe(kept);
  });
});
