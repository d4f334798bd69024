/**
 * The `nodesec` package: what a rule plugin or a script imports.
 *
 * ```js
 * import { defineRule } from 'nodesec';            // write a rule (see README "Plugins")
 * import { scan, builtinRules, reporters } from 'nodesec';
 * const result = await scan({ paths: ['src'] });   // built-in rules unless `rules` is given
 * process.stdout.write(reporters.sarif(result, { color: false }));
 * ```
 */
import type { ScanOptions } from './scan.js';
import type { ScanResult } from './types.js';
import type { Rule } from './rule.js';
import { rules as builtin } from '../rules/index.js';

export { defineRule, SEVERITIES } from './rule.js';
export type {
  Rule,
  RuleMeta,
  RuleContext,
  RuleVisitors,
  NodeHandler,
  ReportDescriptor,
  Severity,
  Precision,
  ThreatModel,
  Location,
  TraceStep,
  Finding,
  Diagnostic,
  DiagnosticKind,
  SinkSpec,
  SinkHelpers,
  WriteSinkSpec,
  ResolvedRef,
  TextContext,
  ProjectContext,
  ProjectRule,
} from './rule.js';
export type { ScanResult, ScanStats, ReportedFinding, Reporter, ReporterOptions } from './types.js';
export type { ScanOptions } from './scan.js';
export type { ScanPhase } from './progress.js';
export { reporters } from './reporters/index.js';
export type { ReportFormat } from './reporters/index.js';

/** The built-in rules, in registry order. */
export const builtinRules: readonly Rule[] = builtin;

/**
 * Scan files and folders. Options are those of the CLI (see ScanOptions); `rules` defaults to the
 * built-in rules. No config file is read: pass what you need (`knowledge`, `baseline`, ...).
 * Throws on a path that does not exist.
 */
export async function scan(options: Omit<ScanOptions, 'rules'> & { rules?: Rule[] }): Promise<ScanResult> {
  const { scan: run } = await import('./scan.js');
  return run({ ...options, rules: options.rules ?? [...builtin] });
}
