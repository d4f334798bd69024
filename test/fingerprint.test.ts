import { describe, expect, it } from 'vitest';
import { computeLineHashes, fingerprintFor } from '../src/fingerprint.js';

/**
 * A second, independent transcription of codeql-action's `hash()` using BigInt with signed 64-bit
 * wrap-around (what the `long` package's Long does), kept deliberately literal. The production
 * code uses 32-bit halves for speed; both must agree on every input.
 */
function referenceHashes(text: string): Map<number, string> {
  const BLOCK_SIZE = 100;
  const MOD = 37n;
  const wrap = (x: bigint) => BigInt.asIntN(64, x);
  let firstMod = 1n;
  for (let i = 0; i < BLOCK_SIZE; i++) firstMod = wrap(firstMod * MOD);
  const window: number[] = Array(BLOCK_SIZE).fill(0);
  const lineNumbers: number[] = Array(BLOCK_SIZE).fill(-1);
  let hashRaw = 0n;
  let index = 0;
  let lineNumber = 0;
  let lineStart = true;
  let prevCR = false;
  const hashCounts: Record<string, number> = {};
  const out = new Map<number, string>();
  const outputHash = () => {
    const hashValue = BigInt.asUintN(64, hashRaw).toString(16);
    hashCounts[hashValue] = (hashCounts[hashValue] ?? 0) + 1;
    out.set(lineNumbers[index]!, `${hashValue}:${hashCounts[hashValue]}`);
    lineNumbers[index] = -1;
  };
  const updateHash = (current: number) => {
    const begin = window[index]!;
    window[index] = current;
    hashRaw = wrap(wrap(MOD * hashRaw) + BigInt(current) - wrap(firstMod * BigInt(begin)));
    index = (index + 1) % BLOCK_SIZE;
  };
  const processCharacter = (c: number) => {
    let current = c;
    if (current === 32 || current === 9 || (prevCR && current === 10)) {
      prevCR = false;
      return;
    }
    if (current === 13) {
      current = 10;
      prevCR = true;
    } else prevCR = false;
    if (lineNumbers[index] !== -1) outputHash();
    if (lineStart) {
      lineStart = false;
      lineNumber++;
      lineNumbers[index] = lineNumber;
    }
    if (current === 10) lineStart = true;
    updateHash(current);
  };
  for (let i = 0; i < text.length; i++) processCharacter(text.charCodeAt(i));
  processCharacter(65535);
  for (let i = 0; i < BLOCK_SIZE; i++) {
    if (lineNumbers[index] !== -1) outputHash();
    updateHash(0);
  }
  return out;
}

function expectMatchesReference(text: string) {
  const ours = computeLineHashes(text);
  const ref = referenceHashes(text);
  expect(ours.length).toBe(ref.size);
  ours.forEach((h, i) => expect(h, `line ${i + 1}`).toBe(ref.get(i + 1)));
}

/** Deterministic pseudo-random text generator (LCG). */
function randomText(seed: number, length: number): string {
  const alphabet = ['a', 'b', 'Z', '0', ' ', ' ', '\t', '\n', '\n', '\r', '\r\n', '(', '}', ';', 'é', '😀', '\u2028'];
  let x = seed >>> 0;
  let s = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

describe('computeLineHashes', () => {
  it('matches a literal BigInt transcription of codeql-action on varied inputs', () => {
    const samples = [
      '',
      'a',
      '\n',
      'a\n',
      'a\r\nb\rc\n',
      '\r \n',
      '   \t  \n\n\n',
      "const { exec } = require('child_process');\nexec(req.query.cmd);\n",
      'x'.repeat(250) + '\n' + 'y'.repeat(3),
      'é😀\u{10FFFF}\n\uFEFFbom',
      String.fromCharCode(65535) + '\n' + String.fromCharCode(0),
    ];
    for (const s of samples) expectMatchesReference(s);
    for (let seed = 1; seed <= 40; seed++) expectMatchesReference(randomText(seed, 50 + seed * 37));
  });

  it('has one entry per line, plus the empty line after a final newline', () => {
    expect(computeLineHashes('')).toHaveLength(1);
    expect(computeLineHashes('a')).toHaveLength(1);
    expect(computeLineHashes('a\n')).toHaveLength(2);
    expect(computeLineHashes('a\nb')).toHaveLength(2);
    expect(computeLineHashes('a\r\nb\r\n')).toHaveLength(3);
    expect(computeLineHashes('a\rb\rc')).toHaveLength(3);
    for (const h of computeLineHashes('a\n\n  \nb\n')) expect(h).toMatch(/^[0-9a-f]{1,16}:\d+$/);
  });

  it('numbers repeated windows :1, :2, :3 in file order', () => {
    // 30 identical lines followed by more of the same: the first lines all see the same
    // 100 non-whitespace characters, so they hash alike and are told apart by the counter.
    const text = 'foo(bar);\n'.repeat(30);
    const hashes = computeLineHashes(text);
    const [hex] = hashes[0]!.split(':');
    expect(hashes[0]).toBe(`${hex}:1`);
    expect(hashes[1]).toBe(`${hex}:2`);
    expect(hashes[2]).toBe(`${hex}:3`);
    // Near the end of the file the window reaches the end marker, so the hashes change.
    expect(hashes[29]!.split(':')[0]).not.toBe(hex);
    // Distinct content gets :1.
    expect(computeLineHashes('a();\nb();\n').every((h) => h.endsWith(':1'))).toBe(true);
  });

  it('ignores spaces and tabs (indentation and spacing changes keep the hash)', () => {
    const a = computeLineHashes('function f(x) {\n  return exec(x);\n}\n');
    const b = computeLineHashes('function  f( x ){\n\t\treturn exec( x );\n}\n');
    expect(b).toEqual(a);
  });

  it('treats CRLF, CR and LF line endings alike', () => {
    const lf = computeLineHashes('a = 1;\nb = 2;\nc = 3;\n');
    expect(computeLineHashes('a = 1;\r\nb = 2;\r\nc = 3;\r\n')).toEqual(lf);
    expect(computeLineHashes('a = 1;\rb = 2;\rc = 3;\r')).toEqual(lf);
  });

  it("does not change a line's hash when lines are added or removed above it", () => {
    const body = "app.get('/ping', (req, res) => {\n  exec('ping ' + req.query.host);\n});\n";
    const before = computeLineHashes(body);
    const shifted = computeLineHashes("'use strict';\nconst x = require('y');\n\n// comment\n" + body);
    // Line 2 of `body` is line 6 of the shifted text.
    expect(fingerprintFor(shifted, 6)).toBe(fingerprintFor(before, 2));
    expect(shifted.slice(4)).toEqual(before);
  });

  it('changes when the line itself changes', () => {
    const a = computeLineHashes('x();\nexec(a);\ny();\n');
    const b = computeLineHashes('x();\nexec(b);\ny();\n');
    expect(b[1]).not.toBe(a[1]);
    expect(b[0]).not.toBe(a[0]); // line 1's window covers line 2 too
    expect(b[2]).toBe(a[2]);
  });

  it('is fast enough for large files', () => {
    const big = 'const value = someFunction(argument1, argument2);\n'.repeat(40_000); // ~2 MB
    const t0 = performance.now();
    const hashes = computeLineHashes(big);
    const ms = performance.now() - t0;
    expect(hashes).toHaveLength(40_001);
    expect(ms).toBeLessThan(2000);
  });
});

describe('fingerprintFor', () => {
  it('maps 1-based lines to entries and clamps out-of-range lines', () => {
    const hashes = computeLineHashes('a\nb\nc');
    expect(fingerprintFor(hashes, 1)).toBe(hashes[0]);
    expect(fingerprintFor(hashes, 3)).toBe(hashes[2]);
    expect(fingerprintFor(hashes, 0)).toBe(hashes[0]);
    expect(fingerprintFor(hashes, 99)).toBe(hashes[2]);
    expect(fingerprintFor(hashes, Number.NaN)).toBe(hashes[0]);
    expect(fingerprintFor([], 1)).toBe('');
  });
});
