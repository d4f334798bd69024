/**
 * JSON reporter: nodesec's own machine-readable format (`--format json`), schema version 1.
 *
 * The document is pretty-printed with 2 spaces and ends with a newline. Keys always appear in the
 * order shown; keys marked "always" are present even when empty or null, so consumers never need
 * to test for their existence. Findings are sorted by file, line, column, rule; diagnostics by
 * file. Paths are relative to the scan root with "/" separators. Lines and columns are 1-based;
 * `endColumn` is exclusive; columns count UTF-16 code units.
 *
 * ```jsonc
 * {
 *   "schemaVersion": 1,                  // bumped only for incompatible changes
 *   "tool": { "name": "nodesec", "version": "0.1.0" },
 *   "threatModel": "app",                // "app" | "library" | "all"
 *   "findings": [
 *     {
 *       "ruleId": "command-injection",
 *       "severity": "critical",          // "critical" | "high" | "medium" | "low"
 *       "message": "This shell command depends on a user-provided value (req.query.host).",
 *       "file": "src/app.js",
 *       "line": 12, "column": 5, "endLine": 12, "endColumn": 31,
 *       "audit": false,                  // always; true = dangerous sink, input not proven tainted
 *       "trace": [                       // always; [] when the finding has no data-flow path
 *         { "file": "src/app.js", "line": 10, "column": 15, "endLine": 10, "endColumn": 29,
 *           "label": "req.query.host (user input)" }
 *       ],
 *       "fingerprint": "4ea5f2b1c0d3e9a7:1", // always; GitHub primaryLocationLineHash, or null
 *       "snippet": "exec(`ping ${host}`)",   // always; the source line (<= 200 chars), or null
 *       "suppressed": null               // always; { "reason": string | null, "kind": "inline" |
 *                                        // "baseline" } when a nodesec-ignore comment or the
 *                                        // baseline matched (only with --include-suppressed)
 *     }
 *   ],
 *   "diagnostics": [                     // files that could not be fully analysed
 *     { "file": "vendor/big.min.js", "kind": "minified", "message": "...",
 *       "line": 3, "column": 1 }         // line/column only when known
 *   ],
 *   "stats": {
 *     "filesScanned": 42, "filesSkipped": 1,
 *     "findingsBySeverity": { "critical": 1, "high": 0, "medium": 0, "low": 0 },
 *     "suppressed": 0
 *     // "durationMs": 812               // only with `timing: true` (the CLI's --timing)
 *   }
 * }
 * ```
 *
 * The same input gives a byte-identical document: no timestamps, no absolute paths, no timing
 * unless asked for (`durationMs` is the one field that varies from run to run).
 *
 * Diagnostic kinds: unreadable, binary, encoding, syntax, too-large, minified, too-deep, timeout,
 * internal, suppression (a nodesec-ignore comment without a usable rule id), link-timeout (file
 * ".": the cross-function analysis ran out of --max-link-time and its result is partial). New
 * optional keys may be added within schema version 1; existing keys never change meaning or type.
 */
import type { Diagnostic, Severity, TraceStep } from '../rule.js';
import type { ReporterOptions, ReportedFinding, ScanResult } from '../types.js';
import { SEVERITY_ORDER, sortDiagnostics, sortFindings } from './common.js';

export const JSON_SCHEMA_VERSION = 1;

/** Markdown documentation of the JSON report, for the README. */
export const JSON_SCHEMA_DOC = `### JSON output (\`--format json\`)

A stable, documented format for scripts and dashboards. \`schemaVersion\` is \`1\`; it changes only
for incompatible changes (new optional keys may appear within version 1). The document is
pretty-printed with 2 spaces, ends with a newline, and its keys always come in the order below.

| Key | Type | Meaning |
| --- | --- | --- |
| \`schemaVersion\` | number | Always \`1\` for this format. |
| \`tool\` | object | \`{ "name": "nodesec", "version": "x.y.z" }\` |
| \`threatModel\` | string | \`"app"\`, \`"library"\` or \`"all"\`: which sources counted as untrusted. |
| \`findings\` | array | Sorted by file, line, column, rule. See below. |
| \`diagnostics\` | array | Files that could not be fully analysed, sorted by file. See below. |
| \`stats\` | object | \`filesScanned\`, \`filesSkipped\`, \`findingsBySeverity\` (\`critical\`, \`high\`, \`medium\`, \`low\`), \`suppressed\`; \`durationMs\` (the scan's duration) only with \`--timing\`, so that the same input gives a byte-identical report. |

Each finding:

| Key | Type | Meaning |
| --- | --- | --- |
| \`ruleId\` | string | Stable rule id, e.g. \`command-injection\`. |
| \`severity\` | string | \`critical\`, \`high\`, \`medium\` or \`low\`. |
| \`message\` | string | What was found; the first sentence is a title. |
| \`file\` | string | Path relative to the scan root, \`/\` separators. |
| \`line\`, \`column\`, \`endLine\`, \`endColumn\` | number | 1-based; \`endColumn\` is exclusive; columns count UTF-16 code units. |
| \`audit\` | boolean | Always present. \`true\` for a dangerous sink whose input is not constant but not proven to come from a source. |
| \`trace\` | array | Always present, may be empty. The data-flow path from source to sink, one object per step with \`file\`, \`line\`, \`column\`, \`endLine\`, \`endColumn\` and \`label\` (what happens at that step, e.g. \`req.query.host (user input)\`). |
| \`fingerprint\` | string or null | GitHub's \`primaryLocationLineHash\` of the finding's line (\`hex:n\`); stable across edits elsewhere in the file. |
| \`snippet\` | string or null | The offending source line, at most 200 characters; secrets on it (\`hardcoded-secret\` ranges) are shown redacted, and a multi-line secret has none. |
| \`suppressed\` | object or null | \`null\`, or \`{ "reason": string \\| null, "kind": "inline" \\| "baseline" }\` when a \`nodesec-ignore\` comment or the baseline matched (only with \`--include-suppressed\`). |

Each diagnostic: \`{ file, kind, message }\` plus \`line\` and \`column\` when known. \`kind\` is one of
\`unreadable\`, \`binary\`, \`encoding\`, \`syntax\`, \`too-large\`, \`minified\`, \`too-deep\`, \`timeout\`,
\`internal\`, \`suppression\` (a \`nodesec-ignore\` comment without a usable rule id), \`link-timeout\`
(\`file\` is \`"."\`: the cross-function and cross-file analysis ran out of \`--max-link-time\`, so
findings through calls may be missing).

\`\`\`json
{
  "schemaVersion": 1,
  "tool": { "name": "nodesec", "version": "0.1.0" },
  "threatModel": "app",
  "findings": [
    {
      "ruleId": "command-injection",
      "severity": "critical",
      "message": "This shell command depends on a user-provided value (req.query.host).",
      "file": "src/app.js",
      "line": 12,
      "column": 5,
      "endLine": 12,
      "endColumn": 31,
      "audit": false,
      "trace": [
        { "file": "src/app.js", "line": 10, "column": 15, "endLine": 10, "endColumn": 29, "label": "req.query.host (user input)" },
        { "file": "src/app.js", "line": 12, "column": 5, "endLine": 12, "endColumn": 31, "label": "child_process.exec()" }
      ],
      "fingerprint": "4ea5f2b1c0d3e9a7:1",
      "snippet": "exec(\`ping \${host}\`)",
      "suppressed": null
    }
  ],
  "diagnostics": [
    { "file": "vendor/big.min.js", "kind": "minified", "message": "skipped: looks minified" }
  ],
  "stats": {
    "filesScanned": 42,
    "filesSkipped": 1,
    "findingsBySeverity": { "critical": 1, "high": 0, "medium": 0, "low": 0 },
    "suppressed": 0
  }
}
\`\`\`
`;

export interface JsonTraceStep {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  label: string;
}

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  audit: boolean;
  trace: JsonTraceStep[];
  fingerprint: string | null;
  snippet: string | null;
  suppressed: { reason: string | null; kind?: 'inline' | 'baseline' } | null;
}

export interface JsonDiagnostic {
  file: string;
  kind: Diagnostic['kind'];
  message: string;
  line?: number;
  column?: number;
}

export interface JsonReport {
  schemaVersion: 1;
  tool: { name: string; version: string };
  threatModel: ScanResult['threatModel'];
  findings: JsonFinding[];
  diagnostics: JsonDiagnostic[];
  stats: {
    filesScanned: number;
    filesSkipped: number;
    findingsBySeverity: Record<Severity, number>;
    suppressed: number;
    /** Only with `timing: true`: it differs from run to run. */
    durationMs?: number;
  };
}

export interface JsonReporterOptions extends ReporterOptions {
  /** Add `stats.durationMs` (the report is then no longer byte-identical across runs). */
  timing?: boolean;
}

function step(s: TraceStep): JsonTraceStep {
  return {
    file: s.file,
    line: s.line,
    column: s.column,
    endLine: s.endLine,
    endColumn: s.endColumn,
    label: s.label,
  };
}

function finding(f: ReportedFinding): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    audit: f.audit === true,
    trace: (f.trace ?? []).map(step),
    fingerprint: f.fingerprint ?? null,
    snippet: f.snippet ?? null,
    suppressed: f.suppressed ? { reason: f.suppressed.reason ?? null, ...(f.suppressed.kind ? { kind: f.suppressed.kind } : {}) } : null,
  };
}

function diagnostic(d: Diagnostic): JsonDiagnostic {
  const out: JsonDiagnostic = { file: d.file, kind: d.kind, message: d.message };
  if (d.line !== undefined) out.line = d.line;
  if (d.column !== undefined) out.column = d.column;
  return out;
}

/** The JSON report as an object (same shape and key order as the printed document). */
export function buildJsonReport(result: ScanResult, options?: { timing?: boolean }): JsonReport {
  const s = result.stats;
  const bySeverity = {} as Record<Severity, number>;
  for (const sev of SEVERITY_ORDER) bySeverity[sev] = s.findingsBySeverity?.[sev] ?? 0;
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: result.tool.name, version: result.tool.version },
    threatModel: result.threatModel,
    findings: sortFindings(result.findings).map(finding),
    diagnostics: sortDiagnostics(result.diagnostics).map(diagnostic),
    stats: {
      filesScanned: s.filesScanned,
      filesSkipped: s.filesSkipped,
      findingsBySeverity: bySeverity,
      suppressed: s.suppressed,
      ...(options?.timing ? { durationMs: s.durationMs } : {}),
    },
  };
}

/** The JSON reporter: a pure function of the scan result. */
export function jsonReporter(result: ScanResult, options: JsonReporterOptions): string {
  return JSON.stringify(buildJsonReport(result, { timing: options?.timing }), null, 2) + '\n';
}

export default jsonReporter;
