/**
 * The scan's filter stage, after all findings are known: severity overrides from the config,
 * inline suppressions (and the `unused-suppression` pseudo-rule), the --severity threshold, then
 * (once fingerprints are computed) the baseline. Suppressed and baselined findings are kept,
 * marked with `suppressed`, so the caller decides whether to show them; they are counted in
 * `stats.suppressed` and never in `findingsBySeverity` or the exit code.
 */
import type { Finding, RuleMeta, Severity } from './rule.js';
import type { ReportedFinding } from './types.js';
import { SEVERITIES } from './rule.js';
import type { Baseline } from './baseline.js';
import { SuppressionIndex } from './suppress.js';
import type { Suppression } from './suppress.js';

export const UNUSED_SUPPRESSION_ID = 'unused-suppression';

/** The pseudo-rule of `--report-unused-ignores` findings (in result.rules only when asked for). */
export const UNUSED_SUPPRESSION_RULE: RuleMeta = {
  id: UNUSED_SUPPRESSION_ID,
  name: 'Unused suppression',
  description: 'A nodesec-ignore comment that suppresses no finding (fixed code, a moved line, a typo in the rule id).',
  severity: 'low',
  precision: 'very-high',
  cwe: [],
  help:
    'A `nodesec-ignore` or `nodesec-ignore-next-line` comment names a rule that reports nothing on its line. ' +
    'The code was fixed or moved, or the rule id is misspelled. Remove the comment, or move it next to the finding ' +
    'it is meant for, so it cannot silently hide a future finding.',
};

function rank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export interface SuppressOptions {
  /** Lowest severity reported. */
  minSeverity: Severity;
  /** Inline suppressions of the files whose text contains the marker, by file. */
  suppressions: ReadonlyMap<string, readonly Suppression[]>;
  /** Report (suppression, rule id) pairs that match nothing as `unused-suppression` findings. */
  reportUnused?: boolean;
  /** Rules that ran: unused suppressions of other rules are not reported (they could not match). */
  enabledRuleIds: ReadonlySet<string>;
  /** Every rule that exists (enabled or not); a suppression naming another id is reported as unknown. */
  knownRuleIds: ReadonlySet<string>;
  /** Severity of a rule's (non-audit) findings, from the config. */
  severityOverrides?: Readonly<Record<string, Severity>>;
}

/**
 * Overrides, inline suppressions, unused suppressions, severity threshold. Suppressions match
 * findings below the threshold too, so changing --severity never makes a suppression "unused".
 */
export function applySuppressions(findings: Finding[], o: SuppressOptions): Finding[] {
  const indexes = new Map<string, SuppressionIndex>();
  for (const [file, list] of o.suppressions) if (list.length) indexes.set(file, new SuppressionIndex(list));
  const out: Finding[] = [];
  const min = rank(o.minSeverity);
  for (const f0 of findings) {
    let f = f0;
    const sev = o.severityOverrides?.[f.ruleId];
    if (sev && !f.audit && sev !== f.severity) f = { ...f, severity: sev };
    const s = indexes.get(f.file)?.match(f.ruleId, f.line);
    if (s) f = { ...f, suppressed: { reason: s.reason, kind: 'inline' } };
    if (rank(f.severity) >= min) out.push(f);
  }
  if (o.reportUnused) {
    for (const [file, index] of indexes) {
      for (const { suppression: s, ruleId } of index.unused()) {
        const known = o.knownRuleIds.has(ruleId);
        if (known && !o.enabledRuleIds.has(ruleId)) continue; // the rule did not run
        out.push({
          file,
          line: s.line,
          column: s.column,
          endLine: s.endLine,
          endColumn: s.endColumn,
          ruleId: UNUSED_SUPPRESSION_ID,
          severity: UNUSED_SUPPRESSION_RULE.severity,
          message: known
            ? `This nodesec-ignore comment suppresses nothing: there is no ${ruleId} finding on line ${s.targetLine}.`
            : `This nodesec-ignore comment names "${ruleId}", which is not a nodesec rule (run \`nodesec rules\`).`,
        });
      }
    }
  }
  return out;
}

/** Mark findings (not already suppressed) that the baseline accepts. Needs fingerprints and snippets. */
export function applyBaseline<F extends ReportedFinding>(findings: F[], baseline: Baseline | undefined, root: string): F[] {
  if (!baseline) return findings;
  const open = findings.filter((f) => !f.suppressed);
  const accepted = baseline.match(open, root);
  const hidden = new Set(open.filter((_, i) => accepted.has(i)));
  return findings.map((f) => (hidden.has(f) ? { ...f, suppressed: { reason: 'in the baseline', kind: 'baseline' as const } } : f));
}
