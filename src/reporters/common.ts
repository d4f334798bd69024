/** Small helpers shared by the reporters. No imports beyond types: reporters load at CLI startup. */
import type { Diagnostic, Severity } from '../rule.js';
import type { ReportedFinding } from '../types.js';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Code-unit string comparison: locale-independent, so output is identical on every machine. */
export function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpNum(a: number, b: number): number {
  return (a || 0) - (b || 0);
}

/** The canonical finding order: file, line, column, rule, then the rest of the range and message. */
export function compareFindings(a: ReportedFinding, b: ReportedFinding): number {
  return (
    cmpStr(a.file, b.file) ||
    cmpNum(a.line, b.line) ||
    cmpNum(a.column, b.column) ||
    cmpStr(a.ruleId, b.ruleId) ||
    cmpNum(a.endLine, b.endLine) ||
    cmpNum(a.endColumn, b.endColumn) ||
    cmpStr(a.message, b.message)
  );
}

export function sortFindings(findings: readonly ReportedFinding[]): ReportedFinding[] {
  return [...findings].sort(compareFindings);
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmpStr(a.file, b.file) ||
    cmpNum(a.line ?? 0, b.line ?? 0) ||
    cmpNum(a.column ?? 0, b.column ?? 0) ||
    cmpStr(a.kind, b.kind) ||
    cmpStr(a.message, b.message)
  );
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

/** A positive integer (1-based line/column), falling back to `fallback` for 0, negatives, NaN. */
export function positiveInt(n: unknown, fallback = 1): number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.trunc(n) : fallback;
}

/** Posix separators, no leading "./". */
export function toPosix(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

/**
 * `file` relative to `root`, posix, never starting with "/". Paths from the scan are already
 * relative; an absolute one is made relative to the root (with "../" when outside it).
 */
export function relativePath(root: string, file: string): string {
  const f = toPosix(file);
  if (!isAbsolutePath(f)) return f;
  const r = toPosix(root).replace(/\/+$/, '');
  const caseInsensitive = /^[A-Za-z]:\//.test(f);
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  const fParts = f.split('/').filter(Boolean);
  const rParts = r.split('/').filter(Boolean);
  let i = 0;
  while (i < fParts.length && i < rParts.length && norm(fParts[i]!) === norm(rParts[i]!)) i++;
  if (caseInsensitive && i === 0) return fParts.join('/'); // another drive: no relative path exists
  const up = rParts.slice(i).map(() => '..');
  return [...up, ...fParts.slice(i)].join('/') || '.';
}

/** Replace lone UTF-16 surrogates (which cannot be UTF-8 encoded) with U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * A relative path as an RFC 3986 relative-path reference: each segment UTF-8 percent-encoded
 * (space, "#", "%", "?", ":", non-ASCII...), "/" kept as the separator. Never starts with "/".
 */
export function encodeRelativeUri(path: string): string {
  return toPosix(path)
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(wellFormed(seg)))
    .join('/');
}

/** `file:` URI of an absolute directory, with a trailing slash. */
export function fileUriOfDirectory(root: string): string {
  let p = toPosix(root);
  if (/^[A-Za-z]:/.test(p)) p = '/' + p;
  if (!p.startsWith('/')) p = '/' + p;
  if (!p.endsWith('/')) p += '/';
  const encoded = p
    .split('/')
    .map((seg, i) => (i === 1 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(wellFormed(seg))))
    .join('/');
  return 'file://' + encoded;
}
