/**
 * The types a rule author needs. A rule is data (meta) plus behaviour:
 *  - a taint rule declares `sinks`; the shared taint analysis finds flows into them;
 *  - a pattern rule returns node-type visitors from `create`, run in the engine's single walk;
 *  - a text rule implements `checkText` for non-JS files (.env, JSON, YAML, .npmrc);
 *  - a project rule implements `checkProject` over the linked facts of all files.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Variable } from '@typescript-eslint/scope-manager';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
export type Precision = 'very-high' | 'high' | 'medium' | 'low';
export type ThreatModel = 'app' | 'library' | 'all';

export interface RuleMeta {
  /** kebab-case id; equals the file name in rules/ and the fixtures folder. Stable forever. */
  id: string;
  /** Human name, e.g. "Command injection". */
  name: string;
  /** One sentence. */
  description: string;
  severity: Severity;
  precision: Precision;
  /** e.g. ["CWE-78", "CWE-88"] */
  cwe: string[];
  owasp?: string[];
  /** Markdown: why it is dangerous, how to fix, a safe example. */
  help: string;
  references?: string[];
  /**
   * The rule's findings point at secrets: reports mask every finding range of this rule in source
   * snippets (the range's text becomes its redacted form; a snippet of a multi-line range is dropped).
   */
  redact?: boolean;
}

/** A source range: 1-based lines and columns, endColumn exclusive (SARIF style). */
export interface Location {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface TraceStep extends Location {
  /** Short label: "req.query.host (user input)", "passed to run() as cmd", "child_process.exec()". */
  label: string;
}

export interface Finding extends Location {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Source -> steps -> sink, for taint findings. */
  trace?: TraceStep[];
  /** A dangerous sink with non-constant input but no proven source. */
  audit?: boolean;
  /** GitHub primaryLocationLineHash style fingerprint; filled in by the scan. */
  fingerprint?: string;
  /** Set when an inline suppression (`kind` "inline") or the baseline ("baseline") matched. */
  suppressed?: { reason?: string; kind?: 'inline' | 'baseline' };
}

export type DiagnosticKind =
  | 'unreadable'
  | 'binary'
  | 'encoding'
  | 'syntax'
  | 'too-large'
  | 'minified'
  | 'too-deep'
  | 'timeout'
  | 'internal'
  /** The project link ran out of --max-link-time: cross-function findings may be missing (file '.'). */
  | 'link-timeout'
  /** A `nodesec-ignore` comment that cannot be used (no or malformed rule id). */
  | 'suppression';

export interface Diagnostic {
  file: string;
  kind: DiagnosticKind;
  message: string;
  line?: number;
  column?: number;
}

export interface ReportDescriptor {
  node?: TSESTree.Node;
  loc?: Location;
  message: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
  trace?: TraceStep[];
  audit?: boolean;
}

/** What the module resolver says an expression refers to. */
export interface ResolvedRef {
  /** Normalised module name ("child_process", "fs", "./lib/x"), or "<global>" for globals. */
  module: string;
  /** Property path inside the module: ["exec"], ["promises", "readFile"], [] for the module itself. */
  path: string[];
}

/** A call site a taint rule cares about. */
export interface SinkSpec {
  /** Module names this sink lives in (normalised, without "node:"). "<global>" for eval etc. */
  modules: string[];
  /** Export paths, e.g. [["exec"], ["execSync"]]. "*" matches any one segment. */
  paths: string[][];
  /** Which argument indexes carry the dangerous value; "all" for every argument. */
  args: number[] | 'all';
  /** Also a `new X()` site. */
  construct?: boolean;
  /**
   * Method sinks on framework objects that are not module exports (`res.sendFile(...)`): matched
   * by method name when the callee does not resolve to a module, optionally only on receivers
   * with these names.
   */
  methodNames?: string[];
  receiverNames?: string[];
  /** Extra check on the call (e.g. spawn only with shell: true). Returns the args to check. */
  filter?: (call: TSESTree.CallExpression | TSESTree.NewExpression, helpers: SinkHelpers) => number[] | 'all' | null;
  /** Whether a non-constant argument with no proven source is worth an audit finding (default yes). */
  auditable?: (call: TSESTree.CallExpression | TSESTree.NewExpression, helpers: SinkHelpers) => boolean;
  /** Label for traces: "child_process.exec()". */
  label: string;
  /** Severity of a proven flow into this sink, when it differs from the rule's. */
  severity?: Severity;
  /**
   * Only request data is a source here, never the parameters of a library's exported functions
   * (a sink whose harm stays with the caller's own object, e.g. `Object.assign(target, input)`).
   */
  requestDataOnly?: boolean;
  /**
   * Library threat model: an exported function's parameter counts only when it is part of a
   * larger value (a file name joined under a base folder), not when it is the whole value — then
   * the caller chose it (`readConfig(file)` reading the file it is given is its purpose).
   */
  paramNeedsPrefix?: boolean;
}

/**
 * A sink that is an assignment rather than a call (prototype-polluting writes `obj[a][b] = v`):
 * `match` returns the expressions whose attacker control makes the write dangerous, or null.
 */
export interface WriteSinkSpec {
  match(assign: TSESTree.AssignmentExpression, helpers: SinkHelpers): WriteSinkMatch | null;
}

export interface WriteSinkMatch {
  /** Expressions whose attacker control makes the write dangerous (the flow is traced from them). */
  check: TSESTree.Node[];
  /** Further expressions of which at least one must carry unsanitized taint (e.g. the key that walked to the target). */
  require?: TSESTree.Node[];
  label: string;
  /** Severity of a proven flow, when it differs from the rule's. */
  severity?: Severity;
}

export interface SinkHelpers {
  isConstant(node: TSESTree.Node): boolean;
  constantValue(node: TSESTree.Node): unknown;
  resolve(node: TSESTree.Node): ResolvedRef | undefined;
}

export type NodeHandler = (node: any) => void;
export type RuleVisitors = Record<string, NodeHandler>;

export interface RuleContext extends SinkHelpers {
  /** Path relative to the scan root, posix separators. */
  readonly file: string;
  readonly text: string;
  readonly threatModel: ThreatModel;
  /** test/, __tests__, *.test.*, *.spec.*, fixtures/, examples/ ... */
  readonly isTestFile: boolean;
  report(d: ReportDescriptor): void;
  /** Location of a node in this file. */
  locOf(node: TSESTree.Node): Location;
  /** The source text of one 1-based line. */
  lineText(line: number): string;
  /** Scope analysis: the variable an identifier (reference or declaration) denotes; null for globals. */
  variableOf(id: TSESTree.Identifier): Variable | null;
  /** The single initialiser of a never-reassigned variable, with the destructuring path to the name. */
  initOf(v: Variable): { init: TSESTree.Node; path: string[] } | undefined;
}

export interface TextContext {
  readonly file: string;
  readonly text: string;
  readonly isTestFile: boolean;
  report(d: ReportDescriptor): void;
}

export interface ProjectContext {
  readonly threatModel: ThreatModel;
  /** A relative import from a scanned file -> the scanned file it names (relative posix path). */
  resolveImport(fromFile: string, spec: string): string | undefined;
  report(d: ReportDescriptor & { loc: Location }): void;
}

/**
 * A project rule collects serialisable facts per file (its visitors run in the single walk), then
 * checks the facts of all files together (e.g. an app created in one file, served in another).
 */
export interface ProjectRule<F = unknown> {
  collect(ctx: RuleContext): { visitors: RuleVisitors; facts(): F | undefined };
  check(files: Array<{ file: string; facts: F }>, ctx: ProjectContext): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Taint rule: the sinks this rule owns. */
  sinks?: SinkSpec[];
  /** Taint rule: assignment sinks. */
  writeSinks?: WriteSinkSpec[];
  /** Message for a proven flow; `source` is the source label, `sink` the sink label. */
  flowMessage?: (source: string, sink: string) => string;
  /** Message for an audit finding (non-constant input, no proven source). */
  auditMessage?: (sink: string) => string;
  /** Pattern rule: visitors by ESTree node type, called in the single walk. "X:exit" runs on leave. */
  create?(ctx: RuleContext): RuleVisitors;
  /** Project rule: per-file facts, then one check over all files. */
  project?: ProjectRule<any>;
  /** Non-JS files this rule wants to read (relative posix path -> yes/no). */
  wantsTextFile?(relPath: string): boolean;
  checkText?(ctx: TextContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
