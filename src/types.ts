/** The result of a scan: what every reporter receives. Reporters are pure functions of it. */
import type { Diagnostic, Finding, RuleMeta, Severity, ThreatModel } from './rule.js';

export interface ScanStats {
  filesScanned: number;
  /** Files found but not analysed (binary, too large, minified, unreadable, syntax error). */
  filesSkipped: number;
  findingsBySeverity: Record<Severity, number>;
  /** Findings hidden by inline suppressions or the baseline. */
  suppressed: number;
  durationMs: number;
}

export interface ReportedFinding extends Finding {
  /** The offending source line, trimmed to at most 200 characters; ranges of `meta.redact` rules masked. */
  snippet?: string;
}

export interface ScanResult {
  tool: { name: string; version: string; informationUri: string };
  /** Absolute scan root; reporters print paths relative to it and never print it in SARIF. */
  root: string;
  threatModel: ThreatModel;
  /** Every enabled rule, in registry order. */
  rules: RuleMeta[];
  /** Sorted by file, line, column, rule. */
  findings: ReportedFinding[];
  /** Sorted by file. */
  diagnostics: Diagnostic[];
  stats: ScanStats;
  sarifCategory?: string;
}

export interface ReporterOptions {
  color: boolean;
}

export type Reporter = (result: ScanResult, options: ReporterOptions) => string;
