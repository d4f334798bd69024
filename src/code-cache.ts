/**
 * V8 code cache for the parser's CommonJS modules on Node versions without
 * `module.enableCompileCache()` (Node < 22.1). Loading typescript + typescript-estree is most of a
 * small scan's cost (~0.5 s cold); with the compiled code cached it takes about half.
 *
 * The cache holds compiled code of nodesec's own dependencies only, never of scanned code. It lives
 * in nodesec's install folder (`.cache/v8/` beside `package.json`), not in the scanned project or the
 * results cache, so a scanned repository cannot plant one: a code cache is executable, and the
 * results cache may sit inside the repository being scanned. If that folder is not writable there
 * is simply no cache. Each entry is keyed by the module's path and its file's identity (size, inode, change time), the whole
 * file by Node's version, V8's version and the architecture; V8 rejects data made under other flags.
 * `--no-cache`, or `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch for its compile cache), turns it off.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { OWN_CACHE_DIR } from './version.js';

const MAGIC = 'nodesec-v8-code-cache-1';
const CACHE_FILE = path.join(OWN_CACHE_DIR, 'v8', `${process.platform}-${process.arch}-${process.versions.v8}.bin`);

interface Entry {
  /** sourceKey() of the module file the data was made from. */
  key: string;
  data: Buffer;
}

let installed = false;
let stored = new Map<string, Entry>();
/** Scripts compiled in this process whose cache was missing or rejected, to serialise at the end. */
const fresh = new Map<string, { key: string; script: vm.Script }>();

/**
 * The identity of a module file's content without hashing 9 MB of typescript.js on every start:
 * an install or update writes a new file (new inode and change time, which no archive can set);
 * the length of the source read is part of it too, and V8 checks the source length again.
 */
function sourceKey(filename: string, source: string): string {
  const st = statSync(filename, { bigint: true, throwIfNoEntry: false });
  return st ? `${source.length}:${st.size}:${st.ino}:${st.ctimeNs}:${st.mtimeNs}` : `${source.length}:?`;
}

function readStore(): Map<string, Entry> {
  const out = new Map<string, Entry>();
  let buf: Buffer;
  try {
    buf = readFileSync(CACHE_FILE);
  } catch {
    return out;
  }
  try {
    const headerLen = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + headerLen).toString('utf8')) as { magic: string; node: string; entries: [string, string, number, number][] };
    if (header.magic !== MAGIC || header.node !== process.version) return out;
    const base = 4 + headerLen;
    for (const [file, key, start, length] of header.entries) out.set(file, { key, data: buf.subarray(base + start, base + start + length) });
  } catch {
    /* a damaged file: start again */
  }
  return out;
}

/**
 * Compile CommonJS modules loaded from now on through the code cache. Call before loading the parser.
 * A no-op where Node has its own compile cache, or when turned off.
 */
export function installCodeCache(): void {
  if (installed) return;
  installed = true;
  if (typeof (Module as any).enableCompileCache === 'function' || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  let loaded = false;
  const proto = (Module as any).prototype;
  const original = proto._compile;
  proto._compile = function (this: any, content: string, filename: string) {
    if (!filename.includes(`${path.sep}node_modules${path.sep}`)) return original.call(this, content, filename);
    if (!loaded) {
      loaded = true;
      stored = readStore();
    }
    const key = sourceKey(filename, content);
    const entry = stored.get(filename);
    const cachedData = entry && entry.key === key ? entry.data : undefined;
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) fresh.set(filename, { key, script });
    const fn = script.runInThisContext({ displayErrors: true });
    const dirname = path.dirname(filename);
    const require = makeRequire(this);
    return fn.call(this.exports, this.exports, require, this, filename, dirname);
  };
}

function makeRequire(mod: any): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  require.resolve = ((request: string, options?: { paths?: string[] }) => (Module as any)._resolveFilename(request, mod, false, options)) as any;
  (require.resolve as any).paths = (request: string) => (Module as any)._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = (Module as any)._extensions;
  require.cache = (Module as any)._cache;
  return require;
}

/**
 * Write the cache if a module was compiled without usable data. Call after the scan: functions V8
 * compiled lazily while parsing are then in the data too. Never throws.
 */
export function saveCodeCache(): void {
  if (fresh.size === 0) return;
  try {
    const entries = new Map(stored);
    for (const [file, { key, script }] of fresh) entries.set(file, { key, data: script.createCachedData() });
    fresh.clear();
    const list: [string, string, number, number][] = [];
    const parts: Buffer[] = [];
    let offset = 0;
    for (const [file, e] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      list.push([file, e.key, offset, e.data.length]);
      parts.push(e.data);
      offset += e.data.length;
    }
    const header = Buffer.from(JSON.stringify({ magic: MAGIC, node: process.version, entries: list }), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length, 0);
    mkdirSync(path.dirname(CACHE_FILE), { recursive: true });
    const tmp = `${CACHE_FILE}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([len, header, ...parts]));
      renameSync(tmp, CACHE_FILE);
    } catch {
      rmSync(tmp, { force: true });
    }
  } catch {
    /* not writable (a read-only install): no cache */
  }
}
