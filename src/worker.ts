/**
 * `--threads N`: per-file parse and analysis in worker threads. The scan reads the files, answers
 * cache hits itself and sends each other file's text here; results come back as the cache's
 * plain per-file records (CachedFile) and are applied in file order, so reports are the same as
 * with one thread. Built-in rules only (a plugin's code cannot cross to a worker: the scan then
 * runs on one thread).
 *
 * Measured on 2 cores (bench/README.md, "Speed"): no faster than one thread and more memory, so
 * the default is 1.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Rule, RuleMeta, ThreatModel } from './rule.js';
import type { TaintKnowledge } from './knowledge.js';
import type { CachedFile } from './cache.js';

interface Setup {
  rules: RuleMeta[];
  threatModel: ThreatModel;
  knowledge?: TaintKnowledge;
  maxTime: number;
  parseCharsPerMs: number;
}

/**
 * Stack of every analysis worker, in MB. The parser and scope analysis recurse once per level of
 * nesting; the main thread's stack (about 1 MB) ends at a few hundred levels, and where exactly
 * moves with how warm V8's compiled code is. A file that overflows it is analysed again in a
 * worker with this stack, where only nesting of many thousands of levels ends as `too-deep`; the
 * `--threads` workers have it too, so one thread and several give the same result.
 */
export const DEEP_STACK_MB = 64;
interface Job {
  id: number;
  rel: string;
  text: string;
}
/** A file's results, and whether they may be cached (not a timeout, stack overflow or crash). */
export interface JobResult {
  id: number;
  result: CachedFile;
  cacheable: boolean;
}

/** The same steps as the one-thread loop of scan.ts, for one file's text. */
async function serve(setup: Setup): Promise<void> {
  const { rules: builtins } = await import('../rules/index.js');
  const parser = await import('./parse.js');
  const engine = await import('./engine.js');
  const { hasMarker, parseSuppressions } = await import('./suppress.js');
  const { isStackOverflow, TimeoutError } = await import('./deadline.js');
  await parser.loadParser();
  const rules: Rule[] = setup.rules.map((meta) => ({ ...builtins.find((r) => r.meta.id === meta.id)!, meta }));
  const timeout = (rel: string) => ({
    file: rel,
    kind: 'timeout' as const,
    message: `analysis would take longer than ${setup.maxTime} ms; skipped, raise --max-file-time to analyse it`,
  });
  parentPort!.on('message', (job: Job) => {
    const { rel, text } = job;
    const out: CachedFile = { findings: [], diagnostics: [] };
    let cacheable = true;
    const reply = () => {
      if (!out.diagnostics!.length) delete out.diagnostics;
      parentPort!.postMessage({ id: job.id, result: out, cacheable } satisfies JobResult);
    };
    if (text.length > setup.maxTime * setup.parseCharsPerMs) {
      out.diagnostics!.push(timeout(rel));
      out.skipped = true;
      cacheable = false;
      return reply();
    }
    const deadline = performance.now() + setup.maxTime;
    const marked = hasMarker(text);
    const parsed = parser.parseSource(text, rel, { comments: marked });
    if (parsed.ok && marked) {
      const s = parseSuppressions((parsed.ast as { comments?: any[] }).comments ?? []);
      if (s.suppressions.length) out.suppressions = s.suppressions;
      for (const p of s.problems) out.diagnostics!.push({ file: rel, kind: 'suppression', message: p.message, line: p.line, column: p.column });
    }
    if (!parsed.ok) {
      if (parsed.tooDeep) {
        out.diagnostics!.push({ file: rel, kind: 'too-deep', message: parsed.message });
        cacheable = false;
      } else out.diagnostics!.push({ file: rel, kind: 'syntax', message: parsed.message, line: parsed.line, column: parsed.column });
      out.skipped = true;
      return reply();
    }
    try {
      const res = engine.analyzeFile({ file: rel, text, ast: parsed.ast, sourceType: parsed.sourceType, rules, threatModel: setup.threatModel, knowledge: setup.knowledge, deadline });
      out.findings = res.findings;
      if (res.facts) out.facts = res.facts;
      if (Object.keys(res.projectFacts).length) out.projectFacts = res.projectFacts;
    } catch (e: any) {
      if (e instanceof TimeoutError) out.diagnostics!.push(timeout(rel));
      else if (isStackOverflow(e)) out.diagnostics!.push({ file: rel, kind: 'too-deep', message: 'nesting is too deep to analyse' });
      else out.diagnostics!.push({ file: rel, kind: 'internal', message: `analysis failed: ${String(e?.message ?? e).split('\n')[0]}` });
      delete out.suppressions; // not analysed: its nodesec-ignore comments are neither used nor unused
      out.skipped = true;
      cacheable = false;
    }
    reply();
  });
}

if (!isMainThread && (workerData as { nodesecWorker?: Setup } | undefined)?.nodesecWorker) await serve((workerData as { nodesecWorker: Setup }).nodesecWorker);

/** A pool of `n` workers; `run` resolves with the file's results. */
export class WorkerPool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private queue: Array<{ job: Job; resolve: (r: JobResult) => void; reject: (e: unknown) => void }> = [];
  private pending = new Map<number, { worker: Worker; resolve: (r: JobResult) => void; reject: (e: unknown) => void }>();
  private nextId = 0;

  /** The pool, or undefined when a rule is not built in (its code cannot be loaded by a worker). */
  static async create(n: number, rules: Rule[], setup: Omit<Setup, 'rules'>): Promise<WorkerPool | undefined> {
    const { rules: builtins } = await import('../rules/index.js');
    if (!rules.every((r) => builtins.some((b) => b.meta.id === r.meta.id && b.create === r.create && b.checkText === r.checkText))) return undefined;
    return new WorkerPool(n, { ...setup, rules: rules.map((r) => r.meta) });
  }

  private constructor(n: number, setup: Setup) {
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL(import.meta.url), { workerData: { nodesecWorker: setup }, resourceLimits: { stackSizeMb: DEEP_STACK_MB } });
      w.on('message', (m: JobResult) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.idle.push(w);
        this.pump();
        p?.resolve(m);
      });
      w.on('error', (e) => {
        for (const [id, p] of this.pending) if (p.worker === w) (this.pending.delete(id), p.reject(e));
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(rel: string, text: string): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, rel, text }, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const q = this.queue.shift()!;
      this.pending.set(q.job.id, { worker: w, resolve: q.resolve, reject: q.reject });
      w.postMessage(q.job);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
