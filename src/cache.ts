/**
 * Content-hash cache of per-file results: a file whose path and text are unchanged since the last
 * scan gets its findings, taint facts, project-rule facts and suppressions from the cache, without
 * loading the parser. The project link, project rules and the filter stage always run (they
 * depend on every file), except that a scan in which no file changed (every file a hit, none added
 * or removed) reuses the previous scan's complete link result, stored beside the files.
 *
 * One file (JSON lines, described at `Entry`) per scanned root in the cache folder (default
 * `node_modules/.cache/nodesec` under the current folder). It is valid only for the same key: nodesec's version and installed code,
 * the enabled rules and their settings, the threat model and the project's taint knowledge, and a
 * secret of this installation (so a cache planted in a scanned repository is never used); any
 * change starts a cold cache. Written atomically (temporary file, then rename), so concurrent
 * scans never read half a file; the last writer wins. A cache that cannot be read or written is
 * ignored: the scan never fails because of it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic, Finding } from './rule.js';
import { OWN_CACHE_DIR, TOOL } from './version.js';
import type { FileFacts } from './analysis/taint.js';
import type { Suppression } from './suppress.js';

export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'nodesec');
const FORMAT = 2;

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

/**
 * The cache file is JSON lines, read and written one line at a time so that neither a scan that
 * writes it nor one that reads it ever holds the whole file as one string (175 MB for a
 * 5,666-file corpus):
 *   {"format":2,"key":"..."}          first line: a file of another format or key is not read further
 *   ["rel/path.js","hash",{...}]      one line per file: its content hash and CachedFile
 *   {"link":{...}}                    last, optional: the cross-file link's complete result
 */
type Entry = { hash: string; result: CachedFile };

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
  private old = new Map<string, Entry>();
  /** Entries reused from the previous scan, written by save(). */
  private kept = new Map<string, Entry>();
  private oldLink: unknown;
  private nextLink: unknown;
  /** The new cache file being written: set() streams each new entry into it as it comes. */
  private out: { fd: number; tmp: string } | undefined | null;
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
      this.read();
    } catch {
      /* no cache yet, or unreadable: start cold */
      this.old = new Map();
      this.oldLink = undefined;
    }
  }

  /** Reads the cache file line by line; throws on anything malformed. */
  private read(): void {
    let first = true;
    forEachLine(this.file, (line) => {
      const v = JSON.parse(line) as unknown;
      if (first) {
        first = false;
        const h = v as { format?: unknown; key?: unknown };
        if (h?.format !== FORMAT || h.key !== this.key) return false; // another build or settings: cold
        return true;
      }
      if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && typeof v[1] === 'string' && v[2] && typeof v[2] === 'object') {
        this.old.set(v[0], { hash: v[1], result: v[2] as CachedFile });
      } else if (v && typeof v === 'object' && 'link' in v) this.oldLink = (v as { link: unknown }).link;
      else throw new Error('malformed cache line');
      return true;
    });
  }

  /** The cached result for a file with this path and text, or undefined. */
  get(rel: string, hash: string): CachedFile | undefined {
    const e = this.old.get(rel);
    if (e && e.hash === hash) {
      this.hits++;
      this.kept.set(rel, e);
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
      writeEntry(w, rel, { hash, result });
      w.flush();
    } catch {
      this.abandon();
    }
  }

  /** No file changed since the cached scan: every file a hit, none added or removed. */
  get unchanged(): boolean {
    return this.misses === 0 && this.old.size === this.kept.size;
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
      for (const [rel, e] of this.kept) {
        writeEntry(w, rel, e);
      }
      if (this.nextLink !== undefined) {
        w.add('{"link":');
        w.json(this.nextLink, 2);
        w.add('}\n');
      }
      w.flush();
      closeSync(out.fd);
      this.out = null;
      renameSync(out.tmp, this.file);
    } catch {
      this.abandon();
    }
  }

  /** The temporary file the new cache is written to, opened on first use; null once given up. */
  private open(): { fd: number; tmp: string } | undefined {
    if (this.out !== undefined) return this.out ?? undefined;
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      removeStaleTemporaries(path.dirname(this.file));
      const fd = openSync(tmp, 'w');
      this.out = { fd, tmp };
      writeSync(fd, `{"format":${FORMAT},"key":${JSON.stringify(this.key)}}\n`);
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

/** One line of the cache file: `["rel", "hash", result]`. */
function writeEntry(w: ChunkWriter, rel: string, e: Entry): void {
  w.add('[' + JSON.stringify(rel) + ',' + JSON.stringify(e.hash) + ',');
  w.json(e.result, 3);
  w.add(']\n');
}

/**
 * Calls `fn` with each line of a UTF-8 file, read 1 MB at a time (a line may be longer: its pieces
 * are joined once it ends); stops when `fn` returns false.
 */
function forEachLine(file: string, fn: (line: string) => boolean): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pieces: Buffer[] = [];
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0 || nl >= n) break;
        pieces.push(buf.subarray(start, nl));
        const line = pieces.length === 1 ? pieces[0]!.toString('utf8') : Buffer.concat(pieces).toString('utf8');
        pieces = [];
        start = nl + 1;
        if (line && !fn(line)) return;
      }
      if (start < n) pieces.push(Buffer.from(buf.subarray(start, n))); // a copy: buf is read into again
    }
    if (pieces.length) {
      const line = Buffer.concat(pieces).toString('utf8');
      if (line) fn(line);
    }
  } finally {
    closeSync(fd);
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
