import { describe, expect, it } from 'vitest';
import { compactKept } from '../src/analysis/compact.js';
import { collectGarbage } from '../src/heap.js';

/** The heap in use after full collections (src/heap.ts). */
const heapUsed = (): number => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

describe('compactKept', () => {
  it('keeps every value of the facts (strings, numbers, nested arrays and objects) as it was', () => {
    const text = 'function handler(req, res) { exec("ls " + req.query.dir); }';
    const name = text.slice(9, 16); // a slice of the text, as parser names are
    const step = { file: 'src/a.js', line: 1, column: 10, endLine: 1, endColumn: 17, label: `parameter req of ${name}()` };
    const facts = {
      file: 'src/a.js',
      fns: [{ id: 'src/a.js#0', name, params: ['req', 'res', undefined], returns: [{ atom: { k: 'p', fn: 'src/a.js#0', i: 0, prop: 'query' }, mask: 0, trace: [step, step] }] }],
      calls: [],
      flags: { on: true, off: null },
    };
    const before = JSON.parse(JSON.stringify(facts));
    expect(compactKept(facts)).toBe(facts);
    expect(JSON.parse(JSON.stringify(facts))).toEqual(before);
    expect(facts.fns[0]!.params).toEqual(['req', 'res', undefined]);
    expect(facts.fns[0]!.name).toBe('handler');
    // a step shared by two traces is still one object
    expect(facts.fns[0]!.returns[0]!.trace[0]).toBe(facts.fns[0]!.returns[0]!.trace[1]);
  });

  it('lets the text a kept name was sliced from be collected', () => {
    const size = 32 * 1024 * 1024;
    // One flat 32 MB string on the heap, and a name sliced from it as the parser's names are.
    let text: string | undefined = JSON.parse('"' + 'a'.repeat(size) + '"') as string;
    const facts = { fns: [{ name: text.slice(1000, 1040) }] };
    text = undefined;
    const kept = heapUsed();
    compactKept(facts);
    const freed = kept - heapUsed();
    expect(facts.fns[0]!.name).toBe('a'.repeat(40));
    expect(freed).toBeGreaterThan(size / 2);
  });

  it('gives back the room push() left in kept arrays, and keeps shared arrays shared', () => {
    const n = 100_000;
    const shared: object[] = [];
    shared.push({ line: 1 });
    const facts = { values: [] as Array<{ trace: object[]; also: object[] }> };
    for (let i = 0; i < n; i++) {
      const trace: object[] = [];
      trace.push({ line: i }); // room for 17 after the first push
      facts.values.push({ trace, also: shared });
    }
    const kept = heapUsed();
    compactKept(facts);
    const freed = kept - heapUsed();
    expect(freed / n).toBeGreaterThan(64); // bytes per one-element array (128 in V8 today)
    expect(facts.values[n - 1]!.trace).toEqual([{ line: n - 1 }]);
    expect(facts.values[0]!.also).toBe(facts.values[1]!.also);
    expect(facts.values[0]!.also).not.toBe(shared);
  });

  it('ends on cycles, through objects and arrays, and leaves primitives alone', () => {
    const a: any = { name: 'x'.repeat(40) };
    a.self = a;
    a.list = [a, 'y', 3];
    a.list.push(a.list);
    expect(() => compactKept(a)).not.toThrow();
    expect(a.self).toBe(a);
    expect(a.list[0]).toBe(a);
    expect(a.list[1]).toBe('y');
    expect(a.list[3]).toBe(a.list);
    expect(compactKept('text')).toBe('text');
    expect(compactKept(undefined)).toBeUndefined();
  });
});
