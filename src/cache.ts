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
 *
 * A file's taint facts are ~98% of its entry and only the link uses them: they are not read with
 * the entry but left in the file (StoredFacts: where they are) and read and decoded only when the
 * link runs, so a scan in which no file changed never touches them, and entries kept unchanged are
 * copied byte for byte into the next cache file.
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
const FORMAT = 3;

/** Everything scan.ts derives from one file's path and text. */
export interface CachedFile {
  /** Local findings (pattern rules, text rules). */
  findings: Finding[];
  /** A fresh result's facts, or a cached one's still undecoded (StoredFacts). */
  facts?: FileFacts | StoredFacts;
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
 *   {"format":3,"key":"..."}          first line: a file of another format or key is not read further
 *   ["rel/path.js","hash",{...}]      per file: its content hash and CachedFile without `facts`;
 *   ["rel/path.js","hash",{...},1]      with a 1 when its facts follow
 *   {...}                               on the next line
 *   {"link":{...}}                    last, optional: the cross-file link's complete result
 */
type Entry = { hash: string; result: CachedFile };

/** The cache file a scan read, held open (at the file it was read from) until save() is done. */
class CacheSource {
  constructor(private fd: number | undefined) {}

  /** `length` bytes at `offset`; throws once closed. */
  read(offset: number, length: number): Buffer {
    if (this.fd === undefined) throw new Error('cache file closed');
    const buf = Buffer.allocUnsafe(length);
    for (let n = 0; n < length; ) {
      const r = readSync(this.fd, buf, n, length - n, offset + n);
      if (r === 0) throw new Error('cache file cut short');
      n += r;
    }
    return buf;
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    this.fd = undefined;
  }
}

/**
 * A cached file's facts, left in the cache file until the link needs them: where their JSON line
 * is. Holding one costs a few bytes however large the facts are.
 */
export class StoredFacts {
  constructor(
    private readonly source: CacheSource,
    private readonly offset: number,
    private readonly length: number,
  ) {}

  /** The facts, read and decoded afresh on each call. Throws if the stored JSON is damaged. */
  value(): FileFacts {
    return JSON.parse(this.source.read(this.offset, this.length).toString('utf8')) as FileFacts;
  }

  /** Copies the stored JSON, 1 MB at a time. */
  copyTo(w: ChunkWriter): void {
    for (let at = 0; at < this.length; at += READ_BYTES) w.bytes(this.source.read(this.offset + at, Math.min(READ_BYTES, this.length - at)));
  }
}

/** How much of the cache file is read at a time. */
const READ_BYTES = 1 << 20;

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
  /** The file read, open while its StoredFacts may be needed. */
  private source = new CacheSource(undefined);
  /** The new cache file being written: set() streams each new entry into it as it comes. */
  private out: { fd: number; tmp: string } | undefined | null;
  hits = 0;
  misses = 0;

  /**
   * @param dir cache folder
   * @param root absolute scan root (one cache file per root)
   * @param settings everything besides the files that the per-file results depend on
   * @param cold start empty (the stored file is replaced by save())
   */
  constructor(dir: string, root: string, settings: unknown, cold = false) {
    this.file = path.join(dir, `${createHash('sha1').update(root).digest('hex').slice(0, 16)}.json`);
    this.key = createHash('sha1').update(installedCodeId()).update('\0').update(JSON.stringify(settings) ?? '').digest('base64url');
    if (cold) return;
    try {
      this.read();
    } catch {
      /* no cache yet, or unreadable: start cold */
      this.old = new Map();
      this.oldLink = undefined;
      this.source.close();
    }
  }

  /**
   * Reads the cache file line by line; throws on anything malformed. A facts line is not read, only
   * checked to begin and end like an object (StoredFacts decodes it if the link needs it, and
   * scan.ts starts cold if it turns out damaged). The file stays open for StoredFacts.
   */
  private read(): void {
    const fd = openSync(this.file, 'r');
    this.source = new CacheSource(fd);
    let first = true;
    let facts = false;
    let last: { rel: string; entry: Entry } | undefined;
    let anyFacts = false;
    forEachLine(fd, () => !facts, (line) => {
      if (facts) {
        if (line.first !== 0x7b || line.last !== 0x7d) throw new Error('malformed facts line');
        last!.entry.result.facts = new StoredFacts(this.source, line.offset, line.length);
        facts = false;
        anyFacts = true;
        return true;
      }
      const v = JSON.parse(line.bytes!.toString('utf8')) as unknown;
      if (first) {
        first = false;
        const h = v as { format?: unknown; key?: unknown };
        return h?.format === FORMAT && h.key === this.key; // another build or settings: cold
      }
      if (
        Array.isArray(v) &&
        (v.length === 3 || (v.length === 4 && v[3] === 1)) &&
        typeof v[0] === 'string' &&
        typeof v[1] === 'string' &&
        v[2] &&
        typeof v[2] === 'object' &&
        !('facts' in v[2])
      ) {
        last = { rel: v[0], entry: { hash: v[1], result: v[2] as CachedFile } };
        this.old.set(last.rel, last.entry);
        facts = v.length === 4;
      } else if (v && typeof v === 'object' && 'link' in v) this.oldLink = (v as { link: unknown }).link;
      else throw new Error('malformed cache line');
      return true;
    });
    if (facts) throw new Error('cache entry without its facts line');
    if (!anyFacts) this.source.close();
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
    try {
      this.write();
    } finally {
      this.source.close();
    }
  }

  private write(): void {
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
      this.source.close(); // before the rename: some systems refuse to replace an open file
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

  /** Gives up this scan's new cache file (the stored one is left as it is). */
  discard(): void {
    this.abandon();
    this.source.close();
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

/** A file's line `["rel", "hash", result without facts]`, with `,1]` and a line of facts if it has any. */
function writeEntry(w: ChunkWriter, rel: string, e: Entry): void {
  const facts = e.result.facts;
  w.add('[' + JSON.stringify(rel) + ',' + JSON.stringify(e.hash) + ',');
  w.json({ ...e.result, facts: undefined }, 3);
  if (!facts) {
    w.add(']\n');
    return;
  }
  w.add(',1]\n');
  if (facts instanceof StoredFacts) facts.copyTo(w);
  else w.json(facts, 2);
  w.add('\n');
}

interface Line {
  /** Byte offset in the file, and length without the newline. */
  offset: number;
  length: number;
  /** First and last byte. */
  first: number;
  last: number;
  /** The bytes, if asked for: a view of the read buffer (valid during the call) or a buffer of their own. */
  bytes?: Buffer;
}

/**
 * Calls `fn` for each non-empty line of an open file, read 1 MB at a time; stops when `fn` returns
 * false. `wantBytes()`, asked as each line begins, says whether `fn` needs its bytes: a line whose
 * bytes are not wanted is never held in memory, however long (one file's facts can be 43 MB).
 */
function forEachLine(fd: number, wantBytes: () => boolean, fn: (line: Line) => boolean): void {
  const buf = Buffer.allocUnsafe(READ_BYTES);
  let pos = 0; // file offset of buf[0]
  let line = { offset: 0, length: 0, first: 0, last: 0, pieces: wantBytes() ? ([] as Buffer[]) : undefined };
  const done = (): Line => {
    const p = line.pieces;
    return { offset: line.offset, length: line.length, first: line.first, last: line.last, bytes: p ? (p.length === 1 ? p[0] : Buffer.concat(p)) : undefined };
  };
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    let start = 0;
    while (start < n) {
      let nl = buf.indexOf(10, start);
      if (nl >= n) nl = -1; // a stale byte past this read
      const end = nl < 0 ? n : nl;
      if (end > start) {
        if (line.length === 0) line.first = buf[start]!;
        line.last = buf[end - 1]!;
        line.length += end - start;
        // A piece that continues in the next read is copied: buf is read into again.
        line.pieces?.push(nl < 0 ? Buffer.from(buf.subarray(start, end)) : buf.subarray(start, end));
      }
      if (nl < 0) break;
      if (line.length && !fn(done())) return;
      start = nl + 1;
      line = { offset: pos + start, length: 0, first: 0, last: 0, pieces: wantBytes() ? [] : undefined };
    }
    pos += n;
  }
  if (line.length) fn(done());
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

  bytes(b: Buffer): void {
    this.flush();
    writeSync(this.fd, b);
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
