import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ownStrings } from '../src/analysis/own-strings.js';

describe('ownStrings', () => {
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
    expect(ownStrings(facts)).toBe(facts);
    expect(JSON.parse(JSON.stringify(facts))).toEqual(before);
    expect(facts.fns[0]!.params).toEqual(['req', 'res', undefined]);
    expect(facts.fns[0]!.name).toBe('handler');
    // a step shared by two traces is still one object
    expect(facts.fns[0]!.returns[0]!.trace[0]).toBe(facts.fns[0]!.returns[0]!.trace[1]);
  });

  it('lets the text a kept name was sliced from be collected', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heapUsed = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const size = 32 * 1024 * 1024;
    // One flat 32 MB string on the heap, and a name sliced from it as the parser's names are.
    let text: string | undefined = JSON.parse('"' + 'a'.repeat(size) + '"') as string;
    const facts = { fns: [{ name: text.slice(1000, 1040) }] };
    text = undefined;
    const kept = heapUsed();
    ownStrings(facts);
    const freed = kept - heapUsed();
    expect(facts.fns[0]!.name).toBe('a'.repeat(40));
    expect(freed).toBeGreaterThan(size / 2);
  });

  it('ends on cycles and leaves primitives alone', () => {
    const a: any = { name: 'x'.repeat(40) };
    a.self = a;
    a.list = [a, 'y', 3];
    expect(() => ownStrings(a)).not.toThrow();
    expect(a.self).toBe(a);
    expect(a.list[1]).toBe('y');
    expect(ownStrings('text')).toBe('text');
    expect(ownStrings(undefined)).toBeUndefined();
  });
});
