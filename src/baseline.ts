/**
 * Baselines: accept today's findings, report only new ones.
 *
 * A finding's identity is (rule id, file, fingerprint), where the fingerprint is GitHub's
 * `primaryLocationLineHash` of the finding's line: a hash of the ~100 non-whitespace characters
 * from the start of that line, plus an occurrence counter for identical windows. So adding or
 * removing lines above a finding, or re-indenting it, keeps its identity; a new copy of the same
 * pattern elsewhere is a new finding. Line numbers and messages are not part of the identity.
 *
 * Because that window reaches past the finding's line, code added right BELOW a finding (a new
 * route at the end of the file) changes its fingerprint. So a finding whose fingerprint is not in
 * the baseline is matched, second, by `context`: a hash of its own line and the non-blank line
 * before it (whitespace ignored), plus an occurrence number among the same rule's findings with
 * that context in the file. An entry accepts one finding; fingerprint matches are made first.
 * Editing the finding's line itself, or the code both right above and right below it, or adding
 * a copy of it while the old one is still there, gives a new finding.
 *
 * The file (`--write-baseline <file>`), deterministic and sorted, with paths relative to the
 * baseline file's folder (so it works whichever folder is scanned):
 *
 * ```json
 * {
 *   "nodesecBaseline": 1,
 *   "findings": [
 *     { "ruleId": "command-injection", "file": "src/app.js", "fingerprint": "5c2fb4a0c96d1f3e:1", "context": "9b1c2e0d4f3a5b6c:1" }
 *   ]
 * }
 * ```
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportedFinding } from './types.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  ruleId: string;
  /** Relative to the baseline file's folder, posix separators. */
  file: string;
  /** `primaryLocationLineHash` (`hex:n`), or "" when it could not be computed. */
  fingerprint: string;
  /** Hash of the finding's line and the non-blank line above it, `:n` for its occurrence (optional). */
  context?: string;
}

export interface BaselineFile {
  nodesecBaseline: 1;
  findings: BaselineEntry[];
}

export class BaselineError extends Error {}

type Finding = Pick<ReportedFinding, 'ruleId' | 'file' | 'line' | 'column' | 'fingerprint'>;

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A finding's file (relative to the scan root) relative to the baseline's folder. */
function relFile(root: string, baseDir: string, file: string): string {
  return toPosix(path.relative(baseDir, path.resolve(root, file))) || '.';
}

function cmp(a: BaselineEntry, b: BaselineEntry): number {
  for (const k of ['file', 'ruleId', 'fingerprint', 'context'] as const) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Each finding's entry (index into `findings`), with `context` occurrence numbers counted in file order. */
function entriesOf(findings: readonly Finding[], root: string, baseDir: string): Array<{ i: number; e: BaselineEntry }> {
  const seen = new Map<string, number>();
  const texts = new Map<string, string[] | undefined>();
  const linesOf = (file: string) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(path.resolve(root, file), 'utf8').split(/\r\n|\r|\n/));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.file !== b.f.file ? (a.f.file < b.f.file ? -1 : 1) : a.f.line - b.f.line || a.f.column - b.f.column || a.i - b.i))
    .map(({ f, i }) => {
      const file = relFile(root, baseDir, f.file);
      const e: BaselineEntry = { ruleId: f.ruleId, file, fingerprint: f.fingerprint ?? '' };
      const ch = contextHash(linesOf(f.file), f.line);
      if (ch) {
        const k = `${f.ruleId}\0${file}\0${ch}`;
        const n = (seen.get(k) ?? 0) + 1;
        seen.set(k, n);
        e.context = `${ch}:${n}`;
      }
      return { i, e };
    });
}

export function baselineEntries(findings: readonly Finding[], root: string, baseDir: string): BaselineEntry[] {
  return entriesOf(findings, root, baseDir)
    .map((x) => x.e)
    .sort(cmp);
}

/** Hash of a 1-based line and the closest non-blank line above it, whitespace removed. */
function contextHash(lines: string[] | undefined, line: number): string | undefined {
  if (!lines) return undefined;
  const squash = (s: string | undefined) => (s ?? '').replace(/\s+/g, '');
  const own = squash(lines[line - 1]);
  if (!own) return undefined;
  let above = '';
  for (let i = line - 2; i >= 0 && !above; i--) above = squash(lines[i]);
  return createHash('sha256').update(above + '\n' + own).digest('hex').slice(0, 16);
}

export function formatBaseline(entries: BaselineEntry[]): string {
  const j = JSON.stringify;
  // One entry per line: small, reviewable diffs.
  const lines = [...entries]
    .sort(cmp)
    .map((e) => `    { "ruleId": ${j(e.ruleId)}, "file": ${j(e.file)}, "fingerprint": ${j(e.fingerprint)}${e.context ? `, "context": ${j(e.context)}` : ''} }`);
  return `{\n  "nodesecBaseline": ${BASELINE_VERSION},\n  "findings": [${lines.length ? '\n' + lines.join(',\n') + '\n  ' : ''}]\n}\n`;
}

export function writeBaseline(file: string, findings: readonly Finding[], root: string): number {
  const abs = path.resolve(file);
  const entries = baselineEntries(findings, root, path.dirname(abs));
  try {
    writeFileSync(abs, formatBaseline(entries));
  } catch (e: any) {
    throw new BaselineError(`cannot write baseline ${file}: ${e?.code ?? e?.message}`);
  }
  return entries.length;
}

export function parseBaseline(text: string, name: string): BaselineEntry[] {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e: any) {
    throw new BaselineError(`${name} is not valid JSON: ${String(e?.message ?? e).split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new BaselineError(`${name}: expected an object with "nodesecBaseline" and "findings"`);
  if (doc.nodesecBaseline !== BASELINE_VERSION)
    throw new BaselineError(`${name}: "nodesecBaseline" must be ${BASELINE_VERSION} (write one with --write-baseline)`);
  if (!Array.isArray(doc.findings)) throw new BaselineError(`${name}: "findings" must be an array`);
  return doc.findings.map((e: any, i: number) => {
    if (
      !e ||
      typeof e !== 'object' ||
      typeof e.ruleId !== 'string' ||
      typeof e.file !== 'string' ||
      typeof e.fingerprint !== 'string' ||
      (e.context !== undefined && typeof e.context !== 'string')
    )
      throw new BaselineError(`${name}: findings[${i}] must be { "ruleId": string, "file": string, "fingerprint": string, "context"?: string }`);
    const out: BaselineEntry = { ruleId: e.ruleId, file: e.file, fingerprint: e.fingerprint };
    if (e.context) out.context = e.context;
    return out;
  });
}

/** A loaded baseline. */
export class Baseline {
  constructor(
    readonly entries: readonly BaselineEntry[],
    /** Absolute folder the entries' paths are relative to. */
    readonly baseDir: string,
  ) {}

  static load(file: string): Baseline {
    const abs = path.resolve(file);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e: any) {
      throw new BaselineError(`cannot read baseline ${file}: ${e?.code ?? e?.message}`);
    }
    return new Baseline(parseBaseline(text, file), path.dirname(abs));
  }

  /** Indexes of the findings the baseline accepts: fingerprints first, then by context. */
  match(findings: readonly Finding[], root: string): Set<number> {
    const order = entriesOf(findings, root, this.baseDir);
    const remaining = this.entries.map(() => true);
    const byFp = new Map<string, number[]>();
    const byContext = new Map<string, number[]>();
    this.entries.forEach((e, j) => {
      push(byFp, `${e.ruleId}\0${e.file}\0${e.fingerprint}`, j);
      if (e.context) push(byContext, `${e.ruleId}\0${e.file}\0${e.context}`, j);
    });
    const take = (index: Map<string, number[]>, k: string): boolean => {
      for (const j of index.get(k) ?? []) {
        if (remaining[j]) {
          remaining[j] = false;
          return true;
        }
      }
      return false;
    };
    const accepted = new Set<number>();
    for (const { i, e } of order) {
      if (take(byFp, `${e.ruleId}\0${e.file}\0${e.fingerprint}`)) accepted.add(i);
    }
    for (const { i, e } of order) {
      if (accepted.has(i)) continue;
      if (e.context && take(byContext, `${e.ruleId}\0${e.file}\0${e.context}`)) accepted.add(i);
    }
    return accepted;
  }
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
