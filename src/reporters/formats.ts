/**
 * The report formats and a loader for each: the CLI loads only the chosen format's reporter (the
 * text one brings chalk), while reporters/index.ts gives every reporter at once for the API.
 */
import type { Reporter } from '../types.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'github'];

const loaders: Readonly<Record<ReportFormat, () => Promise<Reporter>>> = {
  text: async () => (await import('./text.js')).textReporter,
  json: async () => (await import('./json.js')).jsonReporter,
  sarif: async () => (await import('./sarif.js')).sarifReporter,
  github: async () => (await import('./github.js')).githubReporter,
};

/** The reporter of one format, loading only its module. */
export function loadReporter(format: ReportFormat): Promise<Reporter> {
  return loaders[format]();
}
