/**
 * Runs the rules over one parsed file: visitors of all pattern rules merged by node type and the
 * taint collector are driven by ONE walk; scopes and module resolution are computed once and
 * shared. Returns the file's local findings and its serialisable facts for the project link.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Finding, Location, NodeHandler, Rule, RuleContext, ThreatModel } from './rule.js';
import { buildBindings } from './analysis/scope.js';
import { createModuleModel } from './analysis/modules.js';
import { MASK, TaintCollector } from './analysis/taint.js';
import type { FileFacts, TaintRuleSpec } from './analysis/taint.js';
import { walk } from './analysis/walk.js';
import { isTestPath } from './test-path.js';
import type { TaintKnowledge } from './knowledge.js';
import { extraModelsFor, sinkSpecsFor } from './knowledge.js';
import { checkDeadline } from './deadline.js';

export interface FileAnalysis {
  findings: Finding[];
  facts?: FileFacts;
  /** Project rules' per-file facts, by rule id. */
  projectFacts: Record<string, unknown>;
}

/** Sanitizer class of each taint rule (what a sanitizer for that class clears). */
const RULE_MASK: Record<string, number> = {
  'code-injection': MASK.code,
  'command-injection': MASK.command,
  'path-traversal': MASK.path,
  'prototype-pollution': MASK.proto,
};

export function maskForRule(id: string): number {
  return RULE_MASK[id] ?? 0;
}

export { isTestPath } from './test-path.js';

export function analyzeFile(input: {
  file: string;
  text: string;
  ast: TSESTree.Program;
  sourceType: 'module' | 'script';
  rules: Rule[];
  threatModel: ThreatModel;
  /** The project's own sources, sinks and sanitizers (config file). */
  knowledge?: TaintKnowledge;
  /** Time budget (a performance.now() time): past it, analysis throws a TimeoutError (deadline.ts). */
  deadline?: number;
}): FileAnalysis {
  const { file, text, ast, rules } = input;
  const bindings = buildBindings(ast, input.sourceType);
  const mm = createModuleModel(bindings);
  const findings: Finding[] = [];
  let lineStarts: number[] | undefined;

  const locOf = (node: TSESTree.Node): Location => ({
    file,
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
    endLine: node.loc.end.line,
    endColumn: node.loc.end.column + 1,
  });
  const lineText = (line: number): string => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    }
    const s = lineStarts[line - 1];
    if (s === undefined) return '';
    const e = lineStarts[line] ?? text.length;
    return text.slice(s, e).replace(/\r?\n$/, '');
  };

  // Merge pattern-rule visitors by node type.
  const enterHandlers = new Map<string, NodeHandler[]>();
  const exitHandlers = new Map<string, NodeHandler[]>();
  const isTestFile = isTestPath(file);
  const projectCollectors: Array<{ id: string; facts(): unknown }> = [];
  for (const rule of rules) {
    if (!rule.create && !rule.project) continue;
    const ctx: RuleContext = {
      file,
      text,
      threatModel: input.threatModel,
      isTestFile,
      locOf,
      lineText,
      resolve: mm.resolve,
      isConstant: mm.isConstant,
      constantValue: mm.constantValue,
      variableOf: mm.bindings.variableOf,
      initOf: mm.initOf,
      report(d) {
        const loc = d.loc ?? (d.node ? locOf(d.node) : undefined);
        if (!loc) return;
        findings.push({
          ...loc,
          ruleId: rule.meta.id,
          severity: d.severity ?? rule.meta.severity,
          message: d.message,
          trace: d.trace,
          audit: d.audit || undefined,
        });
      },
    };
    const visitors: Record<string, NodeHandler> = {};
    if (rule.create) Object.assign(visitors, rule.create(ctx));
    if (rule.project) {
      const c = rule.project.collect(ctx);
      projectCollectors.push({ id: rule.meta.id, facts: c.facts });
      for (const [key, fn] of Object.entries(c.visitors)) {
        const prev = visitors[key];
        visitors[key] = prev ? (n: any) => (prev(n), fn(n)) : fn;
      }
    }
    for (const [key, fn] of Object.entries(visitors)) {
      const isExit = key.endsWith(':exit');
      const type = isExit ? key.slice(0, -5) : key;
      const map = isExit ? exitHandlers : enterHandlers;
      let list = map.get(type);
      if (!list) map.set(type, (list = []));
      list.push(fn);
    }
  }

  const k = input.knowledge;
  const taintRules: TaintRuleSpec[] = rules
    .filter((r) => (r.sinks && r.sinks.length) || (r.writeSinks && r.writeSinks.length))
    .map((r) => ({ ruleId: r.meta.id, sinks: k ? [...(r.sinks ?? []), ...sinkSpecsFor(k, r.meta.id)] : r.sinks ?? [], writeSinks: r.writeSinks, mask: maskForRule(r.meta.id) }));
  const extraModels = k ? extraModelsFor(file, k, maskForRule) : undefined;
  const deadline = input.deadline;
  const collector = taintRules.length ? new TaintCollector({ file, model: mm, taintRules, locOf, extraModels, deadline, joinCalls: input.threatModel !== 'app' }) : undefined;

  checkDeadline(deadline);
  let visited = 0;
  walk(
    ast,
    (node) => {
      if ((++visited & 4095) === 0) checkDeadline(deadline);
      collector?.enter(node);
      const hs = enterHandlers.get(node.type);
      if (hs) for (const h of hs) h(node);
    },
    (node) => {
      collector?.exit(node);
      const hs = exitHandlers.get(node.type);
      if (hs) for (const h of hs) h(node);
    },
  );

  const projectFacts: Record<string, unknown> = {};
  for (const c of projectCollectors) {
    const f = c.facts();
    if (f !== undefined) projectFacts[c.id] = f;
  }
  return { findings, facts: collector?.finish(), projectFacts };
}
