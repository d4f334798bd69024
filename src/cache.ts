/**
 * Content-hash cache of per-file results: a file whose path and text are unchanged since the last
 * scan gets its findings, taint facts, project-rule facts and suppressions from the cache, without
 * loading the parser. The project link, project rules and the filter stage always run (they
 * depend on every file), except that a scan in which no file changed (every file a hit, none added
 * or removed) reuses the previous scan's complete link result, stored beside the files.
 *
 * One JSON file per scanned root in the cache folder (default `node_modules/.cache/nodesec` under
 * the current folder). It is valid only for the same key: nodesec's version and installed code,
 * the enabled rules and their settings, the threat model and the project's taint knowledge, and a
 * secret of this installation (so a cache planted in a scanned repository is never used); any
 * change starts a cold cache. Written atomically (temporary file, then rename), so concurrent
 * scans never read half a file; the last writer wins. A cache that cannot be read or written is
 * ignored: the scan never fails because of it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, Finding } from './rule.js';
import { OWN_CACHE_DIR, TOOL } from './version.js';
import type { FileFacts } from './analysis/taint.js';
import type { Suppression } from './suppress.js';

export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'nodesec');
const FORMAT = 1;

/** Everything scan.ts derives from one file's path and text. */
export interface CachedFile {
  /** Local findings (pattern rules, text rules). */
  findings: Finding[];
  facts?: FileFacts;
  projectFacts?: Record<string, unknown>;
  suppressions?: Suppression[];
  /** Suppression problems, syntax errors, analysis failures. */
  diagnostics?: Diagnostic[];
  /** The file was not analysed (syntax error, analysis failure): counts as skipped. */
  skipped?: boolean;
}

interface CacheFile {
  format: number;
  key: string;
  /** rel path -> content hash and result. */
  files: Record<string, { hash: string; result: CachedFile }>;
  /** The cross-file link's result for exactly these files (only a complete one is kept). */
  link?: unknown;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/**
 * A fingerprint of nodesec's own installed code: its version and the size and time of its built
 * files, so a rebuilt or upgraded nodesec never reuses results of another build.
 */
let codeId: string | undefined;
function installedCodeId(): string {
  if (codeId !== undefined) return codeId;
  const parts: string[] = [];
  try {
    const distSrc = path.dirname(fileURLToPath(import.meta.url)); // dist/src
    const dirs = [distSrc, path.join(distSrc, 'analysis'), path.join(distSrc, 'secrets'), path.join(distSrc, '..', 'rules')];
    for (const d of dirs) {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        continue;
      }
      for (const n of names.sort()) {
        if (!n.endsWith('.js')) continue;
        const st = statSync(path.join(d, n));
        parts.push(`${n}:${st.size}:${Math.round(st.mtimeMs)}`);
      }
    }
    parts.push(TOOL.version);
    parts.push(installSecret());
  } catch {
    parts.push(String(Math.random())); // unknown build: never reuse
  }
  return (codeId = createHash('sha1').update(parts.join('\n')).digest('base64url'));
}

/**
 * A random value made once per nodesec installation and kept in its own folder (`.cache/secret`,
 * beside the code cache), never in a scanned project. It is part of the cache key, so a results
 * cache planted in a scanned repository (node_modules/.cache/nodesec is under the current folder)
 * can never be taken for this installation's and hide a finding. Where the install folder is
 * read-only, each run has its own value: nothing is reused, nothing can be planted.
 */
function installSecret(): string {
  const file = path.join(OWN_CACHE_DIR, 'secret');
  try {
    const s = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(s)) return s;
  } catch {
    /* first run */
  }
  const fresh = randomBytes(24).toString('base64url');
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, fresh + '\n', { mode: 0o600 });
    renameSync(tmp, file);
    // Concurrent first runs: whoever renamed last wins; use what is on disk.
    return readFileSync(file, 'utf8').trim();
  } catch {
    return fresh;
  }
}

export class ScanCache {
  private readonly file: string;
  private readonly key: string;
  private old: CacheFile['files'] = {};
  /** Entries reused from the previous scan, written by save(). */
  private kept: CacheFile['files'] = {};
  private keptCount = 0;
  private oldLink: unknown;
  private nextLink: unknown;
  /** The new cache file being written: set() streams each new entry into it as it comes. */
  private out: { fd: number; tmp: string; count: number } | undefined | null;
  hits = 0;
  misses = 0;

  /**
   * @param dir cache folder
   * @param root absolute scan root (one cache file per root)
   * @param settings everything besides the files that the per-file results depend on
   */
  constructor(dir: string, root: string, settings: unknown) {
    this.file = path.join(dir, `${createHash('sha1').update(root).digest('hex').slice(0, 16)}.json`);
    this.key = createHash('sha1').update(installedCodeId()).update('\0').update(JSON.stringify(settings) ?? '').digest('base64url');
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      if (data.format === FORMAT && data.key === this.key && data.files && typeof data.files === 'object') {
        this.old = data.files;
        this.oldLink = data.link;
      }
    } catch {
      /* no cache yet, or unreadable: start cold */
    }
  }

  /** The cached result for a file with this path and text, or undefined. */
  get(rel: string, hash: string): CachedFile | undefined {
    const e = this.old[rel];
    if (e && e.hash === hash) {
      this.hits++;
      if (!(rel in this.kept)) this.keptCount++;
      this.kept[rel] = e;
      return e.result;
    }
    this.misses++;
    return undefined;
  }

  /**
   * Stores a file's new result. It is serialised and written at once, so the results of a cold
   * scan never pile up as one burst of strings at the end (174 MB of JSON on a 5,666-file corpus).
   */
  set(rel: string, hash: string, result: CachedFile): void {
    const out = this.open();
    if (!out) return;
    try {
      const w = new ChunkWriter(out.fd);
      w.add((out.count++ ? ',' : '') + JSON.stringify(rel) + ':');
      w.json({ hash, result }, 4);
      w.flush();
    } catch {
      this.abandon();
    }
  }

  /** No file changed since the cached scan: every file a hit, none added or removed. */
  get unchanged(): boolean {
    return this.misses === 0 && Object.keys(this.old).length === this.keptCount;
  }

  /** The cached link result when no file changed (call after every file's get), else undefined. */
  link(): unknown {
    return this.unchanged ? this.oldLink : undefined;
  }

  /** The link result of this scan's files, written by save(). */
  setLink(result: unknown): void {
    this.nextLink = result;
  }

  /** Writes the rest of this scan's entries (files no longer scanned are dropped). Never throws. */
  save(): void {
    if (this.unchanged && this.nextLink === undefined && !this.out) return; // nothing new
    const out = this.open();
    if (!out) return;
    try {
      // Entry by entry: one string of the whole cache would double the peak memory.
      const w = new ChunkWriter(out.fd);
      for (const [rel, e] of Object.entries(this.kept)) {
        w.add((out.count++ ? ',' : '') + JSON.stringify(rel) + ':');
        w.json(e, 4);
      }
      w.add('}');
      if (this.nextLink !== undefined) {
        w.add(',"link":');
        w.json(this.nextLink, 2);
      }
      w.add('}');
      w.flush();
      closeSync(out.fd);
      this.out = null;
      renameSync(out.tmp, this.file);
    } catch {
      this.abandon();
    }
  }

  /** The temporary file the new cache is written to, opened on first use; null once given up. */
  private open(): { fd: number; tmp: string; count: number } | undefined {
    if (this.out !== undefined) return this.out ?? undefined;
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      removeStaleTemporaries(path.dirname(this.file));
      const fd = openSync(tmp, 'w');
      this.out = { fd, tmp, count: 0 };
      writeSync(fd, `{"format":${FORMAT},"key":${JSON.stringify(this.key)},"files":{`);
      return this.out;
    } catch {
      this.abandon();
      return undefined;
    }
  }

  /** Read-only or full disk: the next scan is cold, nothing else. */
  private abandon(): void {
    const out = this.out;
    this.out = null;
    if (!out) return;
    try {
      closeSync(out.fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(out.tmp);
    } catch {
      /* never created */
    }
  }
}

/**
 * JSON written to a file in chunks of about 1 MB. `json(v, depth)` writes the top `depth` levels of
 * `v` member by member and each deeper member with one JSON.stringify, so no single string is ever
 * much larger than one member (one file's facts can be tens of MB of JSON). The output is what
 * JSON.stringify(v) gives for plain data (members that are undefined or functions are left out of
 * objects and are null in arrays).
 */
class ChunkWriter {
  private chunk = '';
  constructor(private readonly fd: number) {}

  add(s: string): void {
    this.chunk += s;
    if (this.chunk.length > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.chunk) writeSync(this.fd, this.chunk);
    this.chunk = '';
  }

  json(v: unknown, depth: number): void {
    if (depth <= 0 || v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      this.add(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      this.add('[');
      for (let i = 0; i < v.length; i++) {
        if (i) this.add(',');
        this.json(v[i], depth - 1);
      }
      this.add(']');
      return;
    }
    this.add('{');
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      this.add((first ? '' : ',') + JSON.stringify(k) + ':');
      first = false;
      this.json(x, depth - 1);
    }
    this.add('}');
  }
}

/** Temporary files older than a day were left by scans that were killed before save(). */
function removeStaleTemporaries(dir: string): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const n of readdirSync(dir)) {
    if (!n.endsWith('.tmp')) continue;
    try {
      const p = path.join(dir, n);
      if (statSync(p).mtimeMs < dayAgo) unlinkSync(p);
    } catch {
      /* removed by another scan */
    }
  }
}
