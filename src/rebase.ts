/**
 * GitHub places SARIF results and workflow-command annotations by paths relative to the
 * repository root. A scan of a sub-folder (`nodesec scan packages/api`, one SARIF category per
 * package in a monorepo) has paths relative to that folder, so before those two reports the
 * result is rebased onto the top of the git work tree that contains the scan root.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, TraceStep } from './rule.js';
import type { ReportedFinding, ScanResult } from './types.js';

/** The nearest folder at or above `dir` that holds `.git` (a folder, or a file for worktrees). */
export function gitWorkTreeTop(dir: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** The same result with `root` = `newRoot` and every path made relative to it. Pure. */
export function rebaseResult(result: ScanResult, newRoot: string): ScanResult {
  const prefix = path.relative(newRoot, result.root).split(path.sep).join('/');
  if (!prefix || prefix.startsWith('..') || path.isAbsolute(prefix)) return result; // not below newRoot
  const re = (file: string) => (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? file : `${prefix}/${file}`);
  const step = (s: TraceStep): TraceStep => ({ ...s, file: re(s.file) });
  const finding = (f: ReportedFinding): ReportedFinding => ({ ...f, file: re(f.file), trace: f.trace?.map(step) });
  const diagnostic = (d: Diagnostic): Diagnostic => ({ ...d, file: re(d.file) });
  return {
    ...result,
    root: newRoot,
    findings: result.findings.map(finding),
    diagnostics: result.diagnostics.map(diagnostic),
  };
}
