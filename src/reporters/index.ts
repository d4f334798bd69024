/** The report formats, by name. Each reporter is a pure function ScanResult -> string. */
import type { Reporter } from '../types.js';
import { githubReporter } from './github.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import { REPORT_FORMATS } from './formats.js';
import type { ReportFormat } from './formats.js';

export { REPORT_FORMATS, loadReporter } from './formats.js';
export type { ReportFormat } from './formats.js';

export const reporters: Readonly<Record<ReportFormat, Reporter>> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
};

export function isReportFormat(name: string): name is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(name);
}

export { jsonReporter, JSON_SCHEMA_DOC, JSON_SCHEMA_VERSION } from './json.js';
export type { JsonReport, JsonFinding, JsonDiagnostic, JsonTraceStep } from './json.js';
export { sarifReporter, SECURITY_SEVERITY, SARIF_LEVEL, SARIF_SCHEMA_URI } from './sarif.js';
export type { SarifReporterOptions } from './sarif.js';
export { textReporter, sanitizeForTerminal } from './text.js';
export { githubReporter, escapeData, escapeProperty } from './github.js';
export type { TextReporterOptions } from './text.js';
