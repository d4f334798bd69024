/**
 * Per-file taint analysis. One pass collects the file's functions, flows and calls (fed by the
 * engine's single walk); a small fixpoint then evaluates the flows flow-insensitively over
 * variables (scope-manager bindings), `this` fields and function returns.
 *
 * Values are sets of symbolic atoms:
 *   p(fn, i, prop?)  parameter i of function fn (prop: the first property read from it),
 *   r(call)          the value returned by a call to a function resolved later (same or other file),
 *   s(desc)          concrete attacker data.
 * The result is a serialisable FileFacts summary: per-function returns, call sites with argument
 * values, sinks with argument values, handlers and exports. summaries.ts links them across
 * functions and files and decides which atoms are attacker-controlled.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Location, Severity, SinkSpec, WriteSinkSpec } from '../rule.js';
import type { ModuleModel } from './modules.js';
import { apiPath, GLOBAL } from './modules.js';
import type { Variable } from './scope.js';
import { handlersOfCall, looksLikeHandlerByParams, nestSourceParams } from './frameworks.js';
import type { Framework } from './frameworks.js';
import { isFunction, propName, unwrap } from './walk.js';
import { isRelativeSpec as isRelative } from './resolve.js';
import type { Node } from './walk.js';
import { checkDeadline } from '../deadline.js';

// ---------------------------------------------------------------------------------------------
// Values

/** Sanitizer classes: a value sanitized for a class no longer taints sinks of that class. */
export const MASK = { code: 1, command: 2, path: 4, proto: 8, all: 15, joined: 16 } as const;
// `joined` is not a sanitizer: it marks a value that was appended to something else (a string
// prefix, a base folder), which SinkSpec.paramNeedsPrefix asks for.

export type Atom =
  | { k: 'p'; fn: string; i: number; prop?: string }
  | { k: 'r'; call: string; prop?: string }
  | { k: 's'; desc: string };

export interface Step extends Location {
  label: string;
}

export interface Entry {
  atom: Atom;
  mask: number;
  trace: Step[];
  /** The object-literal property this value was stored under (`{ dir: x }`), for field-sensitive reads. */
  field?: string;
  /**
   * A call's result appended after values from these sources (their rootKey()s): once the link
   * knows what the call returns, each part that comes from another source is marked `joined`.
   */
  after?: string[];
}

export type Taint = Map<string, Entry>;
const EMPTY: Taint = new Map();
/** A value known to be harmless by construction (a number, a boolean, a hash): not opaque input. */
const CLEAN_ENTRY: Entry = { atom: { k: 's', desc: '(sanitized)' }, mask: 15, trace: [] };
const CLEAN: Taint = new Map([[entryKey(CLEAN_ENTRY), CLEAN_ENTRY]]);
const MAX_ENTRIES = 48;
const MAX_TRACE = 24;

export function atomKey(a: Atom): string {
  return a.k === 'p' ? `p:${a.fn}:${a.i}:${a.prop ?? ''}` : a.k === 'r' ? `r:${a.call}:${a.prop ?? ''}` : `s:${a.desc}`;
}
export function entryKey(e: Entry): string {
  return atomKey(e.atom) + '|' + e.mask + (e.field !== undefined ? '#' + e.field : '');
}

/**
 * A trace step at `loc`. Built field by field: V8 gives every `{ ...loc, label }` its own hidden
 * class (a spread followed by a new property), which cost the facts of a large scan tens of MB.
 */
export function stepAt(loc: Location, label: string): Step {
  return { file: loc.file, line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn, label };
}

/** An atom with the property read from it (built field by field, like stepAt). */
function atomWithProp(a: Atom & { k: 'p' | 'r' }, prop: string): Atom {
  return a.k === 'p' ? { k: 'p', fn: a.fn, i: a.i, prop } : { k: 'r', call: a.call, prop };
}

export function addStep(trace: Step[], step: Step | undefined): Step[] {
  return step ? addSteps(trace, step, NO_STEPS) : trace;
}
const NO_STEPS: readonly Step[] = [];

/**
 * `first` (if any) then each of `steps` added with addStep, copying the trace once instead of once
 * per step: the same result as folding addStep (the input is returned when no step is added).
 */
export function addSteps(trace: Step[], first: Step | undefined, steps: readonly Step[]): Step[] {
  let t = trace;
  let copied = false;
  for (let k = first ? -1 : 0; k < steps.length; k++) {
    const step = k < 0 ? first! : steps[k]!;
    const last = t[t.length - 1];
    if (last && last.line === step.line && last.column === step.column && last.file === step.file) continue;
    if (!copied) {
      t = t.slice();
      copied = true;
    }
    if (t.length >= MAX_TRACE) t.splice(MAX_TRACE / 2, t.length - (MAX_TRACE - 1));
    t.push(step);
  }
  return t;
}

function union(a: Taint, b: Taint): Taint {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Map(a);
  for (const [k, e] of b) if (!out.has(k) && out.size < MAX_ENTRIES) out.set(k, e);
  return out;
}

function mapEntries(t: Taint, f: (e: Entry) => Entry | undefined): Taint {
  if (t.size === 0) return t;
  const out: Taint = new Map();
  for (const e of t.values()) {
    const n = f(e);
    if (n) out.set(entryKey(n), n);
  }
  return out;
}

/**
 * Reading property `prop` of a value. A value stored under another property of an object
 * literal is not read (`{ dir: a, name: b }.dir` is `a` only); a parameter atom remembers the
 * first property read from it. Returns undefined when the value does not flow.
 */
export function applyProp(e: Entry, prop: string): Entry | undefined {
  if (e.field !== undefined) {
    if (prop !== '*' && e.field !== prop) return undefined;
    const { field: _f, ...rest } = e;
    return rest;
  }
  // A parameter, or a call result resolved later, remembers the first property read from it.
  if ((e.atom.k === 'p' || e.atom.k === 'r') && e.atom.prop === undefined) return { ...e, atom: atomWithProp(e.atom, prop) };
  return e;
}

function withMask(t: Taint, mask: number): Taint {
  return mapEntries(t, (e) => ({ ...e, mask: e.mask | mask }));
}

/**
 * Concatenation of parts (a + b, templates, path.join): a part's values are marked `joined` when
 * something comes before them that they do not control — a constant prefix, or a prefix from
 * another source (a base folder given at construction, then a key per call).
 */
/**
 * The source an atom stands for, whatever property of it was read: the properties of one options
 * object are one caller's decision (`path.join(opts.dir, opts.name)` writes where the caller says).
 */
export function rootKey(a: Atom): string {
  return a.k === 'p' ? `p:${a.fn}:${a.i}` : atomKey(a);
}

function intersects(a: Set<unknown>, b: Set<unknown>): boolean {
  if (b.size === 0) return false;
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/**
 * `calls`: also mark call results (see Entry.after). Only threat models that take exported
 * functions' parameters as sources read the `joined` mark; under `app` it is not computed for them.
 */
function joinParts(parts: Taint[], constantPrefix: boolean, calls = false): Taint {
  let out: Taint = EMPTY;
  const before = new Set<string>();
  let rBefore = false;
  let hasPrefix = constantPrefix;
  for (const part of parts) {
    if (part.size) {
      if (hasPrefix) {
        let afterList: string[] | undefined;
        out = union(
          out,
          mapEntries(part, (e) => {
            if (e.atom.k === 's' && e.mask === MASK.all) return e; // a clean value
            // A call's result, whose origin is known only after linking, may share the prefix's
            // source: the link decides, against the sources before it (see Entry.after). After a
            // constant prefix alone there is no source to share.
            if (e.atom.k === 'r') {
              if (!calls) return e;
              if (before.size === 0) return { ...e, mask: e.mask | MASK.joined };
              if (rBefore) return e; // another call's result: its sources are not known here either
              afterList ??= [...before];
              return { ...e, after: e.after ? [...new Set([...e.after, ...afterList])] : afterList };
            }
            return before.has(rootKey(e.atom)) ? e : { ...e, mask: e.mask | MASK.joined };
          }),
        );
      } else out = union(out, part);
      for (const e of part.values()) {
        if (e.atom.k === 's' && e.mask === MASK.all) continue;
        before.add(rootKey(e.atom));
        if (e.atom.k === 'r') rBefore = true;
      }
    }
    hasPrefix = true;
  }
  return out;
}

function withStep(t: Taint, step: Step): Taint {
  return mapEntries(t, (e) => ({ ...e, trace: addStep(e.trace, step) }));
}

// ---------------------------------------------------------------------------------------------
// Facts

export interface ExportDesc {
  /** Callable: the function itself, or a class constructor. */
  fn?: string;
  /** Members: object literal properties, class methods, prototype methods. */
  obj?: Record<string, ExportDesc>;
  /** Re-export of another module's export path. */
  reexport?: { spec: string; path: string[] };
}

export interface FnFact {
  id: string;
  name: string;
  params: string[];
  loc: Location;
  returns: Entry[];
  handler?: { framework: Framework; reqIndex: number };
  /** Parameters that are attacker data by decoration (NestJS @Body() etc.). */
  sourceParams?: number[];
  /** Functions this one makes reachable to its caller (returned, methods, this.x = fn). */
  publishes: string[];
}

export type CallTarget = { local: string } | { module: string; path: string[] };

export interface CallFact {
  id: string;
  fn: string;
  targets: CallTarget[];
  args: Entry[][];
  loc: Location;
  label: string;
  isNew: boolean;
}

export interface SinkFact {
  ruleId: string;
  label: string;
  loc: Location;
  fn: string;
  value: Entry[];
  /** Non-constant input that no sanitizer or guard accounts for: an audit finding if no flow is proven. */
  auditable: boolean;
  mask: number;
  /** Severity of a proven flow when the sink sets one (else the rule's). */
  severity?: Severity;
  /** Only request data counts as a source (SinkSpec.requestDataOnly). */
  requestOnly?: boolean;
  /** Exported-function parameters count only when joined to a prefix (SinkSpec.paramNeedsPrefix). */
  partialOnly?: boolean;
}

export interface FileFacts {
  file: string;
  fns: FnFact[];
  calls: CallFact[];
  sinks: SinkFact[];
  exports: Record<string, ExportDesc>;
  /** `export * from './x'` */
  star: string[];
  /** Handlers registered by reference to another module's export. */
  handlerRefs: Array<{ target: CallTarget; framework: Framework }>;
}

export interface TaintRuleSpec {
  ruleId: string;
  sinks: SinkSpec[];
  writeSinks?: WriteSinkSpec[];
  mask: number;
}

// ---------------------------------------------------------------------------------------------
// API models used by the evaluator (sanitizers, propagators, callbacks)

const NUMERIC_GLOBALS = new Set(['Number', 'parseInt', 'parseFloat', 'Boolean', 'isNaN', 'isFinite', 'Date', 'BigInt']);
const CLEAN_METHODS = new Set([
  'includes',
  'startsWith',
  'endsWith',
  'test',
  'indexOf',
  'lastIndexOf',
  'search',
  'localeCompare',
  'has',
  'hasOwnProperty',
  'isArray',
  'some',
  'every',
  'findIndex',
  'findLastIndex',
  'charCodeAt',
  'codePointAt',
  'getTime',
  'digest',
  'toFixed',
  'isInteger',
  'isSafeInteger',
  'existsSync',
  'isFile',
  'isDirectory',
  'size',
]);
const CALLBACK_ELEMENT_METHODS = new Set([
  'forEach',
  'map',
  'filter',
  'find',
  'findLast',
  'some',
  'every',
  'flatMap',
  'then',
  'catch',
  'finally',
]);
const MUTATORS = new Set(['push', 'unshift', 'splice', 'set', 'add', 'append', 'fill']);
const OPAQUE_RESULT_MODULES = new Set(['child_process', 'fs', 'fs-extra', 'graceful-fs', 'net', 'http', 'https', 'http2', 'dgram', 'cross-spawn', 'execa', 'shelljs']);
const SHELL_ESCAPERS = new Set(['shell-quote', 'shescape', 'shell-escape', 'any-shell-escape', 'shell-escape-tag', 'shlex']);

// ---------------------------------------------------------------------------------------------

interface FnInfo {
  id: string;
  node: Node; // function node or Program
  name: string;
  thisKey: string;
  returns: Taint;
  publishes: Set<string>;
  handler?: { framework: Framework; reqIndex: number };
  sourceParams?: number[];
  /** Functions returned directly or as properties of a returned object literal. */
  returned: Node[];
}

/**
 * Project-specific API knowledge (from the config file), consulted before the built-in models:
 * `call` says what a call to a resolved callee does (its result is attacker data labelled
 * `source`, or its arguments with sanitizer mask `sanitizes`); `moduleKey` canonicalises a module
 * specifier written in this file (relative specs become root-relative) before sinks are matched.
 */
export interface ExtraModels {
  call?(ref: { module: string; path: string[] }): { source?: string; sanitizes?: number } | undefined;
  moduleKey?(spec: string): string;
}

export interface CollectorOptions {
  file: string;
  model: ModuleModel;
  taintRules: TaintRuleSpec[];
  locOf(node: Node): Location;
  extraModels?: ExtraModels;
  /** Per-file time budget (performance.now() time): finish() throws a TimeoutError past it. */
  deadline?: number;
  /** Mark call results appended to other values `joined` (threat models other than `app`). */
  joinCalls?: boolean;
}

/** Fed by the engine's walk (enter/exit), then `finish()` evaluates and returns the file's facts. */
export class TaintCollector {
  private fns: FnInfo[] = [];
  private fnByNode = new Map<Node, FnInfo>();
  private fnStack: FnInfo[] = [];
  private flows: Array<{ node: Node; fn: FnInfo }> = [];
  private calls: Array<{ node: TSESTree.CallExpression | TSESTree.NewExpression; fn: FnInfo }> = [];
  private writes: Array<{ node: TSESTree.AssignmentExpression; fn: FnInfo }> = [];
  private readonly wantsWrites: boolean;
  private exportNodes: Node[] = [];
  private env = new Map<Variable, Taint>();
  private fields = new Map<string, Taint>();
  private paramInit = new Map<Variable, Taint>();
  private methodsByThis = new Map<string, Map<string, Node>>();
  private changed = false;
  /** Variables and fields read by the flow being evaluated (see finish()). */
  private reads: Set<unknown> | undefined;
  /** Variables and fields whose value changed during the current pass. */
  private dirty = new Set<unknown>();
  /** A method was attached during the pass: functions may resolve differently anywhere. */
  private methodsChanged = false;
  private handlerRegs: Array<{ fn: Node; framework: Framework; reqIndex: number }> = [];
  private depth = 0;
  private callIds = new Map<Node, string>();
  private readonly mm: ModuleModel;

  constructor(private readonly o: CollectorOptions) {
    this.mm = o.model;
    this.wantsWrites = o.taintRules.some((r) => r.writeSinks && r.writeSinks.length);
  }

  // ---- collection (single walk) ----

  enter(node: Node): void {
    switch (node.type) {
      case 'Program': {
        const info = this.newFn(node, '<module>');
        this.fnStack.push(info);
        return;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const info = this.newFn(node, functionName(node));
        this.fnStack.push(info);
        if (node.type === 'ArrowFunctionExpression' && node.expression) this.flows.push({ node, fn: info });
        this.flows.push({ node: node as Node, fn: info }); // parameter defaults / destructuring
        return;
      }
      case 'VariableDeclarator':
      case 'AssignmentExpression':
      case 'ReturnStatement':
      case 'ForOfStatement':
      case 'ForInStatement':
      case 'PropertyDefinition':
        this.flows.push({ node, fn: this.cur() });
        if (isExportAssignment(node)) this.exportNodes.push(node);
        if (this.wantsWrites && node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression' && node.left.computed)
          this.writes.push({ node, fn: this.cur() });
        return;
      case 'CallExpression':
      case 'NewExpression':
        this.calls.push({ node, fn: this.cur() });
        this.flows.push({ node, fn: this.cur() });
        if (node.type === 'CallExpression') {
          for (const h of handlersOfCall(node, this.mm)) this.handlerRegs.push(h);
        }
        return;
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
      case 'TSExportAssignment':
        this.exportNodes.push(node);
        return;
    }
  }

  exit(node: Node): void {
    if (node.type === 'Program' || isFunction(node)) this.fnStack.pop();
  }

  private cur(): FnInfo {
    return this.fnStack[this.fnStack.length - 1];
  }

  private newFn(node: Node, name: string): FnInfo {
    const info: FnInfo = {
      id: `${this.o.file}#${this.fns.length}`,
      node,
      name,
      thisKey: '',
      returns: EMPTY,
      publishes: new Set(),
      returned: [],
    };
    info.thisKey = this.thisKeyOf(node, info);
    this.fns.push(info);
    this.fnByNode.set(node, info);
    if (isFunction(node)) {
      const nest = nestSourceParams(node);
      if (nest.length) info.sourceParams = nest;
      const byName = looksLikeHandlerByParams(node);
      if (byName) info.handler = { framework: byName, reqIndex: 0 };
      this.registerMethod(node, info);
    }
    return info;
  }

  /** `exports.x` / `module.exports.x` of CommonJS (not a local variable named `exports`). */
  private isCommonJsRoot(obj: Node): boolean {
    let r = unwrap(obj);
    while (r.type === 'MemberExpression') r = unwrap(r.object);
    if (r.type !== 'Identifier' || (r.name !== 'exports' && r.name !== 'module')) return false;
    return !this.mm.bindings.variableOf(r)?.defs.length;
  }

  /** The object `this` denotes inside a function: its class, its constructor name, its object literal. */
  private thisKeyOf(node: Node, info: FnInfo): string {
    if (node.type === 'ArrowFunctionExpression') {
      const outer = this.fnStack[this.fnStack.length - 1];
      return outer ? outer.thisKey : info.id;
    }
    const p: any = (node as any).parent;
    if (p && (p.type === 'MethodDefinition' || p.type === 'PropertyDefinition') && p.parent?.parent) return 'C:' + classKey(p.parent.parent);
    if (node.type === 'FunctionDeclaration' && node.id) return 'V:' + node.id.name;
    if (p && p.type === 'VariableDeclarator' && p.id.type === 'Identifier') return 'V:' + p.id.name;
    if (p && p.type === 'AssignmentExpression' && p.parent?.type === 'VariableDeclarator' && p.parent.id.type === 'Identifier')
      return 'V:' + p.parent.id.name; // var Git = exports.Git = function () {}
    if (p && p.type === 'AssignmentExpression' && p.left.type === 'MemberExpression') {
      const proto = prototypeOwner(p.left);
      if (proto) return 'V:' + proto;
      const path = memberPath(p.left.object);
      if (path && !this.isCommonJsRoot(p.left.object)) return 'V:' + path.join('.');
    }
    if (p && p.type === 'Property' && p.parent?.type === 'ObjectExpression') {
      const obj = p.parent;
      const gp = obj.parent;
      if (gp && gp.type === 'AssignmentExpression' && gp.left.type === 'MemberExpression') {
        const proto = prototypeOwner(gp.left, true);
        if (proto) return 'V:' + proto;
      }
      return 'O:' + classKey(obj);
    }
    return 'F:' + info.id;
  }

  private registerMethod(fn: Node, info: FnInfo): void {
    const p: any = (fn as any).parent;
    let owner: string | undefined;
    let name: string | undefined;
    if (p && (p.type === 'MethodDefinition' || p.type === 'PropertyDefinition')) {
      owner = 'C:' + classKey(p.parent.parent);
      name = p.kind === 'constructor' ? '<ctor>' : propName(p);
    } else if (p && p.type === 'Property' && p.parent?.type === 'ObjectExpression') {
      owner = info.thisKey;
      name = propName(p);
    } else if (p && p.type === 'AssignmentExpression' && p.left.type === 'MemberExpression') {
      const left = p.left as TSESTree.MemberExpression;
      const proto = prototypeOwner(left);
      if (proto) {
        owner = 'V:' + proto;
        name = propName(left);
      } else if (unwrap(left.object).type === 'ThisExpression') {
        owner = this.cur()?.thisKey;
        name = propName(left);
      } else {
        const path = memberPath(left.object);
        if (path && !this.isCommonJsRoot(left.object)) {
          owner = 'V:' + path.join('.'); // obj.method = function () {}; obj.utils.method = ...
          name = propName(left);
        }
      }
    }
    if (owner && name) {
      let m = this.methodsByThis.get(owner);
      if (!m) this.methodsByThis.set(owner, (m = new Map()));
      if (!m.has(name)) m.set(name, fn);
    }
  }

  // ---- evaluation ----

  finish(): FileFacts {
    this.initParams();
    this.resolveHandlers();
    let n = 0;
    // A flow is evaluated again only when a variable or field it read has changed since (in the
    // last pass or earlier in this one), or a method was attached: any other flow would compute
    // the same values and change nothing, so each pass ends in the same state as evaluating every
    // flow, at a fraction of the cost.
    const reads: Array<Set<unknown>> = new Array(this.flows.length);
    for (let iter = 0; iter < 8; iter++) {
      this.changed = false;
      const dirty = this.dirty;
      const all = iter === 0 || this.methodsChanged;
      this.dirty = new Set();
      this.methodsChanged = false;
      for (let k = 0; k < this.flows.length; k++) {
        if (!all && !intersects(reads[k]!, dirty) && !intersects(reads[k]!, this.dirty)) continue;
        const f = this.flows[k]!;
        if ((++n & 255) === 0) checkDeadline(this.o.deadline); // time budget (--max-file-time)
        this.reads = new Set();
        this.flow(f.node, f.fn);
        reads[k] = this.reads;
      }
      if (!this.changed) break;
    }
    this.reads = undefined;
    return this.facts();
  }

  private loc(node: Node): Location {
    return this.o.locOf(node);
  }

  private step(node: Node, label: string): Step {
    return stepAt(this.loc(node), label);
  }

  private initParams(): void {
    for (const info of this.fns) {
      if (!isFunction(info.node)) continue;
      const fn = info.node;
      fn.params.forEach((param: any, i: number) => {
        const p = param.type === 'TSParameterProperty' ? param.parameter : param;
        const name = paramName(p);
        const atom: Atom = { k: 'p', fn: info.id, i };
        const e: Entry = { atom, mask: 0, trace: [this.step(p, `parameter ${name} of ${info.name}()`)] };
        const t: Taint = new Map([[entryKey(e), e]]);
        if (p.type === 'RestElement') this.bindPattern(p.argument, t, undefined, true);
        else this.bindPattern(p, t, undefined, true);
        if (param.type === 'TSParameterProperty') this.addField(info.thisKey, name, t);
      });
    }
  }

  private resolveHandlers(): void {
    for (const h of this.handlerRegs) {
      const fnNode = this.fnNodeOf(h.fn);
      if (fnNode) {
        const info = this.fnByNode.get(fnNode);
        if (info) info.handler = { framework: h.framework, reqIndex: h.reqIndex };
      }
    }
  }

  /** The function an expression denotes, when it is defined in this file. */
  private fnNodeOf(expr: Node, depth = 0): Node | undefined {
    const n = unwrap(expr);
    if (depth > 5) return undefined;
    if (isFunction(n)) return n;
    if (n.type === 'ClassExpression' || n.type === 'ClassDeclaration') return constructorOf(n);
    if (n.type === 'AssignmentExpression' && n.operator === '=') return this.fnNodeOf(n.right, depth + 1); // var f = g = function () {}
    if (n.type === 'CallExpression') {
      // forEach(makeVisitor(a, b)): the function a local factory returns
      const f = this.fnNodeOf(n.callee, depth + 1);
      const r = f && isFunction(f) ? returnedExpr(f) : undefined;
      return r ? this.fnNodeOf(r, depth + 1) : undefined;
    }
    if (n.type === 'Identifier') {
      const v = this.mm.bindings.variableOf(n);
      if (!v || v.defs.length === 0) return undefined;
      const def = v.defs[0];
      if (v.defs.length > 1) {
        // function f() {} ... var f = function () {}: once the module has run, calls reach the later value
        const later = v.defs.find((d) => d.type === 'Variable' && (d.node as any).init);
        if (later) return this.fnNodeOf((later.node as any).init, depth + 1);
      }
      // TS overloads and `declare function`: only a definition with a body is a function here.
      if (def.type === 'FunctionName') return v.defs.map((d) => d.node as Node).find((d) => this.fnByNode.has(d));
      if (def.type === 'ClassName') return constructorOf(def.node as any);
      if (def.type === 'Variable' && v.defs.length === 1) {
        const init = this.mm.initOf(v);
        if (init && init.path.length === 0) return this.fnNodeOf(init.init, depth + 1);
      }
      // UMD: (function (factory) { module.exports = factory(); })(function () { ... })
      if (def.type === 'Parameter' && v.defs.length === 1 && !this.mm.isReassigned(v)) {
        const fn: any = def.node;
        const call = fn?.parent;
        const i = isFunction(fn) ? fn.params.indexOf(def.name as any) : -1;
        if (i >= 0 && call?.type === 'CallExpression' && unwrap(call.callee) === fn && call.arguments[i]) return this.fnNodeOf(call.arguments[i], depth + 1);
      }
      return undefined;
    }
    if (n.type === 'MemberExpression') {
      const name = propName(n);
      if (!name) return undefined;
      const obj = unwrap(n.object);
      if (obj.type === 'ThisExpression' || isSelfAlias(obj, this.mm)) {
        const m = this.methodsByThis.get(this.thisKeyAt(n));
        return m?.get(name);
      }
      if (obj.type === 'Identifier') {
        const v = this.mm.bindings.variableOf(obj);
        if (v) {
          const init = this.mm.initOf(v);
          if (init && init.path.length === 0) {
            const i = unwrap(init.init);
            if (i.type === 'ObjectExpression') {
              for (const p of i.properties) if (p.type === 'Property' && propName(p) === name) return this.fnNodeOf(p.value as Node, depth + 1);
            }
            if (i.type === 'NewExpression') {
              const ctor = this.fnNodeOf(i.callee, depth + 1);
              const cls = ctor && classOfCtor(ctor);
              if (cls) return this.methodsByThis.get('C:' + classKey(cls))?.get(name);
            }
          }
          const def = v.defs[0];
          if (def && (def.type === 'FunctionName' || def.type === 'Variable')) {
            const m = this.methodsByThis.get('V:' + obj.name);
            if (m?.has(name)) return m.get(name);
          }
        }
      }
    }
    return undefined;
  }

  private thisKeyAt(node: Node): string {
    let p: any = node;
    while (p && !this.fnByNode.has(p)) p = p.parent;
    return p ? this.fnByNode.get(p)!.thisKey : '';
  }

  private fnInfoAt(node: Node): FnInfo {
    let p: any = (node as any).parent;
    while (p && !this.fnByNode.has(p)) p = p.parent;
    return p ? this.fnByNode.get(p)! : this.fns[0];
  }

  /** Call targets resolved later (summaries): local functions and relative-module exports. */
  /** `f.call(t, a, b)` / `f.bind(t, a, b)` / `f.apply(t, list)`: the function and its arguments. */
  private indirectCall(call: TSESTree.CallExpression | TSESTree.NewExpression): { callee: Node; args: Node[][] } | undefined {
    const c = unwrap(call.callee);
    if (call.type !== 'CallExpression' || c.type !== 'MemberExpression') return undefined;
    const how = propName(c);
    if (how !== 'call' && how !== 'bind' && how !== 'apply') return undefined;
    const rest = call.arguments.slice(1).map((a) => (a.type === 'SpreadElement' ? a.argument : a)) as Node[];
    if (how === 'apply') return { callee: c.object, args: Array.from({ length: 6 }, () => rest.slice(0, 1)) };
    return { callee: c.object, args: rest.map((a) => [a]) };
  }

  private targetsOf(call: TSESTree.CallExpression | TSESTree.NewExpression): CallTarget[] {
    const ind = this.indirectCall(call);
    if (ind) {
      const f = this.fnNodeOf(ind.callee);
      const info = f && this.fnByNode.get(f);
      if (info) return [{ local: info.id }];
      const ref = this.mm.resolve(ind.callee);
      return ref && isRelative(ref.module) ? [{ module: ref.module, path: ref.path }] : [];
    }
    const local = this.fnNodeOf(call.callee);
    if (local) {
      const info = this.fnByNode.get(local);
      if (info) return [{ local: info.id }];
    }
    const callee = unwrap(call.callee);
    if (callee.type === 'MemberExpression') {
      const obj = unwrap(callee.object);
      const name = propName(callee);
      if (name && obj.type === 'Identifier' && obj.name === 'exports' && this.mm.bindings.isGlobal(obj)) return [{ module: '#self', path: [name] }];
      if (name && obj.type === 'MemberExpression' && isModuleExports(obj)) return [{ module: '#self', path: [name] }];
    }
    const ref = this.mm.resolve(call.callee);
    if (ref && isRelative(ref.module)) return [{ module: ref.module, path: ref.path }];
    return [];
  }

  /** Argument values of a call, by parameter position (through call/bind/apply). */
  private callArgs(call: TSESTree.CallExpression | TSESTree.NewExpression): Entry[][] {
    const ind = this.indirectCall(call);
    if (ind) return ind.args.map((nodes) => nodes.flatMap((n) => [...this.eval(n).values()]));
    return call.arguments.map((a) => [...this.eval(a.type === 'SpreadElement' ? a.argument : a).values()]);
  }

  private varOf(id: TSESTree.Identifier): Variable | null {
    return this.mm.bindings.variableOf(id);
  }

  private addVar(v: Variable, t: Taint): void {
    if (t.size === 0) return;
    const old = this.env.get(v) ?? EMPTY;
    const n = union(old, t);
    if (n !== old && n.size !== old.size) {
      this.env.set(v, n);
      this.dirty.add(v);
      this.changed = true;
    }
  }

  private addField(thisKey: string, name: string, t: Taint): void {
    if (t.size === 0) return;
    const key = thisKey + '.' + name;
    const old = this.fields.get(key) ?? EMPTY;
    const n = union(old, t);
    if (n.size !== old.size) {
      this.fields.set(key, n);
      this.dirty.add(key);
      this.changed = true;
    }
  }

  /** Bind a value to a declaration or assignment pattern. */
  private bindPattern(pat: Node, t: Taint, stepNode: Node | undefined, isParamInit = false): void {
    switch (pat.type) {
      case 'Identifier': {
        const v = this.varOf(pat);
        if (!v) return;
        const val = stepNode && t.size ? withStep(t, this.step(pat, `${pat.name} = ...`)) : t;
        if (isParamInit) {
          this.paramInit.set(v, union(this.paramInit.get(v) ?? EMPTY, val));
          this.addVar(v, val);
        } else this.addVar(v, val);
        return;
      }
      case 'ObjectPattern':
        for (const p of pat.properties) {
          if (p.type === 'RestElement') this.bindPattern(p.argument, t, stepNode, isParamInit);
          else {
            const key = propName(p as any) ?? '*';
            this.bindPattern(p.value as Node, mapEntries(t, (e) => applyProp(e, key)), stepNode, isParamInit);
          }
        }
        return;
      case 'ArrayPattern':
        for (const e of pat.elements) if (e) this.bindPattern(e, t, stepNode, isParamInit);
        return;
      case 'AssignmentPattern':
        this.bindPattern(pat.left, t, stepNode, isParamInit);
        return;
      case 'RestElement':
        this.bindPattern(pat.argument, t, stepNode, isParamInit);
        return;
      case 'MemberExpression':
        this.assignMember(pat, t);
        return;
      case 'TSParameterProperty':
        this.bindPattern((pat as any).parameter, t, stepNode, isParamInit);
        return;
      default:
        return;
    }
  }

  private assignMember(m: TSESTree.MemberExpression, t: Taint): void {
    if (t.size === 0) return;
    const obj = unwrap(m.object);
    if (obj.type === 'ThisExpression' || isSelfAlias(obj, this.mm)) {
      this.addField(this.thisKeyAt(m), propName(m) ?? '*', t);
      return;
    }
    // Weak update of the root variable: obj.a.b = t taints obj, under field `a` when known.
    let root: Node = obj;
    let first: Node = m;
    while (root.type === 'MemberExpression') {
      first = root;
      root = unwrap(root.object);
    }
    if (root.type === 'Identifier') {
      const v = this.varOf(root);
      const field = propName(first as TSESTree.MemberExpression);
      if (v) this.addVar(v, field === undefined ? t : mapEntries(t, (e) => ({ ...e, field })));
    } else if (root.type === 'ThisExpression') {
      const first = firstMemberAfterThis(m);
      if (first) this.addField(this.thisKeyAt(m), first, t);
    }
  }

  private flow(node: Node, fn: FnInfo): void {
    switch (node.type) {
      case 'VariableDeclarator':
        if (node.init) this.bindPattern(node.id, this.eval(node.init), node);
        return;
      case 'AssignmentExpression': {
        const val = this.eval(node.right);
        const left = node.left as Node;
        if (left.type === 'MemberExpression') this.assignMember(left, val);
        else this.bindPattern(left, val, node);
        if (left.type === 'MemberExpression' && unwrap(left.object).type === 'ThisExpression') {
          const f = this.fnNodeOf(node.right);
          if (f) fn.publishes.add(this.fnByNode.get(f)!.id);
        } else if (left.type === 'MemberExpression' && !isFunction(unwrap(node.right))) {
          // api.method = localFunction: a method of api like api.method = function () {}
          const path = memberPath(left.object);
          const name = propName(left);
          const f = path && name && !this.isCommonJsRoot(left.object) ? this.fnNodeOf(node.right) : undefined;
          if (f && name && isFunction(f)) {
            const key = 'V:' + path!.join('.');
            let m = this.methodsByThis.get(key);
            if (!m) this.methodsByThis.set(key, (m = new Map()));
            if (!m.has(name)) {
              m.set(name, f);
              this.methodsChanged = true;
            }
          }
        }
        return;
      }
      case 'ReturnStatement':
        if (node.argument) {
          const t = this.eval(node.argument);
          this.addReturn(fn, t, node.argument);
          this.noteReturned(fn, node.argument);
        }
        return;
      case 'ArrowFunctionExpression':
        if (node.expression && node.body) {
          const info = this.fnByNode.get(node)!;
          this.addReturn(info, this.eval(node.body as Node), node.body as Node);
          this.noteReturned(info, node.body as Node);
        }
        if (node.params.some((p) => p.type === 'AssignmentPattern')) this.paramDefaults(node);
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
        if (node.params.some((p) => p.type === 'AssignmentPattern')) this.paramDefaults(node);
        return;
      case 'ForOfStatement':
      case 'ForInStatement': {
        let t = this.eval(node.right);
        if (node.type === 'ForInStatement') t = mapEntries(t, (e) => applyProp(e, '*'));
        const left = node.left.type === 'VariableDeclaration' ? node.left.declarations[0].id : (node.left as Node);
        this.bindPattern(left, t, node.left);
        return;
      }
      case 'PropertyDefinition':
        if (node.value && !node.static) {
          const cls = (node as any).parent?.parent;
          if (cls) this.addField('C:' + classKey(cls), propName(node) ?? '*', this.eval(node.value));
        }
        return;
      case 'CallExpression':
      case 'NewExpression':
        this.callEffects(node, fn);
        return;
    }
  }

  private paramDefaults(fn: TSESTree.FunctionLike): void {
    for (const p of fn.params) {
      if (p.type === 'AssignmentPattern') this.bindPattern(p.left, this.eval(p.right), p);
    }
  }

  private addReturn(info: FnInfo, t: Taint, at: Node): void {
    if (t.size === 0) return;
    const n = union(info.returns, withStep(t, this.step(at, `returned from ${info.name}()`)));
    if (n.size !== info.returns.size) {
      info.returns = n;
      this.changed = true;
    }
  }

  private noteReturned(info: FnInfo, expr: Node, depth = 0): void {
    let n = unwrap(expr);
    while (n.type === 'AssignmentExpression' && n.operator === '=') n = unwrap(n.right); // return api = { ... }
    const add = (x: Node) => {
      const f = this.fnNodeOf(x);
      if (f) info.publishes.add(this.fnByNode.get(f)!.id);
      else if (unwrap(x).type === 'Identifier') {
        // return obj; where obj's methods were defined as obj.m = function ...
        const id = unwrap(x) as TSESTree.Identifier;
        const m = this.methodsByThis.get('V:' + id.name);
        if (m) for (const fnNode of m.values()) info.publishes.add(this.fnByNode.get(fnNode)!.id);
      }
    };
    if (n.type === 'ObjectExpression') {
      for (const p of n.properties) {
        if (p.type !== 'Property') continue;
        if (unwrap(p.value as Node).type === 'ObjectExpression' && depth < 3) this.noteReturned(info, p.value as Node, depth + 1);
        else add(p.value as Node);
      }
    } else if (n.type === 'ConditionalExpression' || n.type === 'LogicalExpression') {
      if (depth < 3) {
        this.noteReturned(info, n.type === 'ConditionalExpression' ? n.consequent : n.left, depth + 1);
        this.noteReturned(info, n.type === 'ConditionalExpression' ? n.alternate : n.right, depth + 1);
      }
    } else add(n);
  }

  /** Side effects of a call: callbacks receiving tainted values, mutations of the receiver. */
  private callEffects(call: TSESTree.CallExpression | TSESTree.NewExpression, fn: FnInfo): void {
    const callee = unwrap(call.callee);
    const args = call.arguments;
    if (callee.type === 'MemberExpression') {
      const method = propName(callee);
      if (!method) return;
      const recv = callee.object;
      if (CALLBACK_ELEMENT_METHODS.has(method) && args.length) {
        const r = this.eval(recv);
        if (r.size) this.bindCallbackParams(args[0], 0, mapEntries(r, (e) => applyProp(e, '*')));
        if (method === 'then' && args.length > 1 && r.size) this.bindCallbackParams(args[1], 0, r);
        return;
      }
      if ((method === 'replace' || method === 'replaceAll') && args.length >= 2) {
        const r = this.eval(recv);
        if (r.size) {
          const f = this.fnNodeOf(args[1]);
          if (f && isFunction(f)) for (let i = 0; i < f.params.length; i++) this.bindCallbackParams(args[1], i, mapEntries(r, (e) => applyProp(e, '*')));
        }
        return;
      }
      if ((method === 'reduce' || method === 'reduceRight') && args.length) {
        const r = this.eval(recv);
        if (r.size) this.bindCallbackParams(args[0], 1, mapEntries(r, (e) => applyProp(e, '*')));
        const acc = union(r, args[1] ? this.eval(args[1]) : EMPTY);
        if (acc.size) this.bindCallbackParams(args[0], 0, acc);
        return;
      }
      if ((method === 'on' || method === 'once' || method === 'addListener') && args.length >= 2) {
        const r = this.eval(recv);
        if (r.size) {
          const ev = this.mm.constantValue(args[0]);
          const prop = ev === 'data' || ev === 'end' || ev === 'message' ? 'body' : '*';
          this.bindCallbackParams(args[1], 0, mapEntries(r, (e) => applyProp(e, prop)));
        }
        return;
      }
      if (MUTATORS.has(method) && args.length) {
        let t: Taint = EMPTY;
        for (const a of args) t = union(t, this.eval(a.type === 'SpreadElement' ? a.argument : a));
        if (t.size) this.assignMemberRoot(recv, t);
        return;
      }
      const ref = this.mm.resolve(callee);
      if (ref && ref.module === GLOBAL && apiPath(ref).join('.') === 'Object.assign' && args.length >= 2) {
        let t: Taint = EMPTY;
        for (const a of args.slice(1)) t = union(t, this.eval(a.type === 'SpreadElement' ? a.argument : a));
        if (t.size) this.assignMemberRoot(args[0], t);
      }
    }
    // A callback handed to an unknown API (async.each(items, fn), reduceFunctionCall(value, re, fn))
    // receives what the API was given. Callbacks of functions resolved later: summaries handle them.
    if (args.length >= 2 && this.targetsOf(call).length === 0) {
      let cbIndex = -1;
      let f: TSESTree.FunctionLike | undefined;
      for (let i = 0; i < args.length; i++) {
        const a = unwrap(args[i]);
        if (a.type !== 'Identifier' && !isFunction(a)) continue;
        const fnNode = this.fnNodeOf(a);
        if (fnNode && isFunction(fnNode)) {
          cbIndex = i;
          f = fnNode;
        }
      }
      if (f) {
        let t: Taint = EMPTY;
        for (let i = 0; i < args.length; i++) if (i !== cbIndex) t = union(t, this.eval(args[i].type === 'SpreadElement' ? (args[i] as any).argument : args[i]));
        if (t.size) {
          const tt = mapEntries(t, (e) => applyProp(e, '*'));
          for (let i = 0; i < f.params.length; i++) this.bindCallbackParams(args[cbIndex], i, tt);
        }
      }
    }
    void fn;
  }

  private assignMemberRoot(target: Node, t: Taint): void {
    const n = unwrap(target);
    if (n.type === 'Identifier') {
      const v = this.varOf(n);
      if (v) this.addVar(v, t);
    } else if (n.type === 'MemberExpression') this.assignMember(n, t);
  }

  private bindCallbackParams(cb: Node, index: number, t: Taint): void {
    const f = this.fnNodeOf(cb);
    if (!f || !isFunction(f)) return;
    const p = f.params[index];
    if (p) this.bindPattern(p.type === 'RestElement' ? p.argument : p, t, undefined);
  }

  /** The symbolic value of an expression. */
  eval(node: Node): Taint {
    if (this.depth > 400) return EMPTY;
    this.depth++;
    try {
      return this.evalInner(node);
    } finally {
      this.depth--;
    }
  }

  private evalInner(node: Node): Taint {
    switch (node.type) {
      case 'Literal':
      case 'ThisExpression':
      case 'Super':
      case 'MetaProperty':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassExpression':
      case 'ImportExpression':
      case 'JSXElement':
      case 'JSXFragment':
        return EMPTY;
      case 'Identifier': {
        const v = this.varOf(node);
        if (node.name === 'arguments' && !v?.defs.length) return this.argumentsTaint(node);
        if (!v) return EMPTY;
        this.reads?.add(v);
        const t = this.env.get(v) ?? EMPTY;
        if (t.size === 0) return t;
        const guard = guardMask(node, v, this.mm);
        return guard ? withMask(t, guard) : t;
      }
      case 'TemplateLiteral':
        return joinParts(node.expressions.map((e) => this.eval(e)), node.quasis[0].value.raw !== '', this.o.joinCalls);
      case 'TaggedTemplateExpression': {
        let t: Taint = EMPTY;
        for (const e of node.quasi.expressions) t = union(t, this.eval(e));
        return t;
      }
      case 'BinaryExpression':
        if (node.operator === '+') return joinParts([this.eval(node.left as Node), this.eval(node.right)], false, this.o.joinCalls);
        return CLEAN;
      case 'UpdateExpression':
        return CLEAN;
      case 'LogicalExpression':
        return union(this.eval(node.left), this.eval(node.right));
      case 'ConditionalExpression':
        return union(this.eval(node.consequent), this.eval(node.alternate));
      case 'UnaryExpression':
        return node.operator === 'void' ? EMPTY : CLEAN;
      case 'AssignmentExpression':
        return this.eval(node.right);
      case 'SequenceExpression':
        return this.eval(node.expressions[node.expressions.length - 1]);
      case 'ArrayExpression': {
        let t: Taint = EMPTY;
        for (const e of node.elements) if (e) t = union(t, this.eval(e.type === 'SpreadElement' ? e.argument : e));
        return t;
      }
      case 'ObjectExpression': {
        let t: Taint = EMPTY;
        for (const p of node.properties) {
          if (p.type === 'SpreadElement') t = union(t, this.eval(p.argument));
          else if (p.value && !isFunctionish(p.value as Node)) {
            const key = propName(p);
            const v = this.eval(p.value as Node);
            t = union(t, key === undefined ? v : mapEntries(v, (e) => ({ ...e, field: key })));
          }
        }
        return t;
      }
      case 'AwaitExpression':
      case 'YieldExpression':
        return node.argument ? this.eval(node.argument) : EMPTY;
      case 'SpreadElement':
        return this.eval(node.argument);
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSSatisfiesExpression':
      case 'TSInstantiationExpression':
      case 'ChainExpression':
        return this.eval((node as any).expression);
      case 'MemberExpression':
        return this.evalMember(node);
      case 'CallExpression':
      case 'NewExpression':
        return this.evalCall(node);
      default:
        return EMPTY;
    }
  }

  private evalMember(node: TSESTree.MemberExpression): Taint {
    const obj = unwrap(node.object);
    const name = propName(node);
    if (name === 'length') return CLEAN;
    if (obj.type === 'ThisExpression' || isSelfAlias(obj, this.mm)) {
      const key = this.thisKeyAt(node);
      this.reads?.add(key + '.' + (name ?? '*'));
      if (name) this.reads?.add(key + '.*');
      return union(this.fields.get(key + '.' + (name ?? '*')) ?? EMPTY, name ? this.fields.get(key + '.*') ?? EMPTY : EMPTY);
    }
    if (obj.type === 'Identifier' && obj.name === 'arguments' && !(this.varOf(obj)?.defs.length)) {
      const fnInfo = this.fnInfoAt(node);
      const idx = node.computed ? this.mm.constantValue(node.property) : undefined;
      if (typeof idx === 'number' && isFunction(fnInfo.node)) {
        const e: Entry = { atom: { k: 'p', fn: fnInfo.id, i: idx }, mask: 0, trace: [this.step(node, `arguments[${idx}] of ${fnInfo.name}()`)] };
        return new Map([[entryKey(e), e]]);
      }
      return node.computed ? this.argumentsTaint(node) : EMPTY;
    }
    const t = this.eval(obj);
    if (t.size === 0) return t;
    return mapEntries(t, (e) => applyProp(e, name ?? '*'));
  }

  private evalCall(call: TSESTree.CallExpression | TSESTree.NewExpression): Taint {
    const callee = unwrap(call.callee);
    const args = call.arguments;
    const argTaint = (): Taint => {
      let t: Taint = EMPTY;
      for (const a of args) t = union(t, this.eval(a.type === 'SpreadElement' ? a.argument : a));
      return t;
    };
    const ref = this.mm.resolve(callee);
    const extra = ref && this.o.extraModels?.call?.(ref);
    if (extra?.source !== undefined) {
      const e: Entry = { atom: { k: 's', desc: extra.source }, mask: 0, trace: [this.step(call, extra.source)] };
      return new Map([[entryKey(e), e]]);
    }
    if (extra?.sanitizes) return withMask(argTaint(), extra.sanitizes);
    if (ref) {
      const p = apiPath(ref).join('.');
      if (ref.module === GLOBAL) {
        if (NUMERIC_GLOBALS.has(p) || p.startsWith('Math.') || p.startsWith('Number.') || p === 'Array.isArray') return CLEAN;
        if (p === 'encodeURIComponent' || p === 'escape') return withMask(argTaint(), MASK.command | MASK.path);
        if (p === 'JSON.stringify') return withMask(argTaint(), MASK.code);
        if (p === 'require' || p === 'Symbol') return EMPTY;
      }
      if (ref.module === 'path' && /(^|\.)(basename|extname)$/.test(p)) return withMask(args[0] ? this.eval(args[0]) : EMPTY, MASK.path);
      if (ref.module === 'path' && /(^|\.)(isAbsolute)$/.test(p)) return CLEAN;
      if (ref.module === 'path' && /(^|\.)(join|resolve)$/.test(p)) {
        // path.join(base, input): the later segments are joined under the first
        return joinParts(args.map((a) => this.eval(a.type === 'SpreadElement' ? a.argument : a)), false, this.o.joinCalls);
      }
      if (SHELL_ESCAPERS.has(ref.module)) return withMask(argTaint(), MASK.command);
      if (ref.module === 'crypto' || ref.module === 'uuid' || ref.module === 'validator') return CLEAN;
      if (ref.module === 'fs' && /(exists|existsSync|access|accessSync|stat|statSync|lstat|lstatSync)$/.test(p)) return CLEAN;
      // Processes, files, sockets: what they return (a ChildProcess, file contents, a stream)
      // is not the arguments they were given.
      if (OPAQUE_RESULT_MODULES.has(ref.module) && !/realpath|resolve|join/i.test(p)) return EMPTY;
    }
    if (callee.type === 'MemberExpression') {
      const method = propName(callee);
      if (method && CLEAN_METHODS.has(method)) return CLEAN;
    }
    // Functions resolved later (local or relative imports): a symbolic return value.
    const targets = this.targetsOf(call);
    if (targets.length) {
      const id = this.callId(call);
      const e: Entry = { atom: { k: 'r', call: id }, mask: 0, trace: [] };
      return new Map([[entryKey(e), e]]);
    }
    // Unknown API: the result carries the receiver and the arguments (string methods, path.join,
    // util.format, Buffer.from, JSON.parse, url.parse, ...).
    let t = argTaint();
    if (callee.type === 'MemberExpression') {
      const method = propName(callee) ?? '*';
      const r = this.eval(callee.object);
      if (r.size) t = union(t, mapEntries(r, (e) => applyProp(e, method)));
    }
    return t;
  }

  /** `arguments` as a whole, or `arguments[i]` with an unknown i: any parameter of the enclosing function. */
  private argumentsTaint(node: Node): Taint {
    const fnInfo = this.fnInfoAt(node);
    if (!isFunction(fnInfo.node)) return EMPTY;
    const out: Taint = new Map();
    const n = Math.min(fnInfo.node.params.length + 4, 8);
    for (let i = 0; i < n; i++) {
      const e: Entry = { atom: { k: 'p', fn: fnInfo.id, i }, mask: 0, trace: [this.step(node, `arguments of ${fnInfo.name}()`)] };
      out.set(entryKey(e), e);
    }
    return out;
  }

  private callId(call: Node): string {
    let id = this.callIds.get(call);
    if (!id) {
      id = `${this.o.file}@${this.callIds.size}`;
      this.callIds.set(call, id);
    }
    return id;
  }

  // ---- facts ----

  private facts(): FileFacts {
    const calls: CallFact[] = [];
    const sinks: SinkFact[] = [];
    const helpers = { isConstant: this.mm.isConstant, constantValue: this.mm.constantValue, resolve: this.mm.resolve };
    for (const { node: call, fn } of this.calls) {
      const targets = this.targetsOf(call);
      if (targets.length) {
        calls.push({
          id: this.callId(call),
          fn: fn.id,
          targets,
          args: this.callArgs(call),
          loc: this.loc(call),
          label: calleeText(call.callee),
          isNew: call.type === 'NewExpression',
        });
      }
      if (!this.o.taintRules.length) continue;
      const ref = this.mm.resolve(call.callee);
      const mk = this.o.extraModels?.moduleKey;
      const sinkRef = ref && mk ? { ...ref, module: mk(ref.module) } : ref;
      for (const rule of this.o.taintRules) {
        for (const sink of rule.sinks) {
          if (!sinkMatches(sink, sinkRef, call)) continue;
          let which: number[] | 'all' | null = sink.args;
          if (sink.filter) which = sink.filter(call, helpers);
          if (which === null) continue;
          const idx = which === 'all' ? call.arguments.map((_, i) => i) : which;
          let value: Taint = EMPTY;
          let nonConstant = false;
          for (const i of idx) {
            const a = call.arguments[i];
            if (!a) continue;
            const e = a.type === 'SpreadElement' ? a.argument : a;
            value = union(value, this.eval(e));
            if (!this.mm.isConstant(e) && !isFunctionish(e)) nonConstant = true;
          }
          if (!nonConstant && value.size === 0) continue;
          const sanitized = value.size > 0 && [...value.values()].every((e) => (e.mask & rule.mask) !== 0);
          const auditable = nonConstant && !sanitized && (!sink.auditable || sink.auditable(call, helpers));
          const label = ref && !sink.methodNames ? refLabel(ref) : sink.label;
          const sinkStep = this.step(call, label);
          sinks.push({
            ruleId: rule.ruleId,
            label,
            loc: this.loc(call),
            fn: fn.id,
            value: [...value.values()].map((e) => ({ ...e, trace: addStep(e.trace, sinkStep) })),
            auditable,
            mask: rule.mask,
            ...(sink.severity ? { severity: sink.severity } : {}),
            ...(sink.requestDataOnly ? { requestOnly: true } : {}),
            ...(sink.paramNeedsPrefix ? { partialOnly: true } : {}),
          });
        }
      }
    }
    for (const { node: assign, fn } of this.writes) {
      for (const rule of this.o.taintRules) {
        for (const ws of rule.writeSinks ?? []) {
          const m = ws.match(assign, helpers);
          if (!m) continue;
          let value: Taint = EMPTY;
          for (const n of m.check) value = union(value, this.eval(n));
          if (value.size === 0) continue;
          if (m.require && !m.require.some((n) => [...this.eval(n).values()].some((e) => !(e.mask & rule.mask)))) continue;
          const sinkStep = this.step(assign, m.label);
          sinks.push({
            ruleId: rule.ruleId,
            label: m.label,
            loc: this.loc(assign),
            fn: fn.id,
            value: [...value.values()].map((e) => ({ ...e, trace: addStep(e.trace, sinkStep) })),
            auditable: false,
            mask: rule.mask,
            ...(m.severity ? { severity: m.severity } : {}),
          });
        }
      }
    }
    const fns: FnFact[] = this.fns.map((f) => ({
      id: f.id,
      name: f.name,
      params: isFunction(f.node) ? f.node.params.map((p: any) => paramName(p.type === 'TSParameterProperty' ? p.parameter : p)) : [],
      loc: this.loc(f.node),
      returns: [...f.returns.values()],
      handler: f.handler,
      sourceParams: f.sourceParams,
      publishes: [...f.publishes, ...this.methodsOf(f)],
    }));
    const { exports, star } = this.exportsOf();
    const handlerRefs: FileFacts['handlerRefs'] = [];
    for (const h of this.handlerRegs) {
      if (this.fnNodeOf(h.fn)) continue;
      const ref = this.mm.resolve(h.fn);
      if (ref && isRelative(ref.module)) handlerRefs.push({ target: { module: ref.module, path: ref.path }, framework: h.framework });
    }
    return { file: this.o.file, fns, calls, sinks, exports, star, handlerRefs };
  }

  /** Methods that become reachable with a constructor or class (prototype methods, class methods). */
  private methodsOf(f: FnInfo): string[] {
    if (!isFunction(f.node)) return [];
    const out: string[] = [];
    const p: any = (f.node as any).parent;
    const keys: string[] = [];
    if (p && p.type === 'MethodDefinition' && p.kind === 'constructor') keys.push('C:' + classKey(p.parent.parent));
    if (f.thisKey.startsWith('V:') && (f.node.type === 'FunctionDeclaration' || p?.type === 'VariableDeclarator')) keys.push(f.thisKey);
    for (const k of keys) {
      const m = this.methodsByThis.get(k);
      if (m) for (const [name, node] of m) if (name !== '<ctor>') out.push(this.fnByNode.get(node)!.id);
    }
    return out;
  }

  private descOf(expr: Node, depth = 0): ExportDesc | undefined {
    if (depth > 6) return undefined;
    const n = unwrap(expr);
    if (n.type === 'AssignmentExpression') {
      // module.exports = exports = fn; module.exports = internals.Api = {} (+ internals.Api.m = fn)
      const d = this.descOf(n.right, depth + 1) ?? {};
      const path = memberPath(n.left as Node);
      if (path && path[0] !== 'exports' && path[0] !== 'module') this.mergeMethods(d, path.join('.'));
      return d.fn || d.obj || d.reexport ? d : undefined;
    }
    if (n.type === 'ClassExpression' || n.type === 'ClassDeclaration') return this.classDesc(n);
    // module.exports = global.document ? factory(global, true) : function (w) { ... } (UMD)
    if (n.type === 'ConditionalExpression') return this.descOf(n.consequent, depth + 1) ?? this.descOf(n.alternate, depth + 1);
    if (n.type === 'CallExpression') {
      // module.exports = factory() (UMD): what the factory returns, with its methods
      const f = this.fnNodeOf(n.callee);
      const r = f && isFunction(f) ? returnedExpr(f) : undefined;
      const d = r && this.descOf(r, depth + 1);
      if (d) return d;
    }
    const fnNode = this.fnNodeOf(n);
    if (fnNode) {
      const info = this.fnByNode.get(fnNode)!;
      const cls = classOfCtor(fnNode);
      if (cls) return this.classDesc(cls);
      const desc: ExportDesc = { fn: info.id };
      if (info.thisKey.startsWith('V:')) this.mergeMethods(desc, info.thisKey.slice(2));
      // var Store = exports.Store = function () {}; Store.prototype.set = ...
      let child: any = fnNode;
      for (let p: any = child.parent; p && p.type === 'AssignmentExpression' && p.right === child; child = p, p = p.parent) {
        if (p.left.type === 'Identifier') this.mergeMethods(desc, p.left.name);
      }
      const decl: any = child.parent;
      if (child !== fnNode && decl?.type === 'VariableDeclarator' && decl.init === child && decl.id.type === 'Identifier') this.mergeMethods(desc, decl.id.name);
      if (n.type === 'Identifier') this.mergeMethods(desc, n.name); // var api = fn; api.m = ...; module.exports = api
      return desc;
    }
    if (n.type === 'ObjectExpression') {
      const obj: Record<string, ExportDesc> = {};
      for (const p of n.properties) {
        if (p.type !== 'Property') continue;
        const k = propName(p);
        const d = k !== undefined ? this.descOf(p.value as Node, depth + 1) : undefined;
        if (k !== undefined && d) obj[k] = d;
      }
      return { obj };
    }
    if (n.type === 'Identifier') {
      const v = this.mm.bindings.variableOf(n);
      if (v) {
        const def = v.defs[0];
        if (def?.type === 'ClassName') return this.classDesc(def.node as any);
        const init = this.mm.initOf(v);
        if (init && init.path.length === 0) {
          const d = this.descOf(init.init, depth + 1);
          if (d) return this.mergeMethods(d, n.name);
        }
        // var x = {}; x.a = function ... ; module.exports = x
        const d = this.mergeMethods({}, n.name);
        if (d.obj) return d;
      }
    }
    if (n.type === 'NewExpression') {
      const ctor = this.fnNodeOf(n.callee);
      const cls = ctor && classOfCtor(ctor);
      if (cls) return { obj: this.classDesc(cls).obj };
      if (ctor) return this.descOf(n.callee, depth + 1);
    }
    if (n.type === 'CallExpression') {
      // module.exports = factory(): whatever the factory returns is exposed.
      const f = this.fnNodeOf(n.callee);
      if (f) {
        const info = this.fnByNode.get(f)!;
        return { fn: info.id };
      }
    }
    const ref = this.mm.resolve(n);
    if (ref && isRelative(ref.module)) return { reexport: { spec: ref.module, path: ref.path } };
    return undefined;
  }

  /** Add methods assigned as `name.m = fn` and `name.sub.m = fn` to an export descriptor. */
  private mergeMethods(desc: ExportDesc, name: string): ExportDesc {
    const prefix = 'V:' + name;
    for (const [key, methods] of this.methodsByThis) {
      if (key !== prefix && !key.startsWith(prefix + '.')) continue;
      const sub = key === prefix ? [] : key.slice(prefix.length + 1).split('.');
      let d = desc;
      for (const seg of sub) {
        d.obj = d.obj ?? {};
        d = d.obj[seg] = d.obj[seg] ?? {};
      }
      d.obj = d.obj ?? {};
      for (const [m, node] of methods) if (m !== '<ctor>' && !d.obj[m]) d.obj[m] = { fn: this.fnByNode.get(node)!.id };
    }
    return desc;
  }

  private classDesc(cls: any): ExportDesc {
    const m = this.methodsByThis.get('C:' + classKey(cls));
    const desc: ExportDesc = { obj: {} };
    if (m) {
      for (const [name, node] of m) {
        const id = this.fnByNode.get(node)!.id;
        if (name === '<ctor>') desc.fn = id;
        else desc.obj![name] = { fn: id };
      }
    }
    return desc;
  }

  private exportsOf(): { exports: Record<string, ExportDesc>; star: string[] } {
    const exports: Record<string, ExportDesc> = {};
    const star: string[] = [];
    const put = (name: string, d: ExportDesc | undefined) => {
      if (!d) return;
      const old = exports[name];
      if (old && old.obj && d.obj) Object.assign(old.obj, d.obj);
      else exports[name] = old ? { ...old, ...d } : d;
    };
    for (const node of this.exportNodes) {
      switch (node.type) {
        case 'AssignmentExpression': {
          const left = unwrap(node.left as Node);
          if (left.type !== 'MemberExpression') break;
          if (isModuleExports(left)) {
            put('', this.descOf(node.right));
            // exports = module.exports = X
          } else {
            const name = propName(left);
            const obj = unwrap(left.object);
            if (name && ((obj.type === 'Identifier' && obj.name === 'exports' && !this.mm.bindings.variableOf(obj)) || isModuleExports(obj)))
              put(name, this.descOf(node.right));
          }
          break;
        }
        case 'ExportNamedDeclaration': {
          const d = node.declaration;
          if (d) {
            if (d.type === 'FunctionDeclaration' && d.id) put(d.id.name, this.descOf(d));
            else if (d.type === 'ClassDeclaration' && d.id) put(d.id.name, this.classDesc(d));
            else if (d.type === 'VariableDeclaration')
              for (const dec of d.declarations) if (dec.id.type === 'Identifier' && dec.init) put(dec.id.name, this.descOf(dec.init));
          }
          for (const s of node.specifiers) {
            const exported = s.exported.type === 'Identifier' ? s.exported.name : String((s.exported as any).value);
            const local = s.local.type === 'Identifier' ? s.local.name : String((s.local as any).value);
            if (node.source) put(exported, { reexport: { spec: String(node.source.value), path: local === 'default' ? ['default'] : [local] } });
            else put(exported, this.descOf(s.local));
          }
          break;
        }
        case 'ExportDefaultDeclaration': {
          const d = node.declaration as Node;
          put('default', d.type === 'ClassDeclaration' || d.type === 'ClassExpression' ? this.classDesc(d) : this.descOf(d));
          break;
        }
        case 'ExportAllDeclaration':
          if (node.exported) {
            const name = node.exported.type === 'Identifier' ? node.exported.name : String((node.exported as any).value);
            put(name, { reexport: { spec: String(node.source.value), path: [] } });
          } else star.push(String(node.source.value));
          break;
        case 'TSExportAssignment':
          put('', this.descOf(node.expression));
          break;
      }
    }
    // AMD: define([deps,] function () { ...; return api; }) at the top level
    for (const { node: call } of this.calls) {
      const callee = unwrap(call.callee);
      if (call.type !== 'CallExpression' || callee.type !== 'Identifier' || callee.name !== 'define') continue;
      if (!this.mm.bindings.isGlobal(callee)) {
        // var define = require('amdefine')(module)
        const v = this.mm.bindings.variableOf(callee);
        const init = v && this.mm.initOf(v);
        const i = init && unwrap(init.init);
        if (!i || i.type !== 'CallExpression' || this.mm.resolve(i.callee)?.module !== 'amdefine') continue;
      }
      if ((call as any).parent?.type !== 'ExpressionStatement' || (call as any).parent.parent?.type !== 'Program') continue;
      const factory = call.arguments[call.arguments.length - 1];
      const f = factory && this.fnNodeOf(factory);
      if (!f || !isFunction(f)) continue;
      const r = returnedExpr(f);
      put('', (r && this.descOf(r)) || { fn: this.fnByNode.get(f)!.id });
    }
    return { exports, star };
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

/** What a function returns at its top level (`function make(a) { …; return function (k) {…}; }`). */
function returnedExpr(fn: TSESTree.FunctionLike): Node | undefined {
  if (fn.body && fn.body.type !== 'BlockStatement') return fn.body as Node;
  for (const st of (fn.body as TSESTree.BlockStatement | undefined)?.body ?? []) {
    if (st.type === 'ReturnStatement') return st.argument ?? undefined;
  }
  return undefined;
}

function isFunctionish(n: Node): boolean {
  const u = unwrap(n);
  return isFunction(u) || u.type === 'ClassExpression';
}



function isModuleExports(n: Node): boolean {
  const m = unwrap(n);
  if (m.type !== 'MemberExpression') return false;
  const o = unwrap(m.object);
  return o.type === 'Identifier' && o.name === 'module' && propName(m) === 'exports';
}

function isExportAssignment(n: Node): boolean {
  if (n.type !== 'AssignmentExpression') return false;
  const left = unwrap(n.left as Node);
  if (left.type !== 'MemberExpression') return false;
  if (isModuleExports(left)) return true;
  const o = unwrap(left.object);
  return (o.type === 'Identifier' && o.name === 'exports') || isModuleExports(o);
}

let classCounter = 0;
const classKeys = new WeakMap<object, string>();
function classKey(node: any): string {
  let k = classKeys.get(node);
  if (!k) {
    k = String(++classCounter);
    classKeys.set(node, k);
  }
  return k;
}

function constructorOf(cls: any): Node | undefined {
  // The implementation: TS constructor overloads (and `declare class`) have no body.
  for (const m of cls.body?.body ?? []) if (m.type === 'MethodDefinition' && m.kind === 'constructor' && m.value?.body) return m.value;
  return undefined;
}

function classOfCtor(fn: Node): any {
  const p: any = (fn as any).parent;
  if (p && p.type === 'MethodDefinition' && p.kind === 'constructor') return p.parent.parent;
  return undefined;
}

/** `X.prototype.m = ...` -> "X"; with `whole`, also `X.prototype = {...}`. */
function prototypeOwner(left: TSESTree.MemberExpression, whole = false): string | undefined {
  const o = unwrap(left.object);
  if (whole && propName(left) === 'prototype' && o.type === 'Identifier') return o.name;
  if (o.type === 'MemberExpression' && propName(o) === 'prototype') {
    const c = unwrap(o.object);
    if (c.type === 'Identifier') return c.name;
  }
  return undefined;
}

/** `a.b.c` -> ["a","b","c"] for plain identifier chains. */
function memberPath(n: Node): string[] | undefined {
  const u = unwrap(n);
  if (u.type === 'Identifier') return [u.name];
  if (u.type === 'MemberExpression') {
    const name = propName(u);
    const base = name !== undefined ? memberPath(u.object) : undefined;
    return base ? [...base, name!] : undefined;
  }
  return undefined;
}

function firstMemberAfterThis(m: TSESTree.MemberExpression): string | undefined {
  let cur: any = m;
  let name: string | undefined;
  while (cur.type === 'MemberExpression') {
    name = propName(cur) ?? '*';
    cur = unwrap(cur.object);
  }
  return cur.type === 'ThisExpression' ? name : undefined;
}

function isSelfAlias(n: Node, mm: ModuleModel): boolean {
  if (n.type !== 'Identifier') return false;
  const v = mm.bindings.variableOf(n);
  if (!v) return false;
  const init = mm.initOf(v);
  return !!init && init.path.length === 0 && unwrap(init.init).type === 'ThisExpression';
}

function paramName(p: any): string {
  if (!p) return '?';
  if (p.type === 'Identifier') return p.name;
  if (p.type === 'AssignmentPattern') return paramName(p.left);
  if (p.type === 'RestElement') return '...' + paramName(p.argument);
  if (p.type === 'ObjectPattern') return '{...}';
  if (p.type === 'ArrayPattern') return '[...]';
  return '?';
}

function functionName(fn: TSESTree.FunctionLike): string {
  if ((fn as any).id?.name) return (fn as any).id.name;
  const p: any = (fn as any).parent;
  if (!p) return 'anonymous';
  if (p.type === 'VariableDeclarator' && p.id.type === 'Identifier') return p.id.name;
  if ((p.type === 'Property' || p.type === 'MethodDefinition' || p.type === 'PropertyDefinition') && p.key) {
    const n = propName(p);
    if (n) return n;
  }
  if (p.type === 'AssignmentExpression' && p.left.type === 'MemberExpression') {
    const n = propName(p.left);
    if (n) return n;
  }
  return 'anonymous';
}

export function calleeText(n: Node): string {
  const u = unwrap(n);
  if (u.type === 'Identifier') return u.name;
  if (u.type === 'MemberExpression') {
    const name = propName(u) ?? '[...]';
    const o = unwrap(u.object);
    const base = o.type === 'Identifier' ? o.name : o.type === 'ThisExpression' ? 'this' : o.type === 'MemberExpression' ? calleeText(o) : '...';
    return `${base}.${name}`;
  }
  if (u.type === 'SequenceExpression') return calleeText(u.expressions[u.expressions.length - 1]);
  return '...';
}

function refLabel(ref: { module: string; path: string[] }): string {
  const p = apiPath(ref);
  if (ref.module === GLOBAL) return p.join('.') + '()';
  return p.length ? `${ref.module}.${p.join('.')}()` : `${ref.module}()`;
}

function sinkMatches(sink: SinkSpec, ref: ReturnType<ModuleModel['resolve']>, call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
  if (call.type === 'NewExpression' && !sink.construct) return false;
  if (sink.methodNames) {
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || (ref && ref.module !== GLOBAL && !isRelative(ref.module) && ref.module !== '')) return false;
    const name = propName(callee);
    if (!name || !sink.methodNames.includes(name)) return false;
    if (!sink.receiverNames) return true;
    const recv = unwrap(callee.object);
    return recv.type === 'Identifier' && sink.receiverNames.includes(recv.name);
  }
  if (!ref) return false;
  if (!sink.modules.includes(ref.module)) return false;
  const path = apiPath(ref);
  return sink.paths.some((p) => p.length === path.length && p.every((seg, i) => seg === '*' || seg === path[i]));
}

/**
 * Guards that dominate a read of `v` lexically: inside `if (<guard on v>) { ... }`, or after
 * `if (!<guard on v>) return/throw;` in an enclosing block. Returns the sanitizer mask they give.
 */
function guardMask(id: TSESTree.Identifier, v: Variable, mm: ModuleModel): number {
  let mask = 0;
  let child: any = id;
  let p: any = id.parent;
  let steps = 0;
  while (p && steps++ < 60) {
    if (p.type === 'IfStatement' && child !== p.test) {
      const positive = child === p.consequent;
      mask |= testMask(p.test, v, mm, positive);
    } else if (p.type === 'ConditionalExpression' && child !== p.test) {
      mask |= testMask(p.test, v, mm, child === p.consequent);
    } else if (p.type === 'LogicalExpression' && p.operator === '&&' && child === p.right) {
      mask |= testMask(p.left, v, mm, true);
    } else if ((p.type === 'BlockStatement' || p.type === 'Program' || p.type === 'SwitchCase') && Array.isArray(p.body ?? p.consequent)) {
      const body = p.body ?? p.consequent;
      for (const s of body) {
        if (s === child) break;
        if (s.type === 'IfStatement' && exits(s.consequent) && !s.alternate) mask |= testMask(s.test, v, mm, false);
      }
    } else if (p.type === 'SwitchCase') {
      // handled by block scan above
    }
    if (isFunction(p)) break;
    child = p;
    p = p.parent;
  }
  return protoKeyMask(mask);
}

/**
 * When `w` is only ever `path.normalize(p)` or `path.relative(root, p)` (also posix. and win32.),
 * the `p` it was computed from: a normalised path has no `a/../..` left, so a leading `..` is the
 * only way it climbs.
 */
function normalizedFrom(w: Variable, mm: ModuleModel): Node | undefined {
  if (mm.isReassigned(w)) return undefined;
  const def = mm.initOf(w);
  if (!def || def.path.length) return undefined;
  const init = unwrap(def.init);
  if (init.type !== 'CallExpression') return undefined;
  const ref = mm.resolve(init.callee);
  const m = ref && ref.module === 'path' ? /^(?:(?:posix|win32)\.)?(normalize|relative)$/.exec(apiPath(ref).join('.')) : null;
  if (!m) return undefined;
  const arg = init.arguments[m[1] === 'normalize' ? 0 : 1];
  return arg && arg.type !== 'SpreadElement' ? arg : undefined;
}

/** A needle that starts with `..`: a constant, or `'..' + path.sep` and the like. */
function startsWithDotDot(n: Node, mm: ModuleModel): boolean {
  const u = unwrap(n);
  const c = mm.constantValue(u);
  if (typeof c === 'string') return c.startsWith('..');
  return u.type === 'BinaryExpression' && u.operator === '+' && startsWithDotDot(u.left as Node, mm);
}

function exits(s: any): boolean {
  if (!s) return false;
  if (s.type === 'ReturnStatement' || s.type === 'ThrowStatement' || s.type === 'ContinueStatement' || s.type === 'BreakStatement') return true;
  if (s.type === 'BlockStatement') return s.body.length > 0 && exits(s.body[s.body.length - 1]);
  return false;
}

function refersTo(n: Node, v: Variable, mm: ModuleModel): boolean {
  const u = unwrap(n);
  if (u.type === 'Identifier') return mm.bindings.variableOf(u) === v;
  if (u.type === 'MemberExpression') return refersTo(u.object, v, mm);
  if (u.type === 'CallExpression' && u.callee.type === 'MemberExpression') {
    // x.toLowerCase(), x.trim()
    return refersTo(u.callee.object, v, mm);
  }
  return false;
}

/**
 * An expression whose value determines `v` for an equality test: `v` itself or a case/whitespace-
 * changing copy (`v.trim().toLowerCase() === 'x'`); not `v.replace(…)` or `v.slice(…)`, which say little
 * about the rest of `v`, nor a member (`opts.mode === 'x'` says nothing of `opts.cmd`).
 */
function pins(n: Node, v: Variable, mm: ModuleModel): boolean {
  const u = unwrap(n);
  if (u.type === 'Identifier') return mm.bindings.variableOf(u) === v;
  if (u.type === 'CallExpression' && u.callee.type === 'MemberExpression' && u.arguments.length === 0 && PIN_METHODS.test(propName(u.callee) ?? '')) {
    return pins(u.callee.object, v, mm);
  }
  return false;
}
const PIN_METHODS = /^(toLowerCase|toUpperCase|toLocaleLowerCase|toLocaleUpperCase|trim|trimStart|trimEnd|trimLeft|trimRight|toString|valueOf|normalize)$/;

/**
 * The mask a test gives to `v` on the branch where the test is `positive` (true) or false.
 * Allow-lists (`list.includes(v)`, `set.has(v)`, `v === 'x'`), strict anchored regexes
 * (`/^[\w-]+$/.test(v)`), numeric checks, and for paths `v.startsWith(root)` and `!v.includes('..')`.
 */
function testMask(test: any, v: Variable, mm: ModuleModel, positive: boolean): number {
  const t = unwrap(test);
  if (t.type === 'UnaryExpression' && t.operator === '!') return testMask(t.argument, v, mm, !positive);
  // !s.replace(TOKENS, '') (or trimmed): nothing is left once every token is removed
  if (!positive) {
    const tokens = tokenRemainder(t, v, mm);
    if (tokens !== undefined) return tokens;
  }
  if (t.type === 'LogicalExpression') {
    if (t.operator === '&&' && positive) return testMask(t.left, v, mm, true) | testMask(t.right, v, mm, true);
    if (t.operator === '||' && !positive) return testMask(t.left, v, mm, false) | testMask(t.right, v, mm, false);
    // a === 'x' || a === 'y': safe on the true branch only if every alternative is
    if (t.operator === '||' && positive) return testMask(t.left, v, mm, true) & testMask(t.right, v, mm, true);
    if (t.operator === '&&' && !positive) return testMask(t.left, v, mm, false) & testMask(t.right, v, mm, false);
    return 0;
  }
  if (t.type === 'BinaryExpression') {
    const eq = t.operator === '===' || t.operator === '==';
    const ne = t.operator === '!==' || t.operator === '!=';
    // s.replace(TOKENS, '') === '' / .length === 0
    if ((eq && positive) || (ne && !positive)) {
      const val = mm.constantValue(t.right);
      const l = unwrap(t.left);
      if (val === '') {
        const tokens = tokenRemainder(l, v, mm);
        if (tokens !== undefined) return tokens;
      }
      if (val === 0 && l.type === 'MemberExpression' && propName(l) === 'length') {
        const tokens = tokenRemainder(l.object, v, mm);
        if (tokens !== undefined) return tokens;
      }
    }
    // v !== '__proto__' (a denied prototype key)
    if ((eq && !positive) || (ne && positive)) {
      const other = refersTo(t.left, v, mm) ? t.right : refersTo(t.right, v, mm) ? t.left : undefined;
      if (other) return keyIsString(v, mm) ? protoKeyBits([mm.constantValue(other)]) : 0;
    }
    // v === 'literal' (allow-list by equality)
    if ((eq && positive) || (ne && !positive)) {
      if ((pins(t.left, v, mm) && mm.isConstant(t.right)) || (pins(t.right, v, mm) && mm.isConstant(t.left))) {
        const other = pins(t.left, v, mm) ? t.right : t.left;
        const val = mm.constantValue(other);
        // Only equality with a string (or a list of them) pins the value: `v.indexOf(x) !== -1`,
        // `v.length === 3`, `v === undefined` say nothing about its content.
        if (typeof val !== 'string') return 0;
        return MASK.all;
      }
    }
    // v.indexOf('..') === -1 / !== -1
    if ((eq || ne) && unwrap(t.left).type === 'CallExpression') {
      const call: any = unwrap(t.left);
      const val = mm.constantValue(t.right);
      if (call.callee.type === 'MemberExpression' && propName(call.callee) === 'indexOf' && refersTo(call.callee.object, v, mm) && val === -1) {
        const needle = call.arguments[0] && mm.constantValue(call.arguments[0]);
        const absent = (eq && positive) || (ne && !positive);
        if (absent && typeof needle === 'string' && needle.includes('..')) return MASK.path;
      }
      if (call.callee.type === 'MemberExpression' && propName(call.callee) === 'indexOf' && refersTo(call.arguments[0] ?? {}, v, mm) && val === -1) {
        const present = (ne && positive) || (eq && !positive);
        if (present) return MASK.all; // allowed.indexOf(v) !== -1
        return keyIsString(v, mm) ? denyListBits(call.callee.object, mm) : 0; // denied.indexOf(v) === -1
      }
    }
    // typeof v === 'number'
    if ((eq && positive) || (ne && !positive)) {
      const l = unwrap(t.left);
      if (l.type === 'UnaryExpression' && l.operator === 'typeof' && refersTo(l.argument, v, mm)) {
        const val = mm.constantValue(t.right);
        if (val === 'number' || val === 'boolean') return MASK.all;
      }
    }
    return 0;
  }
  if (t.type === 'CallExpression' && t.callee.type === 'MemberExpression') {
    const method = propName(t.callee);
    const obj = unwrap(t.callee.object);
    const arg0 = t.arguments[0];
    if (positive && (method === 'includes' || method === 'has') && arg0 && refersTo(arg0, v, mm) && !refersTo(obj, v, mm)) return MASK.all;
    if (!positive && (method === 'includes' || method === 'has') && arg0 && refersTo(arg0, v, mm) && !refersTo(obj, v, mm))
      return keyIsString(v, mm) ? denyListBits(obj, mm) : 0;
    if (method && arg0 && refersTo(arg0, v, mm)) {
      const g = keyGuardName(method, positive);
      if (g) return g;
    }
    if (positive && method === 'test' && obj.type === 'Literal' && (obj as any).regex && arg0 && refersTo(arg0, v, mm)) {
      return strictRegex((obj as any).regex.pattern) ? MASK.all : 0;
    }
    // json2's check: /^[\],:{}\s]*$/.test(s.replace(ESCAPES, '@').replace(TOKENS, ']')...)
    if (positive && method === 'test' && arg0) {
      const re = regexOf(obj, mm);
      if (re && strictRegex(re.pattern)) {
        const tokens = replacedTokens(arg0, v, mm);
        if (tokens !== undefined) return tokens;
      }
    }
    if (method === 'test' && obj.type === 'Literal' && (obj as any).regex && arg0 && refersTo(arg0, v, mm) && !positive) {
      // if (/\.\./.test(p)) return;  -> on the false branch, no ".." in p
      const pat: string = (obj as any).regex.pattern;
      if (pat.includes('\\.\\.') || pat.includes('\\.{2}')) return MASK.path;
    }
    if (positive && method === 'startsWith' && refersTo(obj, v, mm)) return MASK.path;
    // rel = path.normalize(p) or path.relative(root, p); if (rel.startsWith('..')) throw ...
    // -> on the false branch neither rel nor p climbs out of where it is joined or resolved.
    if (!positive && method === 'startsWith' && obj.type === 'Identifier' && arg0 && startsWithDotDot(arg0, mm)) {
      const w = mm.bindings.variableOf(obj);
      const from = w ? normalizedFrom(w, mm) : undefined;
      if (from && (w === v || refersTo(from, v, mm))) return MASK.path;
    }
    if (!positive && method === 'includes' && refersTo(obj, v, mm)) {
      const needle = arg0 && mm.constantValue(arg0);
      if (typeof needle === 'string' && needle.includes('..')) return MASK.path;
    }
    if (positive && method === 'isInteger' && arg0 && refersTo(arg0, v, mm)) return MASK.all;
    if (positive && (method === 'isValid' || method === 'validate') && arg0 && refersTo(arg0, v, mm)) return 0;
  }
  if (t.type === 'CallExpression' && t.callee.type === 'Identifier' && t.callee.name === 'isNaN' && !positive) return MASK.all;
  if (t.type === 'CallExpression' && t.callee.type === 'Identifier' && t.arguments[0] && refersTo(t.arguments[0], v, mm)) return keyGuardName(t.callee.name, positive);
  return 0;
}

// ---- prototype keys: a key is safe for prototype pollution once `__proto__` AND `constructor` (or
// `prototype`, which `constructor.prototype` needs) are excluded. Each exclusion is a partial bit;
// guardMask turns both into MASK.proto, so a guard on `__proto__` alone stays vulnerable.
// (bits above every MASK value; they never leave guardMask)
const NO_PROTO_KEY = 1 << 8;
const NO_CTOR_KEY = 1 << 9;

function protoKeyMask(mask: number): number {
  if ((mask & NO_PROTO_KEY) && (mask & NO_CTOR_KEY)) mask |= MASK.proto;
  return mask & ~(NO_PROTO_KEY | NO_CTOR_KEY);
}

function protoKeyBits(values: unknown[]): number {
  let bits = 0;
  for (const x of values) {
    if (x === '__proto__') bits |= NO_PROTO_KEY;
    else if (x === 'constructor' || x === 'prototype') bits |= NO_CTOR_KEY;
  }
  return bits;
}

/**
 * `k === '__proto__'` (or a denylist's includes/has/indexOf) only excludes the key when it is a string:
 * an attacker array `['__proto__']` is not equal to it but names the same property. Keys of for-in,
 * Object.keys/entries, split() segments and string operations are strings.
 */
function keyIsString(v: Variable, mm: ModuleModel, depth = 0): boolean {
  if (depth > 4) return false;
  for (const def of v.defs) {
    const node: any = def.node;
    if (def.type === 'Variable') {
      const decl = node.parent; // VariableDeclaration
      const loop = decl?.parent;
      if (loop?.type === 'ForInStatement' && loop.left === decl) return true;
      if (loop?.type === 'ForOfStatement' && loop.left === decl) {
        if (node.id.type === 'Identifier' && stringList(loop.right, mm, depth + 1)) return true;
        if (node.id.type === 'ArrayPattern' && node.id.elements[0] === def.name && isEntriesCall(loop.right, mm)) return true;
      }
    } else if (def.type === 'Parameter' && isFunction(node)) {
      // keys.forEach((k) => ...), Object.keys(o).reduce((acc, k) => ..., {}), forIn(obj, (v, k) => ...),
      // and the same with the callback passed by name (keys.forEach(assignKey, target))
      const idx = node.params.findIndex((p: any) => p === def.name || (p.type === 'AssignmentPattern' && p.left === def.name));
      const sites = callbackSites(node, mm);
      if (idx >= 0 && sites.length > 0 && sites.every(({ call, arg }) => keyCallbackSite(call, arg, idx, mm, depth))) return true;
    }
  }
  for (const ref of v.references) {
    const id: any = ref.identifier;
    if (id.parent?.type === 'ForInStatement' && id.parent.left === id) return true;
  }
  const writes = v.references.filter((r) => r.isWrite() && r.writeExpr);
  return writes.length > 0 && writes.every((r) => stringExpr(r.writeExpr as Node, mm, depth + 1));
}

/** The calls a function is handed to as an argument: inline, or by its name (every use of the name must be one). */
function callbackSites(fn: any, mm: ModuleModel): { call: TSESTree.CallExpression; arg: number }[] {
  const p = fn.parent;
  if (p?.type === 'CallExpression' && p.arguments.includes(fn)) return [{ call: p, arg: p.arguments.indexOf(fn) }];
  const id = fn.type === 'FunctionDeclaration' ? fn.id : p?.type === 'VariableDeclarator' && p.init === fn && p.id.type === 'Identifier' ? p.id : undefined;
  const v = id && mm.bindings.variableOf(id);
  if (!v) return [];
  const out: { call: TSESTree.CallExpression; arg: number }[] = [];
  for (const ref of v.references) {
    const r: any = ref.identifier;
    if (r === id) continue;
    const c = r.parent;
    if (c?.type !== 'CallExpression' || !c.arguments.includes(r)) return [];
    out.push({ call: c, arg: c.arguments.indexOf(r) });
  }
  return out;
}

/** Iterators over an object's keys that call back with `(value, key)`. */
const KEY_ITERATOR_MODULES = new Set(['for-in', 'for-own']);
const LODASH_KEY_ITERATORS = /^(forIn|forInRight|forOwn|forOwnRight)$/;

/** Whether parameter `idx` of the callback at argument `arg` of `call` receives string keys. */
function keyCallbackSite(call: TSESTree.CallExpression, arg: number, idx: number, mm: ModuleModel, depth: number): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === 'MemberExpression' && arg === 0) {
    const method = propName(callee);
    const keyIdx = method === 'reduce' || method === 'reduceRight' ? 1 : 0;
    if (idx === keyIdx && method && /^(forEach|map|filter|some|every|find|reduce|reduceRight|flatMap)$/.test(method) && stringList(callee.object, mm, depth + 1)) return true;
  }
  if (arg === 1 && idx === 1) {
    const ref = mm.resolve(callee);
    if (ref && KEY_ITERATOR_MODULES.has(ref.module) && apiPath(ref).length === 0) return true;
    if (ref && /^lodash(-es)?$/.test(ref.module) && apiPath(ref).length === 1 && LODASH_KEY_ITERATORS.test(apiPath(ref)[0])) return true;
  }
  return false;
}

const STRING_METHODS = /^(toString|trim|trimStart|trimEnd|toLowerCase|toUpperCase|toLocaleLowerCase|toLocaleUpperCase|replace|replaceAll|substring|substr|charAt|join|padStart|padEnd|normalize)$/;

function stringExpr(e: Node, mm: ModuleModel, depth: number): boolean {
  const u = unwrap(e);
  if (depth > 6) return false;
  switch (u.type) {
    case 'Literal':
      return typeof u.value === 'string';
    case 'TemplateLiteral':
    case 'BinaryExpression':
      return true;
    case 'LogicalExpression':
      return stringExpr(u.left, mm, depth + 1) && stringExpr(u.right, mm, depth + 1);
    case 'ConditionalExpression':
      return stringExpr(u.consequent, mm, depth + 1) && stringExpr(u.alternate, mm, depth + 1);
    case 'AssignmentExpression':
      return stringExpr(u.right, mm, depth + 1);
    case 'CallExpression': {
      const c = unwrap(u.callee);
      if (c.type === 'Identifier') return c.name === 'String';
      if (c.type !== 'MemberExpression') return false;
      const m = propName(c);
      if (m && STRING_METHODS.test(m)) return true;
      return (m === 'shift' || m === 'pop' || m === 'at') && stringList(c.object, mm, depth + 1);
    }
    case 'MemberExpression':
      return u.computed && stringList(u.object, mm, depth + 1);
    case 'Identifier': {
      const v = mm.bindings.variableOf(u);
      return !!v && keyIsString(v, mm, depth + 1);
    }
    default:
      return false;
  }
}

function isEntriesCall(e: Node, mm: ModuleModel): boolean {
  const u = unwrap(e);
  if (u.type !== 'CallExpression') return false;
  const ref = mm.resolve(u.callee);
  return !!ref && ref.module === GLOBAL && apiPath(ref).join('.') === 'Object.entries';
}

/** An array whose elements are strings: split() segments, Object.keys(), and slices or filters of them. */
function stringList(e: Node, mm: ModuleModel, depth: number): boolean {
  const u = unwrap(e);
  if (depth > 6) return false;
  if (u.type === 'CallExpression') {
    const c = unwrap(u.callee);
    const ref = mm.resolve(u.callee);
    if (ref && ref.module === GLOBAL && /^Object\.(keys|getOwnPropertyNames)$/.test(apiPath(ref).join('.'))) return true;
    if (ref && ref.module === GLOBAL && apiPath(ref).join('.') === 'Reflect.ownKeys') return false;
    if (c.type !== 'MemberExpression') return false;
    const m = propName(c);
    if (m === 'split' || m === 'match') return true;
    if (m && /^(slice|filter|concat|reverse|sort|splice)$/.test(m)) return stringList(c.object, mm, depth + 1);
    return false;
  }
  if (u.type === 'Identifier') {
    const v = mm.bindings.variableOf(u);
    if (!v) return false;
    const writes = v.references.filter((r) => r.isWrite() && r.writeExpr);
    return writes.length > 0 && writes.every((r) => stringList(r.writeExpr as Node, mm, depth + 1));
  }
  return false;
}

const DENY_NAME = /proto|pollut|forbid|deny|black|unsafe|danger|reserved|block|banned|illegal|disallow|restricted/i;

/** `if (DENIED.includes(key)) continue;`: what a denylist excludes (constant lists read, named ones trusted). */
function denyListBits(list: Node, mm: ModuleModel, depth = 0): number {
  const n = unwrap(list);
  if (depth > 3) return 0;
  if (n.type === 'ArrayExpression') return protoKeyBits(n.elements.map((e) => (e && e.type !== 'SpreadElement' ? mm.constantValue(e) : undefined)));
  if (n.type === 'NewExpression' && n.arguments[0]) return denyListBits(n.arguments[0], mm, depth + 1);
  if (n.type === 'Identifier') {
    const v = mm.bindings.variableOf(n);
    const init = v && mm.initOf(v);
    if (init && init.path.length === 0) {
      const bits = denyListBits(init.init, mm, depth + 1);
      if (bits) return bits;
    }
    return DENY_NAME.test(n.name) ? NO_PROTO_KEY | NO_CTOR_KEY : 0;
  }
  if (n.type === 'MemberExpression') {
    const name = propName(n);
    return name && DENY_NAME.test(name) ? NO_PROTO_KEY | NO_CTOR_KEY : 0;
  }
  return 0;
}

/** Key-guard helpers by name: `if (isUnsafeKey(k)) continue;`, `if (isSafeKey(k)) ...`. */
function keyGuardName(name: string, positive: boolean): number {
  if (!positive && /^(is|has|check)?\w*(proto|pollut|unsafe|forbidden|danger|illegal|reserved|blacklist|denylist|blocked|banned)/i.test(name))
    return NO_PROTO_KEY | NO_CTOR_KEY;
  if (positive && /^(is)?(safe|valid|allowed|permitted)(key|prop|property|name|path|segment|part)s?$/i.test(name)) return NO_PROTO_KEY | NO_CTOR_KEY;
  return 0;
}

/** An anchored regex whose characters cannot express shell metacharacters, `..` traversal or code. */
function strictRegex(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$')) return false;
  return strictBody(pattern.slice(1, -1));
}

function strictBody(body: string): boolean {
  if (body.includes('.') && !body.includes('\\.')) return false; // unescaped dot: any character
  if (/\\S|\\W|\\D|\[\^/.test(body)) return false;
  return true;
}

/** A regex literal, or a never-reassigned variable initialised with one. */
function regexOf(e: Node, mm: ModuleModel): { pattern: string; flags: string } | undefined {
  let u: any = unwrap(e);
  if (u.type === 'Identifier') {
    const v = mm.bindings.variableOf(u);
    const init = v && mm.initOf(v);
    if (!init || init.path.length > 0) return undefined;
    u = unwrap(init.init);
  }
  return u.type === 'Literal' && u.regex ? u.regex : undefined;
}

/**
 * Validation by tokens: `!s.replace(TOKENS, fn)` (also inside trim(), or compared with '') is true only
 * when `s` is nothing but a sequence of TOKENS matches (and whitespace when trimmed), whatever `fn`
 * returns. The mask is what such a sequence is safe for (tokenMask), or undefined when `e` is not that.
 */
function tokenRemainder(e: Node, v: Variable, mm: ModuleModel): number | undefined {
  const u: any = unwrap(e);
  if (u.type !== 'CallExpression') return undefined;
  const callee: any = unwrap(u.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propName(callee) : undefined;
  if (name === 'trim' && callee.type === 'MemberExpression' && u.arguments.length === 0) return tokenRemainder(callee.object, v, mm);
  if (name === 'trim' && u.arguments.length === 1) return tokenRemainder(u.arguments[0], v, mm);
  if ((name === 'replace' || name === 'replaceAll') && callee.type === 'MemberExpression' && u.arguments[0] && refersTo(callee.object, v, mm)) {
    const re = regexOf(u.arguments[0], mm);
    if (re && re.flags.includes('g')) return tokenMask(re.pattern);
  }
  return undefined;
}

/**
 * json2's form: a strict regex tested on `s` after a chain of global replaces, each of token regexes
 * (escape sequences, string literals, numbers, punctuation) replaced by constant text. The mask is
 * what every replaced token is safe for.
 */
function replacedTokens(e: Node, v: Variable, mm: ModuleModel): number | undefined {
  const u: any = unwrap(e);
  if (u.type !== 'CallExpression' || u.callee.type !== 'MemberExpression' || propName(u.callee) !== 'replace') return undefined;
  const re = regexOf(u.arguments[0] ?? u, mm);
  if (!re || !re.flags.includes('g') || !u.arguments[1] || !mm.isConstant(u.arguments[1])) return undefined;
  const inner = refersTo(u.callee.object, v, mm) ? MASK.all : replacedTokens(u.callee.object, v, mm);
  if (inner === undefined) return undefined;
  return inner & tokenMask(re.pattern);
}

/**
 * What a sequence of matches of a token regex is safe for: tokens made of fixed characters and
 * character classes (as in a strict regex) are safe for everything; quoted string literals
 * (`"(?:[^"\\]|\\.)*"`, with the quote and backslash excluded from the free characters) make
 * the sequence safe for code only: a JSON-like text cannot call anything without `(` or a backtick.
 */
function tokenMask(pattern: string): number {
  let quoted = false;
  let body = '';
  for (let i = 0; i < pattern.length; ) {
    const end = (pattern[i] === '"' || pattern[i] === "'") && quotedTokenEnd(pattern, i);
    if (end) {
      quoted = true;
      body += 'Q';
      i = end;
    } else {
      body += pattern[i] === '\\' ? pattern.slice(i, i + 2) : pattern[i];
      i += pattern[i] === '\\' ? 2 : 1;
    }
  }
  if (!strictBody(body)) return 0;
  if (!quoted) return MASK.all;
  // outside the strings, nothing that calls or assigns: no literal parenthesis, backtick or `=`
  return /\\\(|`|(?<!\(\?)=/.test(body) ? 0 : MASK.code;
}

/**
 * The index after a quoted-string token starting at `pattern[i]` (a quote), or 0: the quote, then a
 * class or group of alternatives repeated with `*` or `+`, then the same quote, where each alternative
 * is a negated class excluding the quote and the backslash, or an escape starting with a backslash.
 */
function quotedTokenEnd(pattern: string, i: number): number {
  const q = pattern[i];
  let j = i + 1;
  let alts: string[];
  if (pattern[j] === '[') {
    const close = classEnd(pattern, j);
    if (!close) return 0;
    alts = [pattern.slice(j, close)];
    j = close;
  } else if (pattern[j] === '(') {
    let depth = 0;
    let k = j;
    const parts: string[] = [];
    let start = pattern.startsWith('(?:', j) ? j + 3 : j + 1;
    for (; k < pattern.length; k++) {
      const c = pattern[k];
      if (c === '\\') { k++; continue; }
      if (c === '[') { const close = classEnd(pattern, k); if (!close) return 0; k = close - 1; continue; }
      if (c === '(') depth++;
      else if (c === ')') { depth--; if (depth === 0) break; }
      else if (c === '|' && depth === 1) { parts.push(pattern.slice(start, k)); start = k + 1; }
    }
    if (depth !== 0) return 0;
    parts.push(pattern.slice(start, k));
    alts = parts;
    j = k + 1;
  } else return 0;
  if (pattern[j] !== '*' && pattern[j] !== '+') return 0;
  j++;
  if (pattern[j] !== q) return 0;
  const free = (a: string) => a.startsWith('[^') && a.includes(q) && a.includes('\\\\');
  if (!alts.every((a) => free(a) || a.startsWith('\\\\'))) return 0;
  return j + 1;
}

/** The index after the character class opening at `pattern[i]`, or 0. */
function classEnd(pattern: string, i: number): number {
  for (let k = i + 1; k < pattern.length; k++) {
    if (pattern[k] === '\\') k++;
    else if (pattern[k] === ']' && k > i + 1) return k + 1;
  }
  return 0;
}
