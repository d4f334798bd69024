import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MAX_BYTES, formatBytes, looksMinified, readSourceFile } from '../src/read.js';

const isWindows = process.platform === 'win32';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const tmpDirs: string[] = [];

let dir: string;
beforeEach(async () => {
  dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'nodesec-read-'));
  tmpDirs.push(dir);
});

afterAll(() => {
  for (const d of tmpDirs) {
    try {
      fs.chmodSync(d, 0o755);
    } catch {
      // ignore
    }
    fs.rmSync(d, { recursive: true, force: true });
  }
});

function file(name: string, content: string | Uint8Array): string {
  const abs = path.join(dir, name);
  fs.writeFileSync(abs, content);
  return abs;
}

const opts = { maxBytes: DEFAULT_MAX_BYTES };

describe('readSourceFile', () => {
  it('reads a UTF-8 file', async () => {
    const r = await readSourceFile(file('a.js', 'const s = "héllo ✓ 😀";\n'), opts);
    expect(r).toEqual({ ok: true, text: 'const s = "héllo ✓ 😀";\n' });
  });

  it('uses 2 MiB by default', async () => {
    expect(DEFAULT_MAX_BYTES).toBe(2 * 1024 * 1024);
    expect(await readSourceFile(file('a.js', 'x'))).toEqual({ ok: true, text: 'x' });
  });

  it('reads an empty file', async () => {
    expect(await readSourceFile(file('empty.js', ''), opts)).toEqual({ ok: true, text: '' });
  });

  it('strips a UTF-8 BOM (only one)', async () => {
    const r = await readSourceFile(file('bom.js', '\uFEFFlet a = 1;'), opts);
    expect(r).toEqual({ ok: true, text: 'let a = 1;' });
    const two = await readSourceFile(file('bom2.js', '\uFEFF\uFEFFx'), opts);
    expect(two).toEqual({ ok: true, text: '\uFEFFx' });
    expect(await readSourceFile(file('bomonly.js', '\uFEFF'), opts)).toEqual({ ok: true, text: '' });
  });

  it('refuses a binary file (NUL byte in the first 8 KB)', async () => {
    const r = await readSourceFile(file('bin.js', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01])), opts);
    expect(r).toEqual({ ok: false, kind: 'binary', message: 'binary file (NUL byte at offset 4); skipped' });
  });

  it('only sniffs the first 8 KB for NUL bytes', async () => {
    const buf = Buffer.alloc(9000, 0x61);
    buf[8500] = 0;
    const r = await readSourceFile(file('late-nul.js', buf), opts);
    expect(r.ok).toBe(true);
  });

  it('refuses invalid UTF-8 and says where', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\nlet s = "'), Buffer.from([0xe9]), Buffer.from('t";\n')]); // latin-1 é
    const r = await readSourceFile(file('latin1.js', bytes), opts);
    expect(r).toEqual({
      ok: false,
      kind: 'encoding',
      message: 'file is not valid UTF-8 (first invalid byte at line 2, column 10); save it as UTF-8 to scan it',
    });
  });

  it.each([
    ['truncated sequence at the end', [0x61, 0xe2, 0x82]],
    ['overlong encoding', [0xc0, 0xaf]],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['lone continuation byte', [0x80]],
  ])('refuses invalid UTF-8: %s', async (_name, bytes) => {
    const r = await readSourceFile(file('bad.js', Buffer.from(bytes)), opts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe('encoding');
      expect(r.message).toMatch(/^file is not valid UTF-8 \(first invalid byte at line 1, column \d+\)/);
    }
  });

  it('calls UTF-16 files an encoding problem, not binary', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('let a = 1;', 'utf16le')]);
    const r = await readSourceFile(file('u16.js', utf16), opts);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).toBe('encoding');
  });

  it('refuses a file over maxBytes without reading it', async () => {
    const abs = file('big.js', 'a'.repeat(3.4 * 1024 * 1024));
    const r = await readSourceFile(abs, opts);
    expect(r).toEqual({
      ok: false,
      kind: 'too-large',
      message: 'file is larger than 2 MiB (3.4 MiB); raise --max-file-size to scan it',
    });
    // Exactly at the limit is fine.
    expect((await readSourceFile(file('limit.js', 'a'.repeat(100)), { maxBytes: 100 })).ok).toBe(true);
    const over = await readSourceFile(file('over.js', 'a'.repeat(101)), { maxBytes: 100 });
    expect(over).toEqual({
      ok: false,
      kind: 'too-large',
      message: 'file is larger than 100 bytes (101 bytes); raise --max-file-size to scan it',
    });
  });

  it('shows exact bytes when rounding would hide the difference', async () => {
    const r = await readSourceFile(file('just-over.js', 'a'.repeat(1024 * 1024 + 10)), { maxBytes: 1024 * 1024 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('file is larger than 1 MiB (1048586 bytes); raise --max-file-size to scan it');
  });

  it('refuses a minified file', async () => {
    const min = 'var a=1;'.repeat(4000); // 32 KB on one line
    const r = await readSourceFile(file('bundle.js', min), opts);
    expect(r).toEqual({
      ok: false,
      kind: 'minified',
      message: 'file looks minified (average line length 32,000 characters); skipped, scan the unminified source instead',
    });
    expect((await readSourceFile(file('bundle2.js', min), { maxBytes: DEFAULT_MAX_BYTES, skipMinified: false })).ok).toBe(true);
  });

  it('refuses a minified file that keeps a line per statement (no space after its commas)', async () => {
    // Short lines, as minifiers write them when told to keep newlines: 600 lines, 1,800 commas.
    const line = (i: number) => `function f${i}(e,t,r){return e.call(t,r,{a:!0,b:void 0})}`;
    const min = Array.from({ length: 600 }, (_, i) => line(i)).join('\n');
    expect(min.length).toBeGreaterThan(20 * 1024);
    const r = await readSourceFile(file('vendor.js', min), opts);
    expect(r).toEqual({
      ok: false,
      kind: 'minified',
      message: 'file looks minified (0 of 3,000 commas followed by a space or line break); skipped, scan the unminified source instead',
    });
  });

  it('reads terse or generated source whose commas are mostly spaced, and files with few commas', async () => {
    // Hand-written, terse: one comma in four followed by a space.
    const terse = Array.from({ length: 600 }, (_, i) => `function am${i}(i,x,w,j) { return g(i, x) }`).join('\n');
    expect((await readSourceFile(file('terse.js', terse), opts)).ok).toBe(true);
    // Generated, no space anywhere, but under 500 commas.
    const flat = Array.from({ length: 450 }, (_, i) => `exports.dependency${i}=require("./dependencies/dependency${i}.generated"),void 0;`).join('\n');
    expect(flat.length).toBeGreaterThan(20 * 1024);
    expect((await readSourceFile(file('flat.js', flat), opts)).ok).toBe(true);
  });

  it('is unreadable when the file does not exist (vanished)', async () => {
    const abs = file('gone.js', 'x');
    fs.unlinkSync(abs);
    const r = await readSourceFile(abs, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe('unreadable');
      expect(r.message).toContain('ENOENT');
      expect(r.message).not.toContain('\n');
    }
  });

  it('is unreadable for a directory (EISDIR)', async () => {
    fs.mkdirSync(path.join(dir, 'd.js'));
    const r = await readSourceFile(path.join(dir, 'd.js'), opts);
    expect(r).toEqual({ ok: false, kind: 'unreadable', message: 'cannot read file: it is a directory (EISDIR)' });
  });

  it.skipIf(isWindows)('is unreadable for a symlink loop (ELOOP)', async () => {
    fs.symlinkSync('loop.js', path.join(dir, 'loop.js'));
    const r = await readSourceFile(path.join(dir, 'loop.js'), opts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe('unreadable');
      expect(r.message).toContain('ELOOP');
    }
  });

  it.skipIf(isWindows)('never blocks on a FIFO', { timeout: 5000 }, async () => {
    const fifo = path.join(dir, 'pipe.js');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo here
    }
    const r = await readSourceFile(fifo, opts);
    expect(r).toEqual({ ok: false, kind: 'unreadable', message: 'not a regular file (a named pipe/FIFO); skipped' });
  });

  // chmod 000 does not stop root, so this only proves something for other users.
  it.skipIf(isWindows || isRoot)('is unreadable without permission (EACCES)', async () => {
    const abs = file('secret.js', 'x');
    fs.chmodSync(abs, 0o000);
    const r = await readSourceFile(abs, opts);
    expect(r).toEqual({ ok: false, kind: 'unreadable', message: 'cannot read file: permission denied (EACCES)' });
  });

  it.skipIf(isWindows || !isRoot)('reads a chmod 000 file as root (root ignores permissions)', async () => {
    const abs = file('secret.js', 'x');
    fs.chmodSync(abs, 0o000);
    expect(await readSourceFile(abs, opts)).toEqual({ ok: true, text: 'x' });
  });
});

describe('looksMinified', () => {
  it('is false for small files whatever their shape', () => {
    expect(looksMinified('')).toBe(false);
    expect(looksMinified('x'.repeat(20 * 1024))).toBe(false);
  });

  it('is true for a long average line length over 20 KB', () => {
    expect(looksMinified('a'.repeat(600) + '\n' + 'b'.repeat(600) + '\n' + 'c'.repeat(20 * 1024))).toBe(true);
    const lines = Array.from({ length: 50 }, () => 'x'.repeat(510)).join('\n');
    expect(lines.length).toBeGreaterThan(20 * 1024);
    expect(looksMinified(lines)).toBe(true);
  });

  it('is false for ordinary source over 20 KB', () => {
    const src = Array.from({ length: 3000 }, (_, i) => `  const value${i} = compute(${i}); // comment`).join('\n');
    expect(src.length).toBeGreaterThan(100 * 1024);
    expect(looksMinified(src)).toBe(false);
  });

  it('is true for one huge line in a file over 100 KB, not in a smaller one', () => {
    const normal = Array.from({ length: 2500 }, () => 'let x = 1; // ' + 'y'.repeat(30)).join('\n');
    const withHugeLine = normal + '\n' + 'z'.repeat(10_001);
    expect(withHugeLine.length).toBeGreaterThan(100 * 1024);
    expect(looksMinified(normal)).toBe(false);
    expect(looksMinified(withHugeLine)).toBe(true);
    const small = Array.from({ length: 1000 }, () => 'let x = 1;').join('\n') + '\n' + 'z'.repeat(10_001);
    expect(small.length).toBeLessThan(100 * 1024);
    expect(looksMinified(small)).toBe(false);
  });
});

describe('formatBytes', () => {
  it('formats sizes', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2 * 1024 * 1024)).toBe('2 MiB');
    expect(formatBytes(3.4 * 1024 * 1024)).toBe('3.4 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GiB');
  });
});
