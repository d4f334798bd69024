/**
 * Mutation fuzzing of the full pipeline: the repository's fixtures, mutated with a seeded PRNG
 * (byte flips, truncation, duplication, insertion of brackets, quotes, comment markers, unicode),
 * scanned with scan() for a bounded time. No exception may escape and no file may end as an
 * 'internal' diagnostic. Reproduce a failure with FUZZ_SEED=<seed> (printed on failure);
 * FUZZ_MS sets the time budget (default 12 s).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../dist/src/scan.js';
import { rules } from '../dist/rules/index.js';

const REPO = path.resolve(__dirname, '..');
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 12_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): Array<{ name: string; bytes: Buffer }> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) visit(abs);
      else if (/\.[cm]?[jt]sx?$/.test(e.name)) out.push({ name: path.relative(REPO, abs), bytes: readFileSync(abs) });
    }
  };
  visit(path.join(REPO, 'fixtures'));
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

const SNIPPETS = [
  '{', '}', '(', ')', '[', ']', '<', '>', '</', '/>', '"', "'", '`', '${', '/*', '*/', '//', '/', '\\',
  '=>', ';', ',', '?.', '...', '#!', '@', '#', '\n', '\r', '\r\n', '\u2028', '\u2029', '\uFEFF', '\0',
  '\u00e9', '\u6587', '\u{1F600}', '\uD800', '\uDFFF', '\u202E', 'await ', 'yield ', 'async ', 'function ',
  'class ', 'import(', 'export ', 'require(', 'eval(', 'exec(', 'req.query.x', '__proto__', 'constructor',
  'new ', 'this.', 'super.', 'return ', 'let ', 'var ', 'const ', 'if (', 'else ', 'for (', 'of ', 'in ',
  'typeof ', 'as any', 'satisfies T', '<T>', ': string', 'enum E {', 'namespace N {', 'declare ',
];

function mutate(src: Buffer, rnd: () => number): Buffer {
  const int = (n: number) => Math.floor(rnd() * n);
  let b = Buffer.from(src);
  const ops = 1 + int(6);
  for (let k = 0; k < ops; k++) {
    const at = int(b.length + 1);
    switch (int(7)) {
      case 0: // byte flips
        for (let i = 0, n = 1 + int(4); i < n && b.length; i++) b[int(b.length)] ^= 1 << int(8);
        break;
      case 1: // truncation
        b = b.subarray(0, at);
        break;
      case 2: {
        // duplication of a slice
        const from = int(b.length + 1);
        const len = int(Math.min(400, b.length - from + 1));
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
        break;
      }
      case 3: // deletion of a slice
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + int(200))]);
        break;
      case 4:
      case 5: {
        // insertion of syntax: brackets, quotes, comment markers, line breaks, unicode, keywords
        const s = Array.from({ length: 1 + int(3) }, () => SNIPPETS[int(SNIPPETS.length)]).join('');
        b = Buffer.concat([b.subarray(0, at), Buffer.from(s, 'utf8'), b.subarray(at)]);
        break;
      }
      default: {
        // random bytes (possibly invalid UTF-8)
        const r = Buffer.alloc(1 + int(8));
        for (let i = 0; i < r.length; i++) r[i] = int(256);
        b = Buffer.concat([b.subarray(0, at), r, b.subarray(at)]);
      }
    }
  }
  return b;
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('fuzz: mutated fixtures through scan()', () => {
  it(`no crash and no internal diagnostic for ${BUDGET_MS} ms of mutations (seed ${SEED})`, async () => {
    const files = corpus();
    expect(files.length).toBeGreaterThan(10);
    const rnd = prng(SEED);
    const started = Date.now();
    let rounds = 0;
    let scanned = 0;
    const kinds = new Map<string, number>();
    while (Date.now() - started < BUDGET_MS || rounds === 0) {
      const roundSeed = Math.floor(rnd() * 2 ** 31);
      const r = prng(roundSeed);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'nodesec-fuzz-'));
      made.push(dir);
      // A small project: a few mutated fixtures (and an unmutated one, so links have something).
      const picked = Array.from({ length: 6 }, () => files[Math.floor(r() * files.length)]!);
      picked.forEach((f, i) => {
        const abs = path.join(dir, `f${i}`, path.basename(f.name));
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, i === 0 ? f.bytes : mutate(f.bytes, r));
      });
      for (const threatModel of ['app', 'library'] as const) {
        let result;
        try {
          result = await scan({ paths: [dir], cwd: dir, rules, threatModel, severity: 'low' });
        } catch (e: any) {
          throw new Error(`scan threw (FUZZ_SEED=${SEED}, round seed ${roundSeed}, ${threatModel}): ${e?.stack ?? e}`);
        }
        for (const d of result.diagnostics) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
        const internal = result.diagnostics.filter((d) => d.kind === 'internal');
        if (internal.length) {
          const keep = path.join(os.tmpdir(), `nodesec-fuzz-failure-${roundSeed}`);
          rmSync(keep, { recursive: true, force: true });
          mkdirSync(keep, { recursive: true });
          for (const d of internal) writeFileSync(path.join(keep, d.file.replace(/\//g, '__')), readFileSync(path.join(dir, d.file)));
          throw new Error(`internal diagnostic (FUZZ_SEED=${SEED}, round seed ${roundSeed}, ${threatModel}), inputs kept in ${keep}: ${JSON.stringify(internal)}`);
        }
        expect(result.stats.filesScanned + result.stats.filesSkipped).toBe(6);
        scanned += result.stats.filesScanned;
      }
      rmSync(dir, { recursive: true, force: true });
      rounds++;
    }
    // Some mutants must parse and some must not, or the fuzzer is not exercising the pipeline.
    expect(scanned).toBeGreaterThan(0);
    expect(kinds.get('syntax') ?? 0).toBeGreaterThan(0);
  }, BUDGET_MS + 120_000);
});
