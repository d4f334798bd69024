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
  private next: CacheFile['files'] = {};
  private oldLink: unknown;
  private nextLink: unknown;
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
      this.next[rel] = e;
      return e.result;
    }
    this.misses++;
    return undefined;
  }

  set(rel: string, hash: string, result: CachedFile): void {
    this.next[rel] = { hash, result };
  }

  /** No file changed since the cached scan: every file a hit, none added or removed. */
  get unchanged(): boolean {
    return this.misses === 0 && Object.keys(this.old).length === Object.keys(this.next).length;
  }

  /** The cached link result when no file changed (call after every file's get), else undefined. */
  link(): unknown {
    return this.unchanged ? this.oldLink : undefined;
  }

  /** The link result of this scan's files, written by save(). */
  setLink(result: unknown): void {
    this.nextLink = result;
  }

  /** Writes the entries of this scan (files no longer scanned are dropped). Never throws. */
  save(): void {
    if (this.unchanged && this.nextLink === undefined) return; // nothing new
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      // Written entry by entry: one string of the whole cache would double the peak memory.
      const fd = openSync(tmp, 'w');
      try {
        let chunk = `{"format":${FORMAT},"key":${JSON.stringify(this.key)},"files":{`;
        let first = true;
        for (const [rel, e] of Object.entries(this.next)) {
          chunk += (first ? '' : ',') + JSON.stringify(rel) + ':' + JSON.stringify(e);
          first = false;
          if (chunk.length > 1 << 20) {
            writeSync(fd, chunk);
            chunk = '';
          }
        }
        chunk += '}';
        if (this.nextLink !== undefined) chunk += `,"link":${JSON.stringify(this.nextLink)}`;
        writeSync(fd, chunk + '}');
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch {
      // Read-only or full disk: the next scan is cold, nothing else.
      try {
        unlinkSync(tmp);
      } catch {
        /* never created */
      }
    }
  }
}
