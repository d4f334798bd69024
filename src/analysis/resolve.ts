/**
 * Resolution of relative module specifiers between scanned files: extensions, `.js` -> `.ts`
 * (TypeScript ESM convention), directory index files and package.json `main`.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readRegularFileSync } from '../read.js';

const SOURCE_EXTS = ['.js', '.ts', '.mjs', '.cjs', '.jsx', '.tsx', '.mts', '.cts'];

export function isRelativeSpec(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || spec.startsWith('/');
}

/** Returns resolve(fromFile, spec) -> scanned file (relative posix path) or undefined. */
export function createResolver(files: ReadonlySet<string> | Map<string, unknown>, root: string): (fromFile: string, spec: string) => string | undefined {
  const has = (f: string) => files.has(f);
  const cache = new Map<string, string | null>();
  function findFile(base: string, depth = 0): string | undefined {
    if (has(base)) return base;
    const noJs = base.replace(/\.(c|m)?js$/, '');
    for (const ext of SOURCE_EXTS) {
      if (has(base + ext)) return base + ext;
      if (noJs !== base && has(noJs + ext)) return noJs + ext;
    }
    const abs = path.join(root, base);
    try {
      if (depth < 3 && existsSync(abs) && statSync(abs).isDirectory()) {
        const pj = path.join(abs, 'package.json');
        if (existsSync(pj)) {
          const main = JSON.parse(readRegularFileSync(pj, 1024 * 1024) ?? '{}').main; // a FIFO must not hang the scan
          if (typeof main === 'string') {
            const m = findFile(path.posix.normalize(path.posix.join(base, main)), depth + 1);
            if (m) return m;
          }
        }
      }
    } catch {
      /* unreadable or invalid package.json: fall through to index */
    }
    for (const ext of SOURCE_EXTS) if (has(base + '/index' + ext)) return base + '/index' + ext;
    return undefined;
  }
  return (fromFile, spec) => {
    const key = fromFile + '\0' + spec;
    const hit = cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    let out: string | undefined;
    if (spec === '#self') out = fromFile;
    else if (isRelativeSpec(spec)) out = findFile(path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec)));
    cache.set(key, out ?? null);
    return out;
  };
}
