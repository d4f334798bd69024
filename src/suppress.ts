/**
 * Inline suppressions, read from a file's comments:
 *
 *   // nodesec-ignore-next-line <rule-id>[, <rule-id>...] -- reason
 *   exec(cmd);
 *   exec(cmd); // nodesec-ignore <rule-id>[, <rule-id>...] -- reason
 *
 * Also in block comments (`/* nodesec-ignore ... *\/`) and JSX (`{/* nodesec-ignore-next-line ... *\/}`).
 * The marker must start the comment (after spaces or a leading `*`), so prose that merely
 * mentions it is not a suppression. `nodesec-ignore-next-line` applies to the line after the
 * comment's last line; `nodesec-ignore` to the line the comment starts on. A finding is
 * suppressed when its first line is the target line and its rule id is listed. The reason (after
 * ` -- `) is optional but recommended; it is shown with `--include-suppressed`.
 *
 * The parser runs without comments; only files whose text contains the marker are parsed with
 * comments (`hasMarker`), so the cost is nil for every other file. Pure: no file system access.
 */

export const SUPPRESSION_MARKER = 'nodesec-ignore';

export interface Suppression {
  /** Where the marker comment is (1-based line, column). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The line whose findings it suppresses. */
  targetLine: number;
  ruleIds: string[];
  reason?: string;
}

export interface SuppressionProblem {
  line: number;
  column: number;
  message: string;
}

/** The subset of an ESTree comment this module needs (typescript-estree's `ast.comments`). */
export interface CommentLike {
  type: 'Line' | 'Block' | string;
  value: string;
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
}

export function hasMarker(text: string): boolean {
  return text.includes(SUPPRESSION_MARKER);
}

const DIRECTIVE = /^nodesec-ignore(-next-line)?(?=$|[\s,:])(.*)$/s;
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)?$/;

/** The suppressions in a file's comments, and markers that cannot be used (no or bad rule id). */
export function parseSuppressions(comments: readonly CommentLike[]): { suppressions: Suppression[]; problems: SuppressionProblem[] } {
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  for (const c of comments) {
    if (!c.value.includes(SUPPRESSION_MARKER)) continue;
    // Block comments: drop the decoration of JSDoc-style lines (" * ").
    const body = c.type === 'Block' ? c.value.replace(/^[\s*]+/, '').replace(/[\s*]+$/, '') : c.value;
    const m = DIRECTIVE.exec(body.trim());
    if (!m) continue;
    const nextLine = !!m[1];
    const marker = nextLine ? 'nodesec-ignore-next-line' : 'nodesec-ignore';
    let rest = m[2]!.replace(/^\s*:/, '');
    let reason: string | undefined;
    const sep = /(^|\s)--(\s|$)/.exec(rest);
    if (sep) {
      reason = rest.slice(sep.index + sep[0].length).replace(/\s+/g, ' ').trim() || undefined;
      rest = rest.slice(0, sep.index);
    }
    const ids = rest
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const where = { line: c.loc.start.line, column: c.loc.start.column + 1 };
    if (ids.length === 0) {
      problems.push({ ...where, message: `${marker} needs a rule id: \`// ${marker} <rule-id> -- reason\`` });
      continue;
    }
    const bad = ids.find((id) => !RULE_ID.test(id));
    if (bad !== undefined) {
      problems.push({ ...where, message: `${marker}: "${bad}" is not a rule id (write \`${marker} <rule-id>, <rule-id> -- reason\`)` });
      continue;
    }
    suppressions.push({
      ...where,
      endLine: c.loc.end.line,
      endColumn: c.loc.end.column + 1,
      targetLine: nextLine ? c.loc.end.line + 1 : c.loc.start.line,
      ruleIds: [...new Set(ids)],
      reason,
    });
  }
  return { suppressions, problems };
}

/** Matches findings against one file's suppressions and remembers which (suppression, id) pairs were used. */
export class SuppressionIndex {
  private readonly byLine = new Map<number, Suppression[]>();
  private readonly used = new Set<string>();

  constructor(readonly suppressions: readonly Suppression[]) {
    for (const s of suppressions) {
      let l = this.byLine.get(s.targetLine);
      if (!l) this.byLine.set(s.targetLine, (l = []));
      l.push(s);
    }
  }

  /** The suppression covering a finding of `ruleId` starting on `line`, marked as used. */
  match(ruleId: string, line: number): Suppression | undefined {
    for (const s of this.byLine.get(line) ?? []) {
      if (s.ruleIds.includes(ruleId)) {
        this.used.add(key(s, ruleId));
        return s;
      }
    }
    return undefined;
  }

  /** (suppression, rule id) pairs that matched no finding. */
  unused(): Array<{ suppression: Suppression; ruleId: string }> {
    const out: Array<{ suppression: Suppression; ruleId: string }> = [];
    for (const s of this.suppressions) for (const id of s.ruleIds) if (!this.used.has(key(s, id))) out.push({ suppression: s, ruleId: id });
    return out;
  }
}

function key(s: Suppression, id: string): string {
  return `${s.line}:${s.column}:${id}`;
}
