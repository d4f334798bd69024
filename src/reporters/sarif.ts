/**
 * SARIF 2.1.0 reporter, shaped for GitHub code scanning (see shared/design/SARIF.md).
 *
 * - One run; `results` always present; `columnKind: "utf16CodeUnits"`.
 * - `tool.driver.rules` lists every enabled rule (not only those that fired), each with short and
 *   full descriptions (<= 1024 chars), help text + markdown, helpUri, default level, tags
 *   ("security" + CWE tags, fewer than 10), precision and a STRING `security-severity`.
 * - Locations are URIs relative to `%SRCROOT%` (the scan root), posix, percent-encoded. No absolute
 *   path appears unless `absolutePaths: true` is passed, which adds `run.originalUriBaseIds`.
 * - Taint traces become `codeFlows[0].threadFlows[0].locations`.
 * - Suppressed findings (inline or baseline) are left out: GitHub ignores SARIF suppressions and
 *   would show them as open alerts. With `includeSuppressed` (the CLI's --include-suppressed) they
 *   are emitted with `suppressions` (`inSource` or `external`, with the reason as justification).
 * - Diagnostics become tool execution notifications of `run.invocations[0]`.
 * - Deterministic: no timestamps, stable order, 2-space JSON with a trailing newline.
 */
import type { Diagnostic, Location, RuleMeta, Severity, TraceStep } from '../rule.js';
import type { ReporterOptions, ReportedFinding, ScanResult } from '../types.js';
import type * as Sarif from 'sarif';
import {
  encodeRelativeUri,
  fileUriOfDirectory,
  positiveInt,
  relativePath,
  sortDiagnostics,
  sortFindings,
} from './common.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export interface SarifReporterOptions extends ReporterOptions {
  /**
   * Add `run.originalUriBaseIds["%SRCROOT%"]` with the `file:` URI of the scan root. Off by default:
   * absolute paths make the file machine-dependent.
   */
  absolutePaths?: boolean;
  /** Emit suppressed findings with SARIF `suppressions` instead of leaving them out. */
  includeSuppressed?: boolean;
}

/** GitHub's bucket for each severity: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4 low. */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.8',
  high: '8.1',
  medium: '5.5',
  low: '3.1',
};

export const SARIF_LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

const MAX_DESCRIPTION = 1024;
/** GitHub shows at most 10 tags per rule; keep the total below that. */
const MAX_TAGS = 9;

function truncate(s: string, max: number): string {
  const t = s.trim();
  if (t.length <= max) return t;
  return t.slice(0, max - 1).trimEnd() + '…';
}

/** "CWE-78" -> "external/cwe/cwe-078" (CodeQL's spelling, which GitHub links to the CWE entry). */
export function cweTag(cwe: string): string | undefined {
  const m = /^\s*(?:CWE)?[-_ ]?(\d+)\s*$/i.exec(cwe);
  if (!m) return undefined;
  return `external/cwe/cwe-${m[1]!.replace(/^0+(?=\d)/, '').padStart(3, '0')}`;
}

function cweUrl(cwe: string): string | undefined {
  const m = /(\d+)/.exec(cwe);
  return m ? `https://cwe.mitre.org/data/definitions/${Number(m[1])}.html` : undefined;
}

function isAbsoluteUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(s);
}

function helpMarkdown(meta: RuleMeta): string {
  const refs: string[] = [];
  for (const c of meta.cwe) {
    const url = cweUrl(c);
    if (url) refs.push(`- [${c.trim().toUpperCase()}](${url})`);
  }
  for (const r of meta.references ?? []) refs.push(isAbsoluteUri(r) ? `- <${r}>` : `- ${r}`);
  const help = meta.help.trim() || meta.description.trim();
  return refs.length ? `${help}\n\n## References\n\n${refs.join('\n')}\n` : `${help}\n`;
}

function ruleDescriptor(meta: RuleMeta, informationUri: string): Sarif.ReportingDescriptor {
  const tags = ['security'];
  for (const c of meta.cwe) {
    const t = cweTag(c);
    if (t && !tags.includes(t) && tags.length < MAX_TAGS) tags.push(t);
  }
  const description = truncate(meta.description || meta.name, MAX_DESCRIPTION);
  const rule: Sarif.ReportingDescriptor = {
    id: meta.id,
    name: meta.name,
    shortDescription: { text: description },
    fullDescription: { text: description },
    help: { text: meta.help.trim() || description, markdown: helpMarkdown(meta) },
  };
  if (isAbsoluteUri(informationUri)) {
    rule.helpUri = `${informationUri.replace(/#.*$/, '')}#${encodeURIComponent(meta.id)}`;
  }
  rule.defaultConfiguration = { level: SARIF_LEVEL[meta.severity] ?? 'warning' };
  rule.properties = {
    tags,
    precision: meta.precision,
    'security-severity': SECURITY_SEVERITY[meta.severity] ?? SECURITY_SEVERITY.medium,
  };
  return rule;
}

function region(loc: Pick<Location, 'line' | 'column' | 'endLine' | 'endColumn'>): Sarif.Region {
  const startLine = positiveInt(loc.line);
  const startColumn = positiveInt(loc.column);
  const endLine = Math.max(startLine, positiveInt(loc.endLine, startLine));
  let endColumn = positiveInt(loc.endColumn, startColumn);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  return { startLine, startColumn, endLine, endColumn };
}

function physicalLocation(root: string, loc: Location): Sarif.PhysicalLocation {
  return {
    artifactLocation: { uri: encodeRelativeUri(relativePath(root, loc.file)), uriBaseId: SRCROOT },
    region: region(loc),
  };
}

function threadFlowLocation(root: string, step: TraceStep): Sarif.ThreadFlowLocation {
  return {
    location: {
      physicalLocation: physicalLocation(root, step),
      message: { text: step.label || 'step' },
    },
  };
}

function sarifResult(
  root: string,
  f: ReportedFinding,
  ruleIndex: ReadonlyMap<string, number>,
): Sarif.Result {
  const r: Partial<Sarif.Result> = { ruleId: f.ruleId };
  const index = ruleIndex.get(f.ruleId);
  if (index !== undefined) r.ruleIndex = index;
  r.level = SARIF_LEVEL[f.severity] ?? 'warning';
  r.message = { text: f.message };
  r.locations = [{ physicalLocation: physicalLocation(root, f) }];
  if (f.fingerprint) r.partialFingerprints = { primaryLocationLineHash: f.fingerprint };
  if (f.trace && f.trace.length > 0) {
    r.codeFlows = [{ threadFlows: [{ locations: f.trace.map((s) => threadFlowLocation(root, s)) }] }];
  }
  if (f.audit) r.properties = { audit: true, tags: ['audit'] };
  if (f.suppressed) {
    const s: Sarif.Suppression = { kind: f.suppressed.kind === 'baseline' ? 'external' : 'inSource' };
    if (f.suppressed.reason) s.justification = f.suppressed.reason;
    r.suppressions = [s];
  }
  return r as Sarif.Result;
}

function notification(root: string, d: Diagnostic): Sarif.Notification {
  const physical: Sarif.PhysicalLocation = {
    artifactLocation: { uri: encodeRelativeUri(relativePath(root, d.file)), uriBaseId: SRCROOT },
  };
  if (d.line !== undefined && d.line >= 1) {
    physical.region = { startLine: positiveInt(d.line) };
    if (d.column !== undefined && d.column >= 1) physical.region.startColumn = positiveInt(d.column);
  }
  return {
    level: 'warning',
    message: { text: `${d.kind}: ${d.message}` },
    locations: [{ physicalLocation: physical }],
  };
}

function buildSarifLog(result: ScanResult, options?: Partial<SarifReporterOptions>): Sarif.Log {
  const info = result.tool.informationUri;
  const rules = result.rules.map((m) => ruleDescriptor(m, info));
  const ruleIndex = new Map<string, number>();
  result.rules.forEach((m, i) => {
    if (!ruleIndex.has(m.id)) ruleIndex.set(m.id, i);
  });

  const driver: Sarif.ToolComponent = {
    name: result.tool.name || 'nodesec',
    version: result.tool.version,
    semanticVersion: result.tool.version,
  };
  if (isAbsoluteUri(info)) driver.informationUri = info;
  driver.rules = rules;

  const run: Sarif.Run = { tool: { driver } };
  if (result.sarifCategory) {
    const cat = result.sarifCategory.replace(/\/+$/, '');
    run.automationDetails = { id: `${cat}/` };
  }
  const invocation: Sarif.Invocation = { executionSuccessful: true };
  const diagnostics = sortDiagnostics(result.diagnostics);
  if (diagnostics.length > 0) {
    invocation.toolExecutionNotifications = diagnostics.map((d) => notification(result.root, d));
  }
  run.invocations = [invocation];
  if (options?.absolutePaths) {
    run.originalUriBaseIds = { [SRCROOT]: { uri: fileUriOfDirectory(result.root) } };
  }
  run.results = sortFindings(result.findings)
    .filter((f) => !f.suppressed || options?.includeSuppressed === true)
    .map((f) => sarifResult(result.root, f, ruleIndex));
  run.columnKind = 'utf16CodeUnits';

  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/** The SARIF reporter: a pure function of the scan result. */
export function sarifReporter(result: ScanResult, options: SarifReporterOptions): string {
  return JSON.stringify(buildSarifLog(result, options), null, 2) + '\n';
}

export default sarifReporter;
