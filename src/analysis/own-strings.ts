/**
 * Detaching kept data from the source text. The parser's names are slices of a file's text, and a
 * label built from a name holds the name: V8 keeps the whole text alive as long as one such string
 * is reachable. The per-file facts kept for the link would then hold the text of every file scanned.
 */

/** A copy of `s` that holds no other string: the concatenation is flattened by slice(), which drops `s`. */
export function ownString(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * Replaces, in place, every string in `root` (plain objects and arrays, as the facts are) by a
 * copy of its own, one copy per distinct text. Returns `root`.
 */
export function ownStrings<T>(root: T): T {
  const copies = new Map<string, string>();
  const seen = new Set<object>();
  const own = (s: string): string => {
    let c = copies.get(s);
    if (c === undefined) {
      c = ownString(s);
      copies.set(c, c);
    }
    return c;
  };
  const visit = (v: any): void => {
    if (seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === 'string') v[i] = own(x);
        else if (x !== null && typeof x === 'object') visit(x);
      }
      return;
    }
    for (const k in v) {
      const x = v[k];
      if (typeof x === 'string') v[k] = own(x);
      else if (x !== null && typeof x === 'object') visit(x);
    }
  };
  if (root !== null && typeof root === 'object') visit(root);
  return root;
}
