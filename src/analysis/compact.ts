/**
 * Compacting what is kept of a file after its analysis: the per-file facts live until the project
 * link, so every byte they hold is paid once per file of the corpus.
 *
 * - Strings: the parser's names are slices of a file's text, and a label built from a name holds
 *   the name; V8 keeps the whole text alive as long as one such string is reachable, so the facts
 *   would hold the text of every file scanned. Each kept string is replaced by a copy of its own.
 * - Arrays: an array built by push() has room for 17 elements after its first push (V8 grows the
 *   backing store by half plus 16), 128 bytes more than a one-element array needs, and V8 never
 *   gives that room back. Each kept array is replaced by a copy of exactly its length.
 */

/** A copy of `s` that holds no other string: the concatenation is flattened by slice(), which drops `s`. */
export function ownString(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * Compacts `root` (plain objects and arrays, as the facts are): every string is replaced by a copy
 * of its own (one per distinct text), every array by an exact-length copy (one per array, so an
 * array shared by two parents is still shared); objects are changed in place. Returns the compacted
 * root (a new array when `root` is an array, else `root` itself).
 */
export function compactKept<T>(root: T): T {
  const copies = new Map<string, string>();
  const done = new Map<object, object>();
  const own = (s: string): string => {
    let c = copies.get(s);
    if (c === undefined) {
      c = ownString(s);
      copies.set(c, c);
    }
    return c;
  };
  const visit = (v: object): object => {
    const d = done.get(v);
    if (d) return d;
    if (Array.isArray(v)) {
      const out = v.slice();
      done.set(v, out);
      for (let i = 0; i < out.length; i++) {
        const x = out[i];
        if (typeof x === 'string') out[i] = own(x); // equal to x as a value: compare no further
        else if (x !== null && typeof x === 'object') {
          const y = visit(x);
          if (y !== x) out[i] = y;
        }
      }
      return out;
    }
    done.set(v, v);
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'string') o[k] = own(x);
      else if (x !== null && typeof x === 'object') {
        const y = visit(x);
        if (y !== x) o[k] = y;
      }
    }
    return v;
  };
  if (typeof root === 'string') return own(root) as T;
  return (root !== null && typeof root === 'object' ? visit(root) : root) as T;
}
