/** `nodesec rules` output and README's rules table, generated from rule metadata. */
import type { RuleMeta } from './rule.js';

export function rulesMarkdownTable(metas: RuleMeta[]): string {
  const rows = metas.map((m) => `| \`${m.id}\` | ${m.description} | ${m.severity} | ${m.precision} | ${m.cwe.join(', ')} |`);
  return ['| id | detects | severity | precision | CWE |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

export function formatRules(metas: RuleMeta[], format: 'text' | 'json' | 'markdown'): string {
  if (format === 'json')
    return (
      JSON.stringify(
        metas.map((m) => ({ id: m.id, name: m.name, severity: m.severity, precision: m.precision, cwe: m.cwe, description: m.description })),
        null,
        2,
      ) + '\n'
    );
  if (format === 'markdown') return rulesMarkdownTable(metas);
  const w = Math.max(...metas.map((m) => m.id.length));
  return metas.map((m) => `${m.id.padEnd(w)}  ${m.severity.padEnd(8)}  ${m.precision.padEnd(9)}  ${m.cwe.join(',').padEnd(16)}  ${m.description}`).join('\n') + '\n';
}
