/**
 * GitHub code scanning's `primaryLocationLineHash`, computed the way github/codeql-action's
 * upload-sarif does it (src/fingerprints.ts, MIT), so that alerts keep their identity whether
 * GitHub computes the fingerprint or we do, and so baselines can match findings across edits.
 *
 * The algorithm, reproduced exactly:
 *  - The text is read as UTF-16 code units. Spaces (U+0020) and tabs are skipped everywhere.
 *    `\r\n`, `\r` and `\n` all count as one line break, hashed as `\n`.
 *  - A rolling polynomial hash (base 37, arithmetic modulo 2^64) runs over a window of the last
 *    100 hashed characters. The hash of a line is the hash of the 100 hashed characters that start
 *    with the line's first hashed character (its first non-space, non-tab character, or its line
 *    break when the line is blank). A value of 65535 marks the end of the text, followed by zeros,
 *    so the last lines still get a full window.
 *  - A line's fingerprint is `${hex}:${n}` where `hex` is the unsigned 64-bit hash in lower-case
 *    hex without leading zeros, and `n` is 1 for the first line in the file with that hash, 2 for
 *    the second, and so on (so identical windows, e.g. repeated blocks, stay distinguishable).
 *
 * Consequences worth knowing: indentation and spacing changes do not change a fingerprint; adding
 * or removing lines ABOVE a line does not change it (unless they repeat its window); editing the
 * line itself or the next ~100 non-whitespace characters does.
 *
 * For fidelity with GitHub, hash the file exactly as decoded from UTF-8 (codeql-action does not
 * strip a byte-order mark). Only `\r\n`, `\r` and `\n` end lines here: U+2028/U+2029, which
 * JavaScript parsers also count as line terminators, do not, so in a file containing them a
 * parser's line numbers run ahead of the lines hashed here.
 * Pure: no file system access.
 */

const TAB = 9;
const SPACE = 32;
const LF = 10;
const CR = 13;
const EOF = 65535;
const BLOCK_SIZE = 100;
const MOD = 37;
const TWO_32 = 0x1_0000_0000;
const INV_2_32 = 1 / TWO_32;

/** 37^BLOCK_SIZE modulo 2^64 as [high 32 bits, low 32 bits] (unsigned). */
const [FIRST_MOD_HI, FIRST_MOD_LO] = (() => {
  let hi = 0;
  let lo = 1;
  for (let i = 0; i < BLOCK_SIZE; i++) [hi, lo] = mulSmall(hi, lo, MOD);
  return [hi, lo];
})();

/** (hi:lo) * k modulo 2^64, for 0 <= k < 2^21 (all intermediate values stay exact doubles). */
function mulSmall(hi: number, lo: number, k: number): [number, number] {
  const l = lo * k;
  const carry = Math.floor(l / TWO_32);
  return [(hi * k + carry) % TWO_32, l % TWO_32];
}

function toHex(hi: number, lo: number): string {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/**
 * The `primaryLocationLineHash` of every line of `text`.
 *
 * Index mapping: element `i` belongs to 1-based line `i + 1`, i.e. `computeLineHashes(t)[line - 1]`.
 * Lines are counted as GitHub counts them (a `\r\n`, a lone `\r` or a `\n` ends a line), so the
 * array has one element per line break plus one: a text ending with a newline has a final
 * element for the empty line after it, and the empty text has one element.
 */
export function computeLineHashes(text: string): string[] {
  const out: string[] = [];
  // The rolling window of hashed characters and, per slot, the line that starts there (or -1).
  const window = new Uint16Array(BLOCK_SIZE);
  const lineNumbers = new Int32Array(BLOCK_SIZE).fill(-1);
  const hashCounts = new Map<string, number>();
  // The 64-bit hash as two unsigned 32-bit halves. Plain locals (not closure variables) so the
  // hot loop keeps them unboxed; every intermediate value stays below 2^53, so doubles are exact.
  let hi = 0;
  let lo = 0;
  let index = 0;
  let lineNumber = 0;
  let lineStart = true;
  let prevCR = false;
  const n = text.length;

  // Steps 0..n-1 read the text, step n reads the end marker, the last BLOCK_SIZE steps flush
  // the remaining lines by pushing zeros through the window (codeql-action's final loop).
  for (let i = 0; i <= n + BLOCK_SIZE; i++) {
    const flushing = i > n;
    let current = i < n ? text.charCodeAt(i) : i === n ? EOF : 0;
    if (!flushing) {
      // Skip tabs, spaces, and line feeds that come directly after a carriage return.
      if (current === SPACE || current === TAB || (prevCR && current === LF)) {
        prevCR = false;
        continue;
      }
      if (current === CR) {
        current = LF;
        prevCR = true;
      } else {
        prevCR = false;
      }
    }
    // A line's start is about to leave the window: its 100-character hash is complete.
    const pending = lineNumbers[index]!;
    if (pending !== -1) {
      const hashValue = toHex(hi, lo);
      const count = (hashCounts.get(hashValue) ?? 0) + 1;
      hashCounts.set(hashValue, count);
      out[pending - 1] = `${hashValue}:${count}`;
      lineNumbers[index] = -1;
    }
    if (!flushing) {
      if (lineStart) {
        lineStart = false;
        lineNumber++;
        lineNumbers[index] = lineNumber;
      }
      if (current === LF) lineStart = true;
    }
    // hash = 37 * hash + current - 37^100 * begin   (mod 2^64)
    const begin = window[index]!;
    window[index] = current;
    // (Math.floor of a product by 2^-32 instead of `%`, which V8 compiles to a slow fmod call.)
    let l = lo * MOD + current;
    let carry = Math.floor(l * INV_2_32);
    l -= carry * TWO_32;
    let h = hi * MOD + carry;
    if (begin !== 0) {
      let sl = FIRST_MOD_LO * begin;
      carry = Math.floor(sl * INV_2_32);
      sl -= carry * TWO_32;
      l -= sl;
      if (l < 0) {
        l += TWO_32;
        h -= 1;
      }
      h -= FIRST_MOD_HI * begin + carry;
    }
    h -= Math.floor(h * INV_2_32) * TWO_32;
    hi = h;
    lo = l;
    index = index === BLOCK_SIZE - 1 ? 0 : index + 1;
  }
  return out;
}

/**
 * The fingerprint of a 1-based `line`, from the result of {@link computeLineHashes}.
 * A line below 1 is treated as line 1 (GitHub's choice for a location without a line) and a line
 * past the end as the last line, so a fingerprint is always returned for a non-empty array.
 */
export function fingerprintFor(lineHashes: readonly string[], line: number): string {
  if (lineHashes.length === 0) return '';
  const i = Number.isFinite(line) ? Math.min(Math.max(Math.trunc(line), 1), lineHashes.length) - 1 : 0;
  return lineHashes[i]!;
}
