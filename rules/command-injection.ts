import { defineRule } from '../src/rule.js';
import type { SinkHelpers } from '../src/rule.js';
import { propName, unwrap } from '../src/analysis/walk.js';

const SHELLS = /(^|[\\/])(sh|bash|zsh|dash|ksh|cmd|cmd\.exe|powershell|powershell\.exe|pwsh)$/i;

/** Options object with a truthy `shell`. */
function hasShellOption(args: any[], h: SinkHelpers): boolean {
  for (const a of args) {
    const o = a && unwrap(a);
    if (!o || o.type !== 'ObjectExpression') continue;
    for (const p of o.properties) {
      if (p.type === 'Property' && propName(p) === 'shell') {
        const v = h.constantValue(p.value);
        return !(v === false || v === undefined || v === null || v === 0 || v === '');
      }
    }
  }
  return false;
}

/**
 * spawn/execFile: the program (argument 0) always counts; the argument list only runs through a
 * shell with `shell: true` or when the program is a shell (`sh -c ...`).
 */
function spawnArgs(call: any, h: SinkHelpers): number[] {
  const args = call.arguments;
  const prog = args[0] && h.constantValue(args[0]);
  const viaShell = hasShellOption(args.slice(1), h) || (typeof prog === 'string' && SHELLS.test(prog));
  return viaShell ? [0, 1] : [0];
}

export default defineRule({
  meta: {
    id: 'command-injection',
    name: 'Command injection',
    description: 'Attacker-controlled data reaches a shell command or chooses the program that child_process runs.',
    severity: 'critical',
    precision: 'high',
    cwe: ['CWE-78', 'CWE-88'],
    owasp: ['A03:2021'],
    help: [
      '`child_process.exec()` and `execSync()` run their command through `/bin/sh`: characters such as `;`, `|`, `$()`',
      'and backticks in user input start new commands. `spawn`/`execFile` with `shell: true` do the same.',
      '',
      '**Fix:** run the program directly with an argument array and no shell, and validate arguments',
      '(for example against an allow-list or a strict regular expression).',
      '',
      '```js',
      '// Unsafe',
      "exec('ping -c 1 ' + req.query.host);",
      '// Safe',
      "execFile('ping', ['-c', '1', req.query.host]);",
      '```',
    ].join('\n'),
    references: ['https://cwe.mitre.org/data/definitions/78.html', 'https://nodejs.org/api/child_process.html#spawning-shell-scripts'],
  },
  sinks: [
    {
      modules: ['child_process', 'child-process-promise', 'child-process-async', 'promisify-child-process'],
      paths: [['exec'], ['execSync']],
      args: [0],
      label: 'child_process.exec()',
    },
    {
      modules: ['child_process', 'child-process-promise', 'promisify-child-process'],
      paths: [['spawn'], ['spawnSync'], ['execFile'], ['execFileSync']],
      args: [0],
      filter: spawnArgs,
      label: 'child_process.spawn()',
      // Library threat model: a program path the caller passes whole is the caller's choice.
      paramNeedsPrefix: true,
    },
    { modules: ['cross-spawn'], paths: [[], ['sync'], ['spawn']], args: [0], filter: spawnArgs, label: 'cross-spawn', paramNeedsPrefix: true },
    { modules: ['shelljs'], paths: [['exec']], args: [0], label: 'shelljs.exec()' },
    {
      modules: ['execa'],
      paths: [['execaCommand'], ['execaCommandSync'], ['command'], ['commandSync'], ['shell'], ['shellSync']],
      args: [0],
      label: 'execa command',
    },
    { modules: ['execa'], paths: [[], ['execa'], ['execaSync'], ['sync']], args: [0], filter: spawnArgs, label: 'execa', paramNeedsPrefix: true },
    { modules: ['exec-sh', 'sudo-prompt', 'platform-command', 'shell-exec', 'exec'], paths: [[], ['exec']], args: [0], label: 'a shell command' },
  ],
  flowMessage: (source, sink) => `This shell command depends on ${source} and runs through ${sink}.`,
  auditMessage: (sink) => `A non-constant command runs through ${sink}; no attacker-controlled source was proven (audit).`,
});
