/**
 * Reading one source file safely: size-capped, never blocking on a FIFO or device, binary and
 * non-UTF-8 files refused, a UTF-8 BOM stripped, minified bundles recognised.
 * Every refusal is a one-line message fit for a diagnostic.
 */
import fs, { promises as fsp } from 'node:fs';

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;

export type ReadFailureKind = 'unreadable' | 'binary' | 'encoding' | 'too-large' | 'minified';

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; kind: ReadFailureKind; message: string };

export interface ReadOptions {
  /** Files larger than this are refused with 'too-large'. Default DEFAULT_MAX_BYTES (2 MiB). */
  maxBytes: number;
  /** Refuse files that look minified (default true). */
  skipMinified?: boolean;
}

/** How much of the start of a file is searched for NUL bytes. */
const BINARY_SNIFF_BYTES = 8 * 1024;

const MINIFIED_MIN_CHARS = 20 * 1024;
const MINIFIED_AVG_LINE = 500;
const LONG_LINE_MIN_CHARS = 100 * 1024;
const LONG_LINE = 10_000;
/**
 * Minifiers that keep a newline after each statement (for readable stack traces) leave short lines
 * but drop every optional space: almost no comma is followed by a space or a line break, where
 * hand-written and generated source has one after most commas (the tersest hand-written file in the
 * benchmark corpora has one after 19% of them; minified bundles 0-3%).
 */
const TIGHT_COMMAS_MIN = 500;
const TIGHT_COMMA_SPACED = 0.05;

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'the file does not exist (it may have been deleted during the scan)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a parent of the path is not a directory',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EAGAIN: 'the file is not ready for reading',
  ENAMETOOLONG: 'the path is too long',
  EBUSY: 'the file is busy or locked',
};

function errnoMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  const code = err?.code ?? 'EUNKNOWN';
  const text = ERRNO_TEXT[code] ?? (err?.message ? err.message.replace(/^[A-Z]+: /, '').split(',')[0]! : 'unknown error');
  return `cannot read file: ${text} (${code})`;
}

function fail(kind: ReadFailureKind, message: string): ReadResult {
  return { ok: false, kind, message };
}

function trimNumber(n: number): string {
  const s = n.toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** 1536 -> "1.5 KiB", 2097152 -> "2 MiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${trimNumber(n / (1024 * 1024 * 1024))} GiB`;
  if (n >= 1024 * 1024) return `${trimNumber(n / (1024 * 1024))} MiB`;
  if (n >= 1024) return `${trimNumber(n / 1024)} KiB`;
  return `${n} bytes`;
}

function tooLarge(size: number, maxBytes: number, atLeast = false): ReadResult {
  const limit = formatBytes(maxBytes);
  let actual = formatBytes(size);
  // "larger than 2 MiB (2 MiB)" reads like a bug: show bytes when rounding hides the difference.
  if (actual === limit) actual = `${size} bytes`;
  return fail('too-large', `file is larger than ${limit} (${atLeast ? 'at least ' : ''}${actual}); raise --max-file-size to scan it`);
}

function describeNonFile(st: fs.Stats): string {
  if (st.isDirectory()) return 'cannot read file: it is a directory (EISDIR)';
  if (st.isFIFO()) return 'not a regular file (a named pipe/FIFO); skipped';
  if (st.isSocket()) return 'not a regular file (a socket); skipped';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'not a regular file (a device); skipped';
  return 'not a regular file; skipped';
}

/** Open flags that never block: a FIFO swapped in after the stat must not hang the scan. */
const OPEN_FLAGS =
  typeof fs.constants.O_NONBLOCK === 'number' && process.platform !== 'win32'
    ? fs.constants.O_RDONLY | fs.constants.O_NONBLOCK
    : 'r';

/**
 * Reads at most `maxBytes + 1` bytes, so a file that grew after the stat can't blow the limit.
 * Returns the bytes, or `undefined` when the file is over the limit.
 */
async function readCapped(handle: fsp.FileHandle, sizeHint: number, maxBytes: number): Promise<Buffer | undefined> {
  const cap = maxBytes + 1;
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(sizeHint + 1, cap)));
  let total = 0;
  for (;;) {
    if (total === buf.length) {
      if (buf.length >= cap) break;
      const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
      buf.copy(bigger, 0, 0, total);
      buf = bigger;
    }
    const { bytesRead } = await handle.read(buf, total, buf.length - total, null);
    if (bytesRead === 0) break;
    total += bytesRead;
  }
  if (total > maxBytes) return undefined;
  return buf.subarray(0, total);
}

/** readCapped with a file descriptor, synchronously. */
function readCappedSync(fd: number, sizeHint: number, maxBytes: number): Buffer | undefined {
  const cap = maxBytes + 1;
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(sizeHint + 1, cap)));
  let total = 0;
  for (;;) {
    if (total === buf.length) {
      if (buf.length >= cap) break;
      const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
      buf.copy(bigger, 0, 0, total);
      buf = bigger;
    }
    const bytesRead = fs.readSync(fd, buf, total, buf.length - total, null);
    if (bytesRead === 0) break;
    total += bytesRead;
  }
  if (total > maxBytes) return undefined;
  return buf.subarray(0, total);
}

/** Strict UTF-8 (a non-streaming decode() keeps no state between files); strips one leading BOM. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Index of the first NUL byte in the first `limit` bytes, or -1. */
function firstNul(buf: Uint8Array, limit: number): number {
  return buf.subarray(0, Math.min(limit, buf.length)).indexOf(0);
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return i;
    }
    if (i + need >= n) return i; // truncated sequence
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function lineColumnOf(buf: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export interface MinifiedInfo {
  averageLineLength: number;
  longestLine: number;
}

function lineStats(text: string): { lines: number; longest: number } {
  let lines = 0;
  let longest = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    lines++;
    if (end - start > longest) longest = end - start;
    if (nl < 0) break;
    start = nl + 1;
  }
  return { lines, longest };
}

/** Commas in `text`, and how many of them are followed by a space, a tab or a line break. */
function commaSpacing(text: string): { commas: number; spaced: number } {
  let commas = 0;
  let spaced = 0;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
    commas++;
    const next = text.charCodeAt(i + 1);
    if (next === 32 || next === 10 || next === 13 || next === 9) spaced++;
  }
  return { commas, spaced };
}

/**
 * Minified-bundle heuristic: in a file over 20 KB, an average line over 500 characters, or fewer than
 * 5% of at least 500 commas followed by whitespace; in a file over 100 KB, any line over 10,000
 * characters. Returns why, or `undefined`.
 */
export function minifiedReason(text: string): string | undefined {
  if (text.length <= MINIFIED_MIN_CHARS) return undefined;
  const { lines, longest } = lineStats(text);
  const average = (text.length - (lines - 1)) / lines;
  if (average > MINIFIED_AVG_LINE) {
    return `average line length ${Math.round(average).toLocaleString('en-US')} characters`;
  }
  if (text.length > LONG_LINE_MIN_CHARS && longest > LONG_LINE) {
    return `a line of ${longest.toLocaleString('en-US')} characters`;
  }
  const { commas, spaced } = commaSpacing(text);
  if (commas >= TIGHT_COMMAS_MIN && spaced < commas * TIGHT_COMMA_SPACED) {
    return `${spaced.toLocaleString('en-US')} of ${commas.toLocaleString('en-US')} commas followed by a space or line break`;
  }
  return undefined;
}

export function looksMinified(text: string): boolean {
  return minifiedReason(text) !== undefined;
}

export async function readSourceFile(abs: string, opts: ReadOptions = { maxBytes: DEFAULT_MAX_BYTES }): Promise<ReadResult> {
  const maxBytes = Number.isFinite(opts.maxBytes) && opts.maxBytes >= 0 ? opts.maxBytes : DEFAULT_MAX_BYTES;

  // stat first: never open a FIFO or a device, and refuse big files without reading them.
  // Synchronous calls: a local file is read in microseconds, and a promise per system call (stat,
  // open, fstat, read, close) cost more than the reads themselves on large trees.
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    return fail('unreadable', errnoMessage(e));
  }
  if (!st.isFile()) return fail('unreadable', describeNonFile(st));
  if (st.size > maxBytes) return tooLarge(st.size, maxBytes);

  let bytes: Buffer | undefined;
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO swapped in after the stat cannot block the open.
    fd = fs.openSync(abs, OPEN_FLAGS);
    // The path may have been swapped between stat and open.
    const hst = fs.fstatSync(fd);
    if (!hst.isFile()) return fail('unreadable', describeNonFile(hst));
    bytes = readCappedSync(fd, hst.size, maxBytes);
    if (bytes === undefined) return tooLarge(maxBytes + 1, maxBytes, true);
  } catch (e) {
    return fail('unreadable', errnoMessage(e));
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
  }

  // UTF-16/32 text is full of NUL bytes: say what it is rather than "binary".
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return fail('encoding', 'file is UTF-16 encoded (byte order mark); only UTF-8 is supported, save it as UTF-8 to scan it');
  }
  const nul = firstNul(bytes, BINARY_SNIFF_BYTES);
  if (nul >= 0) return fail('binary', `binary file (NUL byte at offset ${nul}); skipped`);

  let text: string;
  try {
    // Strips one leading UTF-8 BOM (ignoreBOM: false).
    text = UTF8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let where = '';
    if (at >= 0) {
      const { line, column } = lineColumnOf(bytes, at);
      where = ` (first invalid byte at line ${line}, column ${column})`;
    }
    return fail('encoding', `file is not valid UTF-8${where}; save it as UTF-8 to scan it`);
  }

  if (opts.skipMinified !== false) {
    const why = minifiedReason(text);
    if (why) return fail('minified', `file looks minified (${why}); skipped, scan the unminified source instead`);
  }
  return { ok: true, text };
}

/**
 * The text of a regular file, read synchronously without ever blocking: a FIFO, socket or device
 * (even one swapped in for the file since it was scanned) and a file over `maxBytes` give
 * `undefined`, as does any error. For files in the scanned tree read outside readSourceFile
 * (snippets, package.json, ignore files): a hostile tree must not be able to hang the scan.
 */
export function readRegularFileSync(abs: string, maxBytes = 64 * 1024 * 1024): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(abs, OPEN_FLAGS);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < buf.length) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.toString('utf8', 0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    }
  }
}

/** Async readRegularFileSync: `undefined` unless `abs` is a regular file of at most `maxBytes`. */
export async function readRegularFile(abs: string, maxBytes = 64 * 1024 * 1024): Promise<string | undefined> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(abs, OPEN_FLAGS);
    const st = await handle.stat();
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const bytes = await readCapped(handle, st.size, maxBytes);
    return bytes?.toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
