/**
 * GitHub Actions reporter (`--format github`): one workflow command per finding, which GitHub
 * shows as an annotation on the pull request's changed files and in the run summary, with no code
 * scanning (GitHub Advanced Security) needed.
 *
 * ```
 * ::error file=src/app.js,line=12,col=5,endLine=12,endColumn=31,title=nodesec command-injection (critical)::This shell command depends on req.query.host (request data).%0A  -> src/app.js:10:15 req.query.host (request data)%0A  -> src/app.js:12:5 child_process.exec()
 * ```
 *
 * - critical and high -> `::error`, medium -> `::warning`, low -> `::notice`.
 * - Paths are relative to the scan root; run the scan from the repository root (or scan `.`), as
 *   annotations are placed relative to the checkout. (The CLI rebases them to the git work tree.)
 * - Escaping as in @actions/core: in the message `%` `\r` `\n` become `%25` `%0D` `%0A`; in
 *   properties also `:` -> `%3A` and `,` -> `%2C`.
 * - Suppressed findings are not annotated. Diagnostics become `::warning` commands. A plain
 *   summary line ends the output. GitHub shows at most 10 errors and 10 warnings per step (50 per
 *   job); the log keeps them all.
 */
import type { Diagnostic, Severity } from '../rule.js';
import type { ReporterOptions, ReportedFinding, ScanResult } from '../types.js';
import { positiveInt, relativePath, SEVERITY_ORDER, sortDiagnostics, sortFindings } from './common.js';

const COMMAND: Readonly<Record<Severity, 'error' | 'warning' | 'notice'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'notice',
};

/** @actions/core escapeData. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** @actions/core escapeProperty. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: string, props: Array<[string, string | number | undefined]>, message: string): string {
  const p = props
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind}${p ? ' ' + p : ''}::${escapeData(message)}`;
}

function findingCommand(root: string, f: ReportedFinding): string {
  const line = positiveInt(f.line);
  const endLine = Math.max(line, positiveInt(f.endLine, line));
  const col = positiveInt(f.column);
  const endColumn = positiveInt(f.endColumn, col);
  let message = f.message;
  if (f.audit) message += ' (audit: input not proven to come from an attacker)';
  if (f.trace && f.trace.length > 1) {
    message += '\n' + f.trace.map((s) => `  -> ${relativePath(root, s.file)}:${s.line}:${s.column} ${s.label}`).join('\n');
  }
  return command(
    COMMAND[f.severity] ?? 'warning',
    [
      ['file', relativePath(root, f.file)],
      ['line', line],
      ['col', col],
      ['endLine', endLine],
      // GitHub ignores columns on multi-line annotations.
      ['endColumn', endLine === line ? Math.max(endColumn, col) : undefined],
      ['title', `nodesec ${f.ruleId} (${f.severity})`],
    ],
    message,
  );
}

function diagnosticCommand(root: string, d: Diagnostic): string {
  return command(
    'warning',
    [
      ['file', relativePath(root, d.file)],
      ['line', d.line !== undefined && d.line >= 1 ? d.line : undefined],
      ['col', d.column !== undefined && d.column >= 1 ? d.column : undefined],
      ['title', `nodesec ${d.kind}`],
    ],
    d.message,
  );
}

/** The GitHub Actions reporter: a pure function of the scan result. */
export function githubReporter(result: ScanResult, _options: ReporterOptions): string {
  const lines: string[] = [];
  for (const f of sortFindings(result.findings)) if (!f.suppressed) lines.push(findingCommand(result.root, f));
  for (const d of sortDiagnostics(result.diagnostics)) lines.push(diagnosticCommand(result.root, d));
  const s = result.stats;
  const counts = SEVERITY_ORDER.map((sev) => `${s.findingsBySeverity?.[sev] ?? 0} ${sev}`).join(', ');
  const total = SEVERITY_ORDER.reduce((a, sev) => a + (s.findingsBySeverity?.[sev] ?? 0), 0);
  const extra = s.suppressed ? `, ${s.suppressed} suppressed` : '';
  lines.push(`nodesec: ${total} finding${total === 1 ? '' : 's'} (${counts})${extra}, ${s.filesScanned} file${s.filesScanned === 1 ? '' : 's'} scanned`);
  return lines.join('\n') + '\n';
}

export default githubReporter;
