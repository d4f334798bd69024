/**
 * Orchestration only: files -> per-file analysis -> project link -> filter -> ScanResult.
 */
import path from 'node:path';
import type { Diagnostic, Finding, Location, Rule, Severity, ThreatModel } from './rule.js';
import { SEVERITIES } from './rule.js';
import type { ReportedFinding, ScanResult } from './types.js';
import { commonRoot, discoverFiles, isInside, packageOutputDirs } from './files.js';
import { DEFAULT_MAX_BYTES, readRegularFileSync, readSourceFile } from './read.js';
import type { ReadResult } from './read.js';
import { contentHash, ScanCache, StoredFacts } from './cache.js';
import type { CachedFile } from './cache.js';
import type { JobResult, WorkerPool } from './worker.js';
import type { LinkResult } from './analysis/summaries.js';
import { DEFAULT_MAX_FILE_TIME_MS, DEFAULT_MAX_LINK_TIME_MS, isStackOverflow, TimeoutError } from './deadline.js';
import { computeLineHashes, fingerprintFor } from './fingerprint.js';
import type { FileFacts } from './analysis/taint.js';
import { isTestPath } from './test-path.js';
import { createResolver } from './analysis/resolve.js';
import { TOOL } from './version.js';
import type { ScanPhase } from './progress.js';
import { hasMarker, parseSuppressions } from './suppress.js';
import type { Suppression } from './suppress.js';
import { applyBaseline, applySuppressions, UNUSED_SUPPRESSION_RULE } from './filter.js';
import type { Baseline } from './baseline.js';
import type { TaintKnowledge } from './knowledge.js';
import { redact } from './secrets/detect.js';
import { COLLECT_AFTER_CHARS, collectGarbage } from './heap.js';
import { compactKept } from './analysis/compact.js';
import { optimizerCheckpoint, resumeOptimizer } from './optimizer.js';

export interface ScanOptions {
  /** What the user typed; default ["."]. */
  paths: string[];
  cwd?: string;
  /** Enabled rules. */
  rules: Rule[];
  threatModel?: ThreatModel;
  /** Lowest severity reported. */
  severity?: Severity;
  ignore?: string[];
  maxFileSize?: number;
  /** Per-file time budget in ms for parsing and analysis; a file over it becomes a 'timeout' diagnostic. */
  maxFileTime?: number;
  /**
   * Time budget in ms of the project link (flows across functions and files); over it, the link
   * stops with a partial result and a 'link-timeout' diagnostic. 0 stops it at once (tests).
   */
  maxLinkTime?: number;
  sarifCategory?: string;
  /** Called with (done, total, phase) as the scan goes: discovering, analysing (per file), linking. */
  onProgress?: (done: number, total: number, phase: ScanPhase) => void;
  /** Ignore globs (gitignore syntax) relative to `base` (the config file's folder), not to the root. */
  configIgnore?: { base: string; globs: string[] };
  /** Keep suppressed and baselined findings in `findings`, marked `suppressed` (default: left out). */
  includeSuppressed?: boolean;
  /** Report `nodesec-ignore` comments that suppress nothing as `unused-suppression` findings. */
  reportUnusedIgnores?: boolean;
  /** Every rule id that exists, enabled or not (default: the enabled rules). */
  knownRuleIds?: string[];
  /** Findings in the baseline are hidden (or marked, with includeSuppressed). */
  baseline?: Baseline;
  /** Severity of a rule's findings (config), applied to every non-audit finding of the rule. */
  severityOverrides?: Record<string, Severity>;
  /** The project's own sources, sinks and sanitizers (config). */
  knowledge?: TaintKnowledge;
  /**
   * Content-hash cache of per-file results (src/cache.ts): `dir` is the cache folder, `salt` any
   * extra setting the results depend on. Off unless given (the CLI turns it on by default).
   */
  cache?: { dir: string; salt?: string; /** Ignore the stored results (they are replaced). */ cold?: boolean };
  /** Parse and analyse in this many worker threads (default 1: no workers; see src/worker.ts). */
  threads?: number;
}

/** Files read ahead of the one being analysed, so the disk works while the CPU parses. */
const READ_AHEAD = 8;

export class UsageError extends Error {}

/**
 * Parse speed assumed by the time budget (characters per millisecond), on the fast side: a file is
 * refused unparsed only when even a fast parse would not fit in --max-file-time. The decision
 * depends on the file's length alone, so it is the same on every machine.
 */
export const PARSE_CHARS_PER_MS = 2000;

function linkTimeoutMessage(inc: import('./analysis/summaries.js').LinkIncomplete, ms: number): string {
  const what = inc.callGraph
    ? `stopped while resolving calls between files; none of the ${inc.sinks} sinks was checked`
    : `${inc.summaries ? 'return values summarised in part; ' : ''}${inc.sinks - inc.sinksChecked} of ${inc.sinks} sinks not checked`;
  return `the cross-function analysis took longer than ${ms} ms (${what}); findings may be missing, raise --max-link-time to complete it`;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s); // critical 4 ... low 1
}

export async function scan(opts: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const cwd = opts.cwd ?? process.cwd();
  const paths = opts.paths.length ? opts.paths : ['.'];
  const root = commonRoot(paths, cwd);
  const threatModel = opts.threatModel ?? 'app';
  const rules = opts.rules;
  const textRules = rules.filter((r) => r.checkText && r.wantsTextFile);
  opts.onProgress?.(0, 0, 'discovering');
  const ci = opts.configIgnore?.globs.length ? opts.configIgnore : undefined;
  const ciAtRoot = ci && path.resolve(ci.base) === root;
  // A package's own build output (main/exports point into dist/) is the code it ships.
  const extra: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    for (const d of await packageOutputDirs(abs)) extra.push(path.join(abs, d));
  }
  const discovery = await discoverFiles({
    root,
    paths: extra.length ? [...paths, ...extra] : paths,
    cwd,
    ignore: ciAtRoot ? [...(opts.ignore ?? []), ...ci.globs] : opts.ignore ?? [],
    wantsTextFile: textRules.length ? (rel) => textRules.some((r) => r.wantsTextFile!(rel)) : undefined,
  });
  if (discovery.missing.length) throw new UsageError(`path does not exist: ${discovery.missing[0]}`);

  const diagnostics: Diagnostic[] = [];
  const findings: Finding[] = [];
  const facts: Array<FileFacts | StoredFacts> = [];
  const projectFacts = new Map<string, Array<{ file: string; facts: unknown }>>();
  let scanned = 0;
  let skipped = discovery.skipped.length;
  for (const s of discovery.skipped) diagnostics.push({ file: s.rel, kind: 'unreadable', message: s.reason });

  const configIgnored = ci && !ciAtRoot ? await configIgnoreFilter(ci, paths, cwd) : undefined;
  // The results cache, when the user puts it inside the scanned folder, is not part of the project
  // (every discovered file lies inside the root: a cache folder outside it needs no per-file check).
  const cacheDir = opts.cache ? path.resolve(opts.cache.dir) : undefined;
  const inCache = cacheDir && isInside(root, cacheDir) ? (abs: string) => isInside(cacheDir, abs) : undefined;
  const wanted = configIgnored || inCache ? discovery.files.filter((f) => !configIgnored?.(f.abs) && !inCache?.(f.abs)) : discovery.files;
  const jsFiles = wanted.filter((f) => f.kind === 'js');
  const textFiles = wanted.filter((f) => f.kind === 'text');
  const suppressions = new Map<string, Suppression[]>();
  const maxBytes = opts.maxFileSize ?? DEFAULT_MAX_BYTES;
  const maxTime = opts.maxFileTime !== undefined && opts.maxFileTime > 0 ? opts.maxFileTime : DEFAULT_MAX_FILE_TIME_MS;
  const timeout = (rel: string): Diagnostic => ({
    file: rel,
    kind: 'timeout',
    message: `analysis would take longer than ${maxTime} ms; skipped, raise --max-file-time to analyse it`,
  });
  let parser: typeof import('./parse.js') | undefined;
  let engine: typeof import('./engine.js') | undefined;
  let done = 0;
  const total = jsFiles.length + textFiles.length;

  // Per-file results from the cache: a hit never loads the parser.
  const cache = opts.cache ? openCache(opts.cache, root, rules, threatModel, opts.knowledge) : undefined;
  type Mark = { findings: number; diagnostics: number; facts: number; skipped: number };
  const mark = (): Mark | undefined => (cache ? { findings: findings.length, diagnostics: diagnostics.length, facts: facts.length, skipped } : undefined);
  const useCached = (rel: string, c: CachedFile) => {
    findings.push(...c.findings);
    if (c.diagnostics) diagnostics.push(...c.diagnostics);
    if (c.facts) facts.push(c.facts);
    for (const [id, pf] of Object.entries(c.projectFacts ?? {})) {
      let l = projectFacts.get(id);
      if (!l) projectFacts.set(id, (l = []));
      l.push({ file: rel, facts: pf });
    }
    if (c.suppressions) suppressions.set(rel, c.suppressions);
    if (c.skipped) skipped++;
    else scanned++;
  };
  /** Stores what the file at `rel` added since `m`; results that depend on time or stack depth are not stored. */
  const record = (rel: string, hash: string, m: Mark | undefined) => {
    if (!cache || !m) return;
    const diags = diagnostics.slice(m.diagnostics);
    if (diags.some((d) => d.kind === 'timeout' || d.kind === 'internal' || d.kind === 'too-deep')) return;
    const pf: Record<string, unknown> = {};
    for (const [id, l] of projectFacts) if (l[l.length - 1]?.file === rel) pf[id] = l[l.length - 1]!.facts;
    cache.set(rel, hash, {
      findings: findings.slice(m.findings),
      diagnostics: diags.length ? diags : undefined,
      facts: facts.length > m.facts ? facts[facts.length - 1] : undefined,
      projectFacts: Object.keys(pf).length ? pf : undefined,
      suppressions: suppressions.get(rel),
      skipped: skipped > m.skipped || undefined,
    });
  };
  const reads: Array<Promise<ReadResult> | undefined> = [];
  const readJs = (i: number): Promise<ReadResult> => {
    for (let k = i; k < Math.min(jsFiles.length, i + READ_AHEAD); k++) reads[k] ??= readSourceFile(jsFiles[k]!.abs, { maxBytes });
    const p = reads[i]!;
    reads[i] = undefined;
    return p;
  };

  // --threads: misses go to workers; every result is applied in file order, as on one thread.
  const createPool = async (n: number) => {
    resumeOptimizer(); // workers parse
    return (await import('./worker.js')).WorkerPool.create(n, rules, { threatModel, knowledge: opts.knowledge, maxTime, parseCharsPerMs: PARSE_CHARS_PER_MS });
  };
  const pool = (opts.threads ?? 1) > 1 && jsFiles.length > 1 ? await createPool(opts.threads!) : undefined;
  // A file whose nesting overflows this thread's stack is analysed again in a worker with a deep
  // one; its results replace what this thread added for it since `d0` (suppression problems).
  let deepPool: WorkerPool | undefined | null;
  const retryDeep = async (rel: string, text: string, hash: string, d0: number): Promise<boolean> => {
    if (deepPool === undefined) deepPool = (await createPool(1)) ?? null;
    if (!deepPool) return false;
    const r = await deepPool.run(rel, text);
    diagnostics.length = d0;
    suppressions.delete(rel);
    useCached(rel, r.result);
    if (cache && r.cacheable) cache.set(rel, hash, r.result);
    opts.onProgress?.(done, total, 'analysing');
    return true;
  };
  const inFlight: Array<{ rel: string; hash: string; p: Promise<JobResult> }> = [];
  const settle = async () => {
    const j = inFlight.shift()!;
    const r = await j.p;
    useCached(j.rel, r.result);
    if (cache && r.cacheable) cache.set(j.rel, j.hash, r.result);
    opts.onProgress?.(done, total, 'analysing');
  };

  for (const [i, f] of jsFiles.entries()) {
    optimizerCheckpoint();
    const read = await readJs(i);
    done++;
    if (!read.ok) {
      diagnostics.push({ file: f.rel, kind: read.kind, message: read.message });
      skipped++;
      continue;
    }
    const hash = cache ? contentHash(read.text) : '';
    const hit = cache?.get(f.rel, hash);
    if (hit && pool) inFlight.push({ rel: f.rel, hash, p: Promise.resolve({ id: -1, result: hit, cacheable: false }) });
    else if (pool) inFlight.push({ rel: f.rel, hash, p: pool.run(f.rel, read.text) });
    if (pool) {
      if (inFlight.length >= 4 * opts.threads!) await settle();
      continue;
    }
    if (hit) {
      useCached(f.rel, hit);
      opts.onProgress?.(done, total, 'analysing');
      continue;
    }
    const before = mark();
    if (!parser) {
      resumeOptimizer();
      parser = await import('./parse.js');
      engine = await import('./engine.js');
      await parser.loadParser();
    }
    // The time budget: parsing cannot be interrupted, so a file that even a fast parse could not
    // finish within it is not started; analysis checks the deadline as it goes (deadline.ts).
    if (read.text.length > maxTime * PARSE_CHARS_PER_MS) {
      diagnostics.push(timeout(f.rel));
      skipped++;
      continue;
    }
    const deadline = performance.now() + maxTime;
    // Comments only for files that contain a suppression marker: nothing to pay elsewhere.
    const marked = hasMarker(read.text);
    const d0 = diagnostics.length;
    const parsed = parser.parseSource(read.text, f.rel, { comments: marked });
    // A very large file: TypeScript's own syntax tree is garbage once converted to ESTree; free it
    // before the analysis allocates on top of the ESTree (heap.ts).
    if (read.text.length >= COLLECT_AFTER_CHARS) collectGarbage();
    if (parsed.ok && marked) {
      const s = parseSuppressions((parsed.ast as { comments?: any[] }).comments ?? []);
      if (s.suppressions.length) suppressions.set(f.rel, s.suppressions);
      for (const p of s.problems) diagnostics.push({ file: f.rel, kind: 'suppression', message: p.message, line: p.line, column: p.column });
    }
    if (!parsed.ok) {
      if (parsed.tooDeep && (await retryDeep(f.rel, read.text, hash, d0))) continue;
      if (parsed.tooDeep) diagnostics.push({ file: f.rel, kind: 'too-deep', message: parsed.message });
      else diagnostics.push({ file: f.rel, kind: 'syntax', message: parsed.message, line: parsed.line, column: parsed.column });
      skipped++;
      record(f.rel, hash, before);
      continue;
    }
    try {
      const res = engine!.analyzeFile({ file: f.rel, text: read.text, ast: parsed.ast, sourceType: parsed.sourceType, rules, threatModel, knowledge: opts.knowledge, deadline });
      findings.push(...res.findings);
      // Kept until the link: no string may hold the file's text, no array spare room (compact.ts).
      // A worker's results need no compacting: posting them copies them afresh.
      if (res.facts) facts.push(compactKept(res.facts));
      for (const [id, pf] of Object.entries(compactKept(res.projectFacts))) {
        let l = projectFacts.get(id);
        if (!l) projectFacts.set(id, (l = []));
        l.push({ file: f.rel, facts: pf });
      }
      scanned++;
    } catch (e: any) {
      if (isStackOverflow(e) && (await retryDeep(f.rel, read.text, hash, d0))) continue;
      if (e instanceof TimeoutError) diagnostics.push(timeout(f.rel));
      else if (isStackOverflow(e)) diagnostics.push({ file: f.rel, kind: 'too-deep', message: 'nesting is too deep to analyse' });
      else diagnostics.push({ file: f.rel, kind: 'internal', message: `analysis failed: ${String(e?.message ?? e).split('\n')[0]}` });
      suppressions.delete(f.rel); // not analysed: its nodesec-ignore comments are neither used nor unused
      skipped++;
    }
    record(f.rel, hash, before);
    // The AST is garbage once the facts are taken: drop this frame's reference before collecting.
    (parsed as { ast?: unknown }).ast = undefined;
    if (read.text.length >= COLLECT_AFTER_CHARS) collectGarbage();
    opts.onProgress?.(done, total, 'analysing');
  }
  while (inFlight.length) await settle();
  await pool?.close();
  await deepPool?.close();

  for (const f of textFiles) {
    optimizerCheckpoint();
    const read = await readSourceFile(f.abs, { maxBytes, skipMinified: false });
    done++;
    if (!read.ok) {
      diagnostics.push({ file: f.rel, kind: read.kind, message: read.message });
      skipped++;
      continue;
    }
    const hash = cache ? contentHash(read.text) : '';
    const hit = cache?.get(f.rel, hash);
    if (hit) {
      useCached(f.rel, hit);
      opts.onProgress?.(done, total, 'analysing');
      continue;
    }
    const before = mark();
    scanned++;
    const isTestFile = isTestPath(f.rel);
    for (const rule of textRules) {
      if (!rule.wantsTextFile!(f.rel)) continue;
      rule.checkText!({
        file: f.rel,
        text: read.text,
        isTestFile,
        report(d) {
          if (!d.loc) return;
          findings.push({ ...d.loc, file: f.rel, ruleId: rule.meta.id, severity: d.severity ?? rule.meta.severity, message: d.message, audit: d.audit || undefined });
        },
      });
    }
    record(f.rel, hash, before);
    opts.onProgress?.(done, total, 'analysing');
  }

  // Project link: flows across functions and files. Unchanged files: the cached link result.
  const tAnalysed = performance.now();
  opts.onProgress?.(done, total, 'linking');
  if (facts.length) {
    const byId = new Map(rules.map((r) => [r.meta.id, r]));
    const maxLinkTime = opts.maxLinkTime !== undefined && opts.maxLinkTime >= 0 ? opts.maxLinkTime : DEFAULT_MAX_LINK_TIME_MS;
    let linked = cache?.link() as LinkResult | undefined;
    if (!linked) {
      // Cached facts are decoded only now; a damaged entry makes the whole scan start cold.
      for (let i = 0; i < facts.length; i++) {
        const f = facts[i]!;
        if (!(f instanceof StoredFacts)) continue;
        try {
          facts[i] = f.value();
        } catch {
          cache!.discard();
          facts.length = 0; // this frame's results are garbage from here on
          return scan({ ...opts, cache: { ...opts.cache!, cold: true } });
        }
      }
      resumeOptimizer();
      const { link } = await import('./analysis/summaries.js');
      linked = link(facts as FileFacts[], { threatModel, root, deadline: performance.now() + maxLinkTime });
      if (!linked.incomplete) cache?.setLink(linked);
    }
    if (linked.incomplete) diagnostics.push({ file: '.', kind: 'link-timeout', message: linkTimeoutMessage(linked.incomplete, maxLinkTime) });
    for (const flow of linked.flows) {
      const rule = byId.get(flow.sink.ruleId)!;
      findings.push({
        ...flow.sink.loc,
        ruleId: rule.meta.id,
        severity: flow.sink.severity ?? rule.meta.severity,
        message: rule.flowMessage ? rule.flowMessage(flow.source, flow.sink.label) : `${flow.sink.label} depends on ${flow.source}.`,
        trace: flow.trace.map((s) => ({ ...s })),
      });
    }
    for (const sink of linked.audits) {
      const rule = byId.get(sink.ruleId)!;
      findings.push({
        ...sink.loc,
        ruleId: rule.meta.id,
        severity: 'low',
        message: rule.auditMessage ? rule.auditMessage(sink.label) : `Non-constant input reaches ${sink.label} (audit).`,
        audit: true,
      });
    }
  }

  cache?.save();
  const tLinked = performance.now();
  if (process.env.NODESEC_TIMING)
    process.stderr.write(`nodesec timing: files+analysis ${(tAnalysed - started).toFixed(0)} ms, link ${(tLinked - tAnalysed).toFixed(0)} ms\n`);
  // Project rules: one check over the facts of all files.
  const projectRules = rules.filter((r) => r.project);
  if (projectRules.length) {
    const resolveImport = createResolver(new Set(jsFiles.map((f) => f.rel)), root);
    for (const rule of projectRules) {
      rule.project!.check(projectFacts.get(rule.meta.id) ?? [], {
        threatModel,
        resolveImport,
        report(d) {
          findings.push({ ...d.loc, ruleId: rule.meta.id, severity: d.severity ?? rule.meta.severity, message: d.message, trace: d.trace, audit: d.audit || undefined });
        },
      });
    }
  }

  // Filter: config severities, inline suppressions, --severity, baseline.
  const enabledIds = new Set(rules.map((r) => r.meta.id));
  const kept = applySuppressions(dedupe(findings), {
    minSeverity: opts.severity ?? 'medium',
    suppressions,
    reportUnused: opts.reportUnusedIgnores,
    enabledRuleIds: enabledIds,
    knownRuleIds: new Set([...(opts.knownRuleIds ?? []), ...enabledIds]),
    severityOverrides: opts.severityOverrides,
  });
  // Ranges of rules that report secrets (meta.redact), from every finding before filtering: a
  // snippet must not show a secret even when the finding on that range was filtered out.
  const redactIds = new Set(rules.filter((r) => r.meta.redact).map((r) => r.meta.id));
  const masks = redactIds.size ? secretRanges(findings, redactIds) : undefined;
  const fingerprinted = addFingerprints(kept, root, masks && { ids: redactIds, ranges: masks });
  fingerprinted.sort(compareFindings);
  const all = applyBaseline(fingerprinted, opts.baseline, root);
  const reported = opts.includeSuppressed ? all : all.filter((f) => !f.suppressed);
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));

  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0 } as Record<Severity, number>;
  let suppressedCount = 0;
  for (const f of all) {
    if (f.suppressed) suppressedCount++;
    else bySeverity[f.severity]++;
  }
  const ruleMetas = rules.map((r) => r.meta);
  if (opts.reportUnusedIgnores && !enabledIds.has(UNUSED_SUPPRESSION_RULE.id)) ruleMetas.push(UNUSED_SUPPRESSION_RULE);
  return {
    tool: TOOL,
    root,
    threatModel,
    rules: ruleMetas,
    findings: reported,
    diagnostics,
    stats: {
      filesScanned: scanned,
      filesSkipped: skipped,
      findingsBySeverity: bySeverity,
      suppressed: suppressedCount,
      durationMs: Math.round(performance.now() - started),
    },
    sarifCategory: opts.sarifCategory,
  };
}

/**
 * Config ignore globs written relative to a folder other than the scan root (a config file above
 * the scanned folder): gitignore semantics on paths relative to that folder. A file named on the
 * command line is always scanned.
 */
async function configIgnoreFilter(ci: { base: string; globs: string[] }, paths: string[], cwd: string): Promise<(abs: string) => boolean> {
  const ignore = (await import('ignore')).default;
  const ig = ignore().add(ci.globs);
  const base = path.resolve(ci.base);
  const explicit = new Set(paths.map((p) => path.resolve(cwd, p)));
  return (abs) => {
    if (explicit.has(abs)) return false;
    const rel = path.relative(base, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('../') || path.isAbsolute(rel)) return false;
    return ig.ignores(rel);
  };
}

/**
 * The cache for this root, keyed by everything besides the files that per-file results depend
 * on: the rules (their metadata and code), the threat model and the project's taint knowledge.
 */
function openCache(c: NonNullable<ScanOptions['cache']>, root: string, rules: Rule[], threatModel: ThreatModel, knowledge: TaintKnowledge | undefined): ScanCache {
  const code = (r: Rule) => [r.create, r.checkText, r.wantsTextFile, r.project?.collect].map((f) => (f ? String(f) : '')).join('\0');
  const settings = { threatModel, knowledge, salt: c.salt, rules: rules.map((r) => ({ meta: r.meta, sinks: r.sinks, writeSinks: r.writeSinks, code: code(r) })) };
  return new ScanCache(c.dir, root, settings, c.cold);
}

/** One finding per rule and place: a proven flow wins over an audit, then the higher severity. */
function dedupe(findings: Finding[]): Finding[] {
  const best = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.ruleId}\0${f.file}\0${f.line}\0${f.column}`;
    const old = best.get(key);
    if (!old || better(f, old)) best.set(key, f);
  }
  return [...best.values()];
}

function better(a: Finding, b: Finding): boolean {
  if (!!a.audit !== !!b.audit) return !a.audit;
  return severityRank(a.severity) > severityRank(b.severity);
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}

/** Finding ranges of the redacting rules, by file. */
function secretRanges(findings: Finding[], ids: Set<string>): Map<string, Location[]> {
  const out = new Map<string, Location[]>();
  for (const f of findings) {
    if (!ids.has(f.ruleId)) continue;
    let l = out.get(f.file);
    if (!l) out.set(f.file, (l = []));
    l.push(f);
  }
  return out;
}

/** A source line with every secret range on it replaced by redact(text of the range). */
export function maskLine(text: string, line: number, ranges: readonly Location[]): string {
  const segs: Array<[number, number]> = [];
  for (const r of ranges) {
    if (r.line > line || r.endLine < line) continue;
    const s = r.line === line ? Math.max(0, r.column - 1) : 0;
    const e = r.endLine === line ? Math.min(text.length, r.endColumn - 1) : text.length;
    if (e > s) segs.push([s, e]);
  }
  if (!segs.length) return text;
  segs.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const g of segs) {
    const last = merged[merged.length - 1];
    if (last && g[0] <= last[1]) last[1] = Math.max(last[1], g[1]);
    else merged.push([g[0], g[1]]);
  }
  let out = '';
  let at = 0;
  for (const [s, e] of merged) {
    out += text.slice(at, s) + redact(text.slice(s, e));
    at = e;
  }
  return out + text.slice(at);
}

/** `text` with every secret range masked line by line (maskLine); line breaks are kept, so line numbers hold. */
export function maskText(text: string, ranges: readonly Location[]): string {
  const parts = text.split(/(\r\n|\r|\n)/);
  const touched = new Set<number>();
  for (const r of ranges) for (let l = r.line; l <= r.endLine && 2 * (l - 1) < parts.length; l++) touched.add(l);
  for (const l of touched) parts[2 * (l - 1)] = maskLine(parts[2 * (l - 1)]!, l, ranges);
  return parts.join('');
}

/**
 * Snippets and GitHub-style line-hash fingerprints, reading each file with findings once. With
 * `redaction`, secret ranges are masked in every snippet, and a multi-line secret finding has none.
 */
function addFingerprints(findings: Finding[], root: string, redaction?: { ids: Set<string>; ranges: Map<string, Location[]> }): ReportedFinding[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    let l = byFile.get(f.file);
    if (!l) byFile.set(f.file, (l = []));
    l.push(f);
  }
  const out: ReportedFinding[] = [];
  for (const [file, list] of byFile) {
    let text = '';
    try {
      text = readRegularFileSync(path.join(root, file)) ?? ''; // never blocks on a FIFO swapped in
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } catch {
      /* vanished since it was read: no snippet */
    }
    const secrets = redaction?.ranges.get(file);
    // With secrets in the file, fingerprints hash the masked text: a line hash is a cheap,
    // unsalted function of the line, so a weak password could be guessed back from a SARIF file.
    if (text && secrets) text = maskText(text, secrets);
    const hashes = text ? computeLineHashes(text) : [];
    const lines = text ? text.split(/\r\n|\r|\n/) : [];
    for (const f of list) {
      let source: string | undefined = lines[f.line - 1];
      if (source !== undefined && secrets && redaction!.ids.has(f.ruleId) && f.endLine > f.line) source = undefined;
      const snippet = source?.trim();
      out.push({
        ...f,
        fingerprint: hashes.length ? fingerprintFor(hashes, f.line) : undefined,
        snippet: snippet ? (snippet.length > 200 ? snippet.slice(0, 200) + '…' : snippet) : undefined,
      });
    }
  }
  return out;
}
