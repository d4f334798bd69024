/**
 * Project-wide linking of the per-file facts from taint.ts:
 *  - call sites are resolved to functions (same file, relative imports, re-exports, package main);
 *  - each function gets a summary of what its return value depends on (its parameters or
 *    attacker data), computed to a fixpoint so recursion terminates;
 *  - sinks reached by a parameter are pushed to every caller of that function (a worklist), until
 *    the value is attacker data: request data in a handler, a decorated NestJS parameter, or (with
 *    the library threat model) a parameter of an exported function.
 * Each flow keeps its trace: source -> steps (across files) -> sink.
 */
import { TimeoutError } from '../deadline.js';
import type { ThreatModel } from '../rule.js';
import { isRequestSourceProp } from './frameworks.js';
import type { Framework } from './frameworks.js';
import { addStep, addSteps, applyProp, atomKey, entryKey, MASK, rootKey, stepAt } from './taint.js';
import { createResolver } from './resolve.js';
import type { CallFact, CallTarget, Entry, ExportDesc, FileFacts, FnFact, SinkFact, Step } from './taint.js';

export interface Flow {
  sink: SinkFact;
  source: string;
  trace: Step[];
}

export interface LinkResult {
  flows: Flow[];
  /** Sinks with non-constant input and no proven flow. */
  audits: SinkFact[];
  /** Set when the time budget (`LinkOptions.deadline`) ran out: the result is partial. */
  incomplete?: LinkIncomplete;
}

export interface LinkIncomplete {
  /** The call graph was not finished: no summary was computed and no sink checked. */
  callGraph: boolean;
  /** The fixpoint of return-value summaries stopped before it converged (fewer flows). */
  summaries: boolean;
  /** Sinks checked, in file order, of `sinks`; the others were not checked (no flow, no audit). */
  sinksChecked: number;
  sinks: number;
}

export interface LinkOptions {
  threatModel: ThreatModel;
  /** Absolute scan root; files in facts are relative posix paths under it. */
  root: string;
  /**
   * Time budget (`--max-link-time`): a `now()` time at which the link stops with a partial result
   * (`LinkResult.incomplete`). The call graph and the return summaries may use the first half of
   * the budget, so that sinks are still checked in the second half. Unset: no budget.
   */
  deadline?: number;
  /** The clock of `deadline` (default performance.now); tests inject a counter. */
  now?: () => number;
}

const MAX_EXPAND = 64;

/**
 * The link's time budget: cooperative checks, as in the per-file analysis (deadline.ts). `tick()`
 * throws a TimeoutError once the current phase's limit has passed; it reads the clock on every
 * 64th call, `tick(true)` on every call. A budget of 0 stops at the first check.
 */
class LinkBudget {
  readonly incomplete: LinkIncomplete = { callGraph: false, summaries: false, sinksChecked: 0, sinks: 0 };
  private readonly now: () => number;
  private limit: number | undefined;
  private ticks = 0;
  constructor(private readonly opts: LinkOptions) {
    this.now = opts.now ?? (() => performance.now());
    if (opts.deadline !== undefined) {
      const t0 = this.now();
      this.limit = t0 + (opts.deadline - t0) / 2;
    }
  }
  /** From now on the whole budget is available. */
  lastPhase(): void {
    this.limit = this.opts.deadline;
  }
  tick(force = false): void {
    if (this.limit === undefined || (!force && (++this.ticks & 63) !== 0)) return;
    if (this.now() >= this.limit) throw new TimeoutError('the link time budget was exceeded');
  }
}

export function link(allFacts: FileFacts[], opts: LinkOptions): LinkResult {
  const budget = new LinkBudget(opts);
  for (const f of allFacts) budget.incomplete.sinks += f.sinks.length;
  if (budget.incomplete.sinks === 0) return { flows: [], audits: [] }; // flows and audits start at sinks
  try {
    return linkFacts(allFacts, opts, budget);
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    budget.incomplete.callGraph = true;
    return { flows: [], audits: [], incomplete: budget.incomplete };
  }
}

function linkFacts(allFacts: FileFacts[], opts: LinkOptions, budget: LinkBudget): LinkResult {
  const files = new Map<string, FileFacts>();
  for (const f of allFacts) files.set(f.file, f);
  const fnById = new Map<string, FnFact>();
  const fnFile = new Map<string, string>();
  for (const f of allFacts)
    for (const fn of f.fns) {
      fnById.set(fn.id, fn);
      fnFile.set(fn.id, f.file);
    }
  const callById = new Map<string, CallFact>();
  for (const f of allFacts) for (const c of f.calls) callById.set(c.id, c);

  // ---- module resolution between scanned files ----
  const resolveSpec = createResolver(files, opts.root);

  /** Export descriptor for a module path, following re-exports and `export *`. */
  function exportOf(file: string, p: string[], depth = 0): ExportDesc | undefined {
    const facts = files.get(file);
    if (!facts || depth > 8) return undefined;
    budget.tick();
    let desc: ExportDesc | undefined;
    let rest = p;
    if (p.length === 0) desc = facts.exports[''] ?? { obj: namedExports(facts) };
    else if (p[0] === 'default') {
      desc = facts.exports['default'] ?? facts.exports[''];
      rest = p.slice(1);
    } else if (facts.exports[p[0]]) {
      desc = facts.exports[p[0]];
      rest = p.slice(1);
    } else if (facts.exports['']) {
      desc = facts.exports[''];
    } else {
      for (const s of facts.star) {
        const t = resolveSpec(file, s);
        const d = t && exportOf(t, p, depth + 1);
        if (d) return d;
      }
      return undefined;
    }
    return walkDesc(file, desc, rest, depth);
  }
  function walkDesc(file: string, desc: ExportDesc | undefined, p: string[], depth: number): ExportDesc | undefined {
    let d = desc;
    for (let i = 0; d; i++) {
      if (d.reexport) {
        const t = resolveSpec(file, d.reexport.spec);
        if (!t) return undefined;
        return exportOf(t, [...d.reexport.path, ...p.slice(i)], depth + 1);
      }
      if (i >= p.length) return d;
      d = d.obj?.[p[i]];
    }
    return undefined;
  }
  function namedExports(f: FileFacts): Record<string, ExportDesc> {
    const o: Record<string, ExportDesc> = {};
    for (const [k, v] of Object.entries(f.exports)) if (k !== '') o[k] = v;
    return o;
  }

  function targetsOf(fromFile: string, t: CallTarget): string[] {
    if ('local' in t) return [t.local];
    const file = resolveSpec(fromFile, t.module);
    if (!file) return [];
    const d = exportOf(file, t.path);
    return d?.fn ? [d.fn] : [];
  }

  // ---- call graph ----
  const calleesOf = new Map<string, string[]>(); // call id -> fn ids
  const callersOf = new Map<string, CallFact[]>(); // fn id -> call facts
  for (const f of allFacts) {
    budget.tick(true);
    for (const c of f.calls) {
      const ids = new Set<string>();
      for (const t of c.targets) for (const id of targetsOf(f.file, t)) if (fnById.has(id)) ids.add(id);
      const list = [...ids];
      calleesOf.set(c.id, list);
      for (const id of list) {
        let l = callersOf.get(id);
        if (!l) callersOf.set(id, (l = []));
        l.push(c);
      }
    }
  }

  // ---- handlers registered across files ----
  const handlerOf = new Map<string, { framework: Framework; reqIndex: number }>();
  for (const f of allFacts) {
    for (const fn of f.fns) if (fn.handler) handlerOf.set(fn.id, fn.handler);
    for (const h of f.handlerRefs) for (const id of targetsOf(f.file, h.target)) if (!handlerOf.has(id)) handlerOf.set(id, { framework: h.framework, reqIndex: 0 });
  }

  // ---- exposed functions (library threat model) ----
  const exposed = new Set<string>();
  if (opts.threatModel !== 'app') {
    const stack: string[] = [];
    const visitDesc = (file: string, d: ExportDesc | undefined, depth: number) => {
      if (!d || depth > 8) return;
      if (d.fn) stack.push(d.fn);
      if (d.obj) for (const v of Object.values(d.obj)) visitDesc(file, v, depth + 1);
      if (d.reexport) {
        const t = resolveSpec(file, d.reexport.spec);
        if (t) visitDesc(t, exportOf(t, d.reexport.path), depth + 1);
      }
    };
    for (const f of allFacts) for (const d of Object.values(f.exports)) visitDesc(f.file, d, 0);
    while (stack.length) {
      const id = stack.pop()!;
      if (exposed.has(id)) continue;
      exposed.add(id);
      const fn = fnById.get(id);
      if (fn) for (const p of fn.publishes) stack.push(p);
    }
  }

  // ---- return summaries ----
  const retDeps = new Map<string, Entry[]>();
  /** What a call's result depends on, memoised per call (reset when summaries change). */
  let callMemo = new Map<string, Entry[] | null>();
  /**
   * Each call's last computed result, kept across rounds (and into the sinks phase), with what it
   * was computed from: the callees' return summaries it read and the results of the calls it used.
   * A computation that met no call still being expanded (a recursion cut short), nor used a result
   * that did, is a function of those alone; when they are all still the same objects and none of
   * the calls it used is being expanded now, expanding the call again would compute the same result
   * and leave the same memo entries, so the old result and its used calls' are reused (exactly the
   * same result, without its cost). Within a round, `callMemo` agrees with this cache.
   */
  interface CallRecord {
    result: Entry[];
    pure: boolean;
    reads: Array<Entry[] | undefined>;
    usedIds: string[];
    usedResults: Entry[][];
  }
  const callCache = new Map<string, CallRecord>();
  /** The expansion in progress (innermost), which records the call results it uses. */
  let frame: CallRecord | undefined;
  /** Calls found not reusable in this round for a reason that lasts the round. */
  let stale = new Set<string>();
  function noteUse(id: string, result: Entry[] | null): void {
    if (!frame) return;
    if (result === null) {
      frame.pure = false;
      return;
    }
    if (!callCache.get(id)!.pure) frame.pure = false;
    frame.usedIds.push(id);
    frame.usedResults.push(result);
  }
  /** Reuse the cached result of `id` and of every call it used if all still hold (see callCache). */
  function reuse(id: string): Entry[] | undefined {
    if (stale.has(id) || !callCache.has(id)) return undefined;
    const pending = [id];
    const seen = new Set<string>(pending);
    while (pending.length) {
      const x = pending.pop()!;
      if (stale.has(x)) return undefined;
      const rec = callCache.get(x)!;
      let ok = rec.pure;
      if (ok) {
        const callees = calleesOf.get(x) ?? [];
        for (let k = 0; k < rec.reads.length; k++)
          if (retDeps.get(callees[k]!) !== rec.reads[k]) {
            ok = false;
            break;
          }
      }
      if (!ok) {
        stale.add(x);
        return undefined;
      }
      for (let k = 0; k < rec.usedIds.length; k++) {
        const u = rec.usedIds[k]!;
        const used = rec.usedResults[k]!;
        const m = callMemo.get(u);
        if (m !== undefined) {
          if (m === used) continue;
          if (m !== null) stale.add(x); // computed again this round: another result
          return undefined; // null: being expanded now
        }
        if (callCache.get(u)!.result !== used) {
          stale.add(x);
          return undefined;
        }
        if (!seen.has(u)) {
          seen.add(u);
          pending.push(u);
        }
      }
    }
    for (const x of seen) callMemo.set(x, callCache.get(x)!.result);
    return callCache.get(id)!.result;
  }
  function expandCall(call: CallFact): Entry[] {
    const hit = callMemo.get(call.id);
    if (hit !== undefined) {
      noteUse(call.id, hit);
      return hit ?? []; // null: being expanded (recursion) -> nothing more
    }
    budget.tick();
    const reused = reuse(call.id);
    if (reused) {
      noteUse(call.id, reused);
      return reused;
    }
    callMemo.set(call.id, null);
    const rec: CallRecord = { result: [], pure: true, reads: [], usedIds: [], usedResults: [] };
    const parent = frame;
    frame = rec;
    try {
      rec.result = computeCall(call, rec);
    } finally {
      frame = parent;
    }
    callCache.set(call.id, rec);
    callMemo.set(call.id, rec.result);
    noteUse(call.id, rec.result);
    return rec.result;
  }
  function computeCall(call: CallFact, rec: CallRecord): Entry[] {
    const out = new Map<string, Entry>();
    const push = (e: Entry) => {
      if (out.size < MAX_EXPAND) {
        const k = entryKey(e);
        if (!out.has(k)) out.set(k, e);
      }
    };
    const callees = calleesOf.get(call.id) ?? [];
    if (callees.length === 0) {
      // Unresolved target: the result carries its arguments. The trace is built only for an entry
      // kept (the key does not depend on it).
      let through: Step | undefined;
      for (const a of call.args)
        for (const x of expand(a)) {
          if (out.size >= MAX_EXPAND) continue;
          const k = entryKey(x);
          if (out.has(k)) continue;
          through ??= stepAt(call.loc, `through ${call.label}()`);
          out.set(k, { ...x, trace: addStep(x.trace, through) });
        }
    } else {
      for (const g of callees) {
        const deps = retDeps.get(g);
        rec.reads.push(deps);
        for (const d of deps ?? []) {
          if (d.atom.k === 'p' && d.atom.fn === g) {
            const prop = d.atom.prop;
            for (const x of expand(call.args[d.atom.i] ?? [])) {
              const y = prop !== undefined ? applyPropEntry(x, prop) : x;
              if (!y) continue;
              if (out.size >= MAX_EXPAND) continue;
              const e: Entry = { atom: y.atom, mask: y.mask | d.mask, trace: NO_TRACE, ...(y.field !== undefined ? { field: y.field } : {}) };
              const k = entryKey(e);
              if (out.has(k)) continue;
              e.trace = joinTrace(y.trace, call, d.trace);
              out.set(k, e);
            }
          } else push(d);
        }
      }
    }
    return [...out.values()];
  }
  /**
   * The last expansion of each value (facts' arrays: returns, arguments, sink values): the call
   * results it used, in order, and where it stopped. Expanded again, a value whose calls give the
   * same result objects in the same order gives the same entries: the old array is returned.
   */
  const expandCache = new WeakMap<Entry[], { used: Entry[][]; end: number; result: Entry[] }>();
  function expand(entries: Entry[]): Entry[] {
    if (!entries.some((e) => e.atom.k === 'r')) return entries;
    const last = expandCache.get(entries);
    if (last) {
      let j = 0;
      let same = true;
      for (let i = 0; i < last.end; i++) {
        const e = entries[i]!;
        if (e.atom.k !== 'r') continue;
        const call = callById.get(e.atom.call);
        if (!call) continue;
        if (expandCall(call) !== last.used[j++]) {
          same = false;
          break;
        }
      }
      if (same) return last.result;
    }
    const used: Entry[][] = [];
    let end = entries.length;
    const out = new Map<string, Entry>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (out.size >= MAX_EXPAND) {
        end = i;
        break;
      }
      if (e.atom.k !== 'r') {
        const k = entryKey(e);
        if (!out.has(k)) out.set(k, e);
        continue;
      }
      const call = callById.get(e.atom.call);
      if (!call) continue;
      const prop = e.atom.prop;
      const xs = expandCall(call);
      used.push(xs);
      for (const x0 of xs) {
        const x = prop !== undefined ? applyProp(x0, prop) : x0;
        if (!x) continue;
        if (out.size >= MAX_EXPAND) continue;
        const y: Entry = { atom: x.atom, mask: x.mask | e.mask, trace: x.trace };
        if (x.field !== undefined) y.field = x.field;
        // Appended after other sources (Entry.after): joined unless it comes from one of them.
        if (e.after && !(y.mask & MASK.joined) && !e.after.includes(rootKey(y.atom))) y.mask |= MASK.joined;
        const k = entryKey(y);
        if (out.has(k)) continue;
        if (e.trace.length) y.trace = appendTrace(x.trace, e.trace);
        out.set(k, y);
      }
    }
    const result = [...out.values()];
    expandCache.set(entries, { used, end, result });
    return result;
  }
  const allFns = [...fnById.values()].filter((f) => f.returns.length);
  try {
    for (let round = 0; round < 12; round++) {
      let changed = false;
      callMemo = new Map();
      stale = new Set();
      budget.tick(true);
      for (const fn of allFns) {
        const deps = expand(fn.returns);
        const old = retDeps.get(fn.id);
        if (!old || old.length !== deps.length) {
          retDeps.set(fn.id, deps);
          changed = true;
        }
      }
      if (!changed) break;
    }
  } catch (e) {
    // Out of time: the summaries found so far are kept (fewer flows through return values).
    if (!(e instanceof TimeoutError)) throw e;
    budget.incomplete.summaries = true;
  }
  callMemo = new Map();
  stale = new Set();
  frame = undefined;
  budget.lastPhase();

  // ---- sources ----
  function sourceOf(e: Entry, requestOnly = false, partialOnly = false): string | undefined {
    const a = e.atom;
    if (a.k === 's') return a.desc;
    if (a.k !== 'p') return undefined;
    const fn = fnById.get(a.fn);
    if (!fn) return undefined;
    const h = handlerOf.get(a.fn);
    const pname = fn.params[a.i] ?? `arguments[${a.i}]`;
    if (h && a.i === h.reqIndex && isRequestSourceProp(h.framework, a.prop)) return `${pname}.${a.prop} (request data)`;
    if (fn.sourceParams?.includes(a.i)) return `${pname} (request data)`;
    if (partialOnly && !(e.mask & MASK.joined)) return undefined;
    if (!requestOnly && opts.threatModel !== 'app' && exposed.has(a.fn)) return `${pname} (parameter of exported ${fn.name}())`;
    return undefined;
  }

  // ---- sinks: push parameter reach to callers until a source is found ----
  const flows: Flow[] = [];
  const audits: SinkFact[] = [];

  function reachSink(sink: SinkFact): Flow | undefined {
    const entries = expand(sink.value).filter((e) => !(e.mask & sink.mask));
    if (process.env.NODESEC_DEBUG_SINK && sink.loc.file.endsWith(process.env.NODESEC_DEBUG_SINK.split(':')[0]) && String(sink.loc.line) === process.env.NODESEC_DEBUG_SINK.split(':')[1])
      for (const e of entries) process.stderr.write(`sink entry ${atomKey(e.atom)} mask=${e.mask} ${e.trace.map((t) => t.file + ':' + t.line + ' ' + t.label).join(' | ')}\n`);
    for (const e of entries) {
      const src = sourceOf(e, sink.requestOnly, sink.partialOnly);
      if (src) return { sink, source: src, trace: relabel(e.trace, src) };
    }
    for (const e of entries) {
      if (e.atom.k !== 'p') continue;
      const r = sourceForParam(e.atom, e.mask, sink.mask, !!sink.requestOnly, !!sink.partialOnly);
      if (r) return { sink, source: r.source, trace: relabel(appendTrace(r.trace, e.trace), r.source) };
    }
    return undefined;
  }

  /**
   * Breadth-first through the callers of a parameter until attacker data is found. Memoised per
   * parameter, so many sinks behind one parameter cost one search. The trace runs from the
   * source to the parameter.
   */
  const paramMemo = new Map<string, { source: string; trace: Step[] } | null>();
  function sourceForParam(
    atom: Entry['atom'],
    mask: number,
    sinkMask: number,
    requestOnly: boolean,
    partialOnly: boolean,
  ): { source: string; trace: Step[] } | null {
    const memoKey = `${atomKey(atom)}|${mask}|${sinkMask}|${requestOnly ? 1 : 0}${partialOnly ? 1 : 0}`;
    const hit = paramMemo.get(memoKey);
    if (hit !== undefined) return hit;
    paramMemo.set(memoKey, null);
    const seen = new Set<string>([atomKey(atom)]);
    let queue: Entry[] = [{ atom, mask, trace: [] }];
    let result: { source: string; trace: Step[] } | null = null;
    for (let rounds = 0; queue.length && rounds < 40 && !result; rounds++) {
      const next: Entry[] = [];
      for (const e of queue) {
        if (e.atom.k !== 'p') continue;
        const { fn, i, prop } = e.atom;
        for (const call of callersOf.get(fn) ?? []) {
          const arg = call.args[i];
          if (!arg) continue;
          budget.tick();
          for (const x of expand(arg)) {
            const y = prop !== undefined ? applyPropEntry(x, prop) : x;
            if (!y) continue;
            const m = y.mask | e.mask;
            if (m & sinkMask) continue;
            // The trace is built only for a source or a parameter searched further: most
            // candidates are parameters already seen, and joining traces is the costly part.
            const cand: Entry = { atom: y.atom, mask: m, trace: [] };
            const src = sourceOf(cand, requestOnly, partialOnly);
            if (src) {
              result = { source: src, trace: joinTrace(y.trace, call, e.trace) };
              break;
            }
            if (cand.atom.k !== 'p') continue;
            const k = atomKey(cand.atom);
            if (seen.has(k) || next.length > 2000) continue;
            seen.add(k);
            cand.trace = joinTrace(y.trace, call, e.trace);
            next.push(cand);
          }
          if (result) break;
        }
        if (result) break;
      }
      queue = next;
    }
    paramMemo.set(memoKey, result);
    return result;
  }

  const inc = budget.incomplete;
  try {
    for (const f of allFacts) {
      for (const sink of f.sinks) {
        budget.tick(true);
        const found = reachSink(sink);
        if (found) flows.push(found);
        else if (sink.auditable) audits.push(sink);
        inc.sinksChecked++;
      }
    }
  } catch (e) {
    // Out of time: the sinks checked so far are reported, the others are not.
    if (!(e instanceof TimeoutError)) throw e;
  }
  return inc.summaries || inc.sinksChecked < inc.sinks ? { flows, audits, incomplete: inc } : { flows, audits };
}

function relabel(trace: Step[], source: string): Step[] {
  return trace.length ? [{ ...trace[0], label: source }, ...trace.slice(1)] : trace;
}

const applyPropEntry = applyProp;

const NO_TRACE: Step[] = [];

function appendTrace(a: Step[], b: Step[]): Step[] {
  return addSteps(a, undefined, b);
}

/** Trace of an argument, then the call, then the callee's trace from its parameter. */
function joinTrace(argTrace: Step[], call: CallFact, calleeTrace: Step[]): Step[] {
  return addSteps(argTrace, stepAt(call.loc, `passed to ${call.label}()`), calleeTrace);
}
