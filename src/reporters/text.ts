/**
 * Text reporter: for people reading a terminal.
 *
 * ```
 * src/app.js
 *   12:5   critical  This shell command depends on a user-provided value (req.query.host).  command-injection
 *       exec(`ping ${host}`)
 *     -> src/app.js:10:15 req.query.host (user input)
 *     -> src/app.js:12:5 child_process.exec()
 *
 * Diagnostics
 *   vendor/big.min.js: minified: skipped: looks minified
 *
 * 1 finding: 1 critical, 0 high, 0 medium, 0 low
 * 42 files scanned, 1 skipped or unparsable, 812 ms
 * ```
 *
 * With `quiet`, only the findings are printed (nothing when there are none).
 *
 * Colours only when `options.color` is true (a private chalk instance, so the output never depends
 * on the terminal or environment). Text taken from scanned files (snippets, paths, labels) is
 * neutralised: control characters, ANSI escapes and bidirectional overrides are shown escaped, so
 * a hostile file cannot rewrite the terminal or hide code.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Diagnostic } from '../rule.js';
import type { ReporterOptions, ReportedFinding, ScanResult } from '../types.js';
import { SEVERITY_ORDER, sortDiagnostics, sortFindings } from './common.js';

/**
 * Show C0/C1 control characters (except tab), DEL, bidi controls, line/paragraph separators and
 * zero-width characters as `\u{XX}` so scanned text cannot inject terminal escapes or reorder text.
 */
export function sanitizeForTerminal(s: string): string {
  return s.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g,
    (c) => `\\u{${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}}`,
  );
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function severityStyle(c: ChalkInstance, sev: string): (s: string) => string {
  switch (sev) {
    case 'critical':
      return (s) => c.bold.red(s);
    case 'high':
      return (s) => c.red(s);
    case 'medium':
      return (s) => c.yellow(s);
    default:
      return (s) => c.blue(s);
  }
}

function findingLines(c: ChalkInstance, f: ReportedFinding, posWidth: number): string[] {
  const pos = `${f.line}:${f.column}`.padEnd(posWidth);
  const sevStyle = severityStyle(c, f.severity);
  const marks: string[] = [];
  if (f.audit) marks.push(c.magenta('[audit]'));
  if (f.suppressed) {
    const reason = f.suppressed.reason ? `: ${sanitizeForTerminal(f.suppressed.reason)}` : '';
    marks.push(c.gray(`[suppressed${reason}]`));
  }
  const head = [
    `  ${c.dim(pos)}`,
    sevStyle(f.severity.padEnd(8)),
    ...marks,
    sanitizeForTerminal(f.message),
    c.gray(f.ruleId),
  ].join('  ');
  const out = [head];
  if (f.snippet !== undefined && f.snippet.trim() !== '') {
    out.push(`      ${c.cyan(sanitizeForTerminal(f.snippet.trim()))}`);
  }
  if (f.trace && f.trace.length > 1) {
    for (const s of f.trace) {
      const where = `${sanitizeForTerminal(s.file)}:${s.line}:${s.column}`;
      out.push(`    ${c.dim('->')} ${where} ${sanitizeForTerminal(s.label)}`);
    }
  }
  return out;
}

function diagnosticLine(d: Diagnostic): string {
  const where =
    d.line !== undefined
      ? `${d.file}:${d.line}${d.column !== undefined ? `:${d.column}` : ''}`
      : d.file;
  return `  ${sanitizeForTerminal(where)}: ${d.kind}: ${sanitizeForTerminal(d.message)}`;
}

export interface TextReporterOptions extends ReporterOptions {
  /** Findings only: no diagnostics, no summary, nothing at all when there are no findings. */
  quiet?: boolean;
}

/** The text reporter: a pure function of the scan result. */
export function textReporter(result: ScanResult, options: TextReporterOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  // `quiet` may also arrive as a flag on the result (how the CLI first passed it).
  const quiet = options.quiet === true || (result as { quiet?: unknown }).quiet === true;
  const lines: string[] = [];
  const findings = sortFindings(result.findings);

  let i = 0;
  while (i < findings.length) {
    const file = findings[i]!.file;
    let j = i;
    while (j < findings.length && findings[j]!.file === file) j++;
    const group = findings.slice(i, j);
    const posWidth = Math.max(...group.map((f) => `${f.line}:${f.column}`.length));
    lines.push(c.underline(sanitizeForTerminal(file)));
    for (const f of group) lines.push(...findingLines(c, f, posWidth));
    lines.push('');
    i = j;
  }

  if (quiet) {
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.length ? lines.join('\n') + '\n' : '';
  }

  const diagnostics = sortDiagnostics(result.diagnostics);
  if (diagnostics.length > 0) {
    lines.push(c.bold('Diagnostics'));
    for (const d of diagnostics) lines.push(c.yellow(diagnosticLine(d)));
    lines.push('');
  }

  // Summary.
  const s = result.stats;
  const counts = SEVERITY_ORDER.map((sev) => ({ sev, n: s.findingsBySeverity?.[sev] ?? 0 }));
  const total = counts.reduce((a, b) => a + b.n, 0);
  if (total === 0 && findings.every((f) => f.suppressed)) {
    lines.push(c.green('No findings.'));
  } else {
    const n = total || findings.length;
    const breakdown = counts
      .map(({ sev, n: k }) => (k > 0 ? severityStyle(c, sev)(`${k} ${sev}`) : `${k} ${sev}`))
      .join(', ');
    lines.push(c.bold(`${plural(n, 'finding')}: `) + breakdown);
  }
  const parts = [
    plural(s.filesScanned, 'file') + ' scanned',
    `${s.filesSkipped} skipped or unparsable`,
  ];
  if (s.suppressed > 0) parts.push(`${s.suppressed} suppressed`);
  parts.push(formatDuration(s.durationMs));
  lines.push(c.dim(parts.join(', ')));

  return lines.join('\n') + '\n';
}

export default textReporter;
