/**
 * Orchestration only: files -> per-file analysis -> project link -> filter -> ScanResult.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, Finding, Rule, Severity, ThreatModel } from './rule.js';
import { SEVERITIES } from './rule.js';
import type { ReportedFinding, ScanResult } from './types.js';
import { commonRoot, discoverFiles } from './files.js';
import { DEFAULT_MAX_BYTES, readSourceFile } from './read.js';
import { computeLineHashes, fingerprintFor } from './fingerprint.js';
import type { FileFacts } from './analysis/taint.js';
import { isTestPath } from './engine.js';
import { createResolver } from './analysis/resolve.js';
import { TOOL } from './version.js';

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
  sarifCategory?: string;
  /** Called with (done, total) as files are analysed. */
  onProgress?: (done: number, total: number) => void;
}

export class UsageError extends Error {}

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
  const discovery = await discoverFiles({
    root,
    paths,
    cwd,
    ignore: opts.ignore ?? [],
    wantsTextFile: textRules.length ? (rel) => textRules.some((r) => r.wantsTextFile!(rel)) : undefined,
  });
  if (discovery.missing.length) throw new UsageError(`path does not exist: ${discovery.missing[0]}`);

  const diagnostics: Diagnostic[] = [];
  const findings: Finding[] = [];
  const facts: FileFacts[] = [];
  const projectFacts = new Map<string, Array<{ file: string; facts: unknown }>>();
  let scanned = 0;
  let skipped = discovery.skipped.length;
  for (const s of discovery.skipped) diagnostics.push({ file: s.rel, kind: 'unreadable', message: s.reason });

  const jsFiles = discovery.files.filter((f) => f.kind === 'js');
  const textFiles = discovery.files.filter((f) => f.kind === 'text');
  const maxBytes = opts.maxFileSize ?? DEFAULT_MAX_BYTES;
  let parser: typeof import('./parse.js') | undefined;
  let engine: typeof import('./engine.js') | undefined;
  let done = 0;
  const total = jsFiles.length + textFiles.length;

  for (const f of jsFiles) {
    const read = await readSourceFile(f.abs, { maxBytes });
    done++;
    if (!read.ok) {
      diagnostics.push({ file: f.rel, kind: read.kind, message: read.message });
      skipped++;
      continue;
    }
    if (!parser) {
      parser = await import('./parse.js');
      engine = await import('./engine.js');
      await parser.loadParser();
    }
    const parsed = parser.parseSource(read.text, f.rel);
    if (!parsed.ok) {
      diagnostics.push({ file: f.rel, kind: 'syntax', message: parsed.message, line: parsed.line, column: parsed.column });
      skipped++;
      continue;
    }
    try {
      const res = engine!.analyzeFile({ file: f.rel, text: read.text, ast: parsed.ast, sourceType: parsed.sourceType, rules, threatModel });
      findings.push(...res.findings);
      if (res.facts) facts.push(res.facts);
      for (const [id, pf] of Object.entries(res.projectFacts)) {
        let l = projectFacts.get(id);
        if (!l) projectFacts.set(id, (l = []));
        l.push({ file: f.rel, facts: pf });
      }
      scanned++;
    } catch (e: any) {
      const deep = e instanceof RangeError;
      diagnostics.push({
        file: f.rel,
        kind: deep ? 'too-deep' : 'internal',
        message: deep ? 'nesting is too deep to analyse' : `analysis failed: ${String(e?.message ?? e).split('\n')[0]}`,
      });
      skipped++;
    }
    opts.onProgress?.(done, total);
  }

  for (const f of textFiles) {
    const read = await readSourceFile(f.abs, { maxBytes, skipMinified: false });
    done++;
    if (!read.ok) {
      diagnostics.push({ file: f.rel, kind: read.kind, message: read.message });
      skipped++;
      continue;
    }
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
    opts.onProgress?.(done, total);
  }

  // Project link: flows across functions and files.
  if (facts.length) {
    const { link } = await import('./analysis/summaries.js');
    const byId = new Map(rules.map((r) => [r.meta.id, r]));
    const linked = link(facts, { threatModel, root });
    for (const flow of linked.flows) {
      const rule = byId.get(flow.sink.ruleId)!;
      findings.push({
        ...flow.sink.loc,
        ruleId: rule.meta.id,
        severity: rule.meta.severity,
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

  const minRank = severityRank(opts.severity ?? 'medium');
  const kept = dedupe(findings).filter((f) => severityRank(f.severity) >= minRank);
  const reported = addFingerprints(kept, root);
  reported.sort(compareFindings);
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));

  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0 } as Record<Severity, number>;
  for (const f of reported) bySeverity[f.severity]++;
  return {
    tool: TOOL,
    root,
    threatModel,
    rules: rules.map((r) => r.meta),
    findings: reported,
    diagnostics,
    stats: {
      filesScanned: scanned,
      filesSkipped: skipped,
      findingsBySeverity: bySeverity,
      suppressed: 0,
      durationMs: Math.round(performance.now() - started),
    },
    sarifCategory: opts.sarifCategory,
  };
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

/** Snippets and GitHub-style line-hash fingerprints, reading each file with findings once. */
function addFingerprints(findings: Finding[], root: string): ReportedFinding[] {
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
      text = readFileSync(path.join(root, file), 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } catch {
      /* vanished since it was read: no snippet */
    }
    const hashes = text ? computeLineHashes(text) : [];
    const lines = text ? text.split(/\r\n|\r|\n/) : [];
    for (const f of list) {
      const snippet = lines[f.line - 1]?.trim();
      out.push({
        ...f,
        fingerprint: hashes.length ? fingerprintFor(hashes, f.line) : undefined,
        snippet: snippet ? (snippet.length > 200 ? snippet.slice(0, 200) + '…' : snippet) : undefined,
      });
    }
  }
  return out;
}
