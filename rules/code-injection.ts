import { defineRule } from '../src/rule.js';
import type { SinkHelpers } from '../src/rule.js';
import { unwrap, isFunction } from '../src/analysis/walk.js';

/** A timer's first argument is code only when it is not a function. */
function stringTimer(call: any, h: SinkHelpers): number[] | null {
  const a = call.arguments[0];
  if (!a) return null;
  const u = unwrap(a);
  if (isFunction(u)) return null;
  if (u.type === 'Identifier' || u.type === 'MemberExpression') {
    // A named function reference is the common, safe case; only string-like values count.
    const v = h.constantValue(u);
    if (typeof v !== 'string') return u.type === 'Identifier' && !h.isConstant(u) ? null : [0];
  }
  return [0];
}

export default defineRule({
  meta: {
    id: 'code-injection',
    name: 'Code injection',
    description:
      'Attacker-controlled text reaches eval, new Function, a string timer or the vm module and runs as JavaScript.',
    severity: 'critical',
    precision: 'high',
    cwe: ['CWE-94', 'CWE-95'],
    owasp: ['A03:2021'],
    help: [
      'Code built from user input and passed to `eval`, `new Function()`, `setTimeout("...")` or `vm.runIn*Context`',
      'runs with the full rights of the Node.js process: an attacker can read files, open a shell or steal secrets.',
      '(`vm` is not a security sandbox.)',
      '',
      '**Fix:** never evaluate input. Parse data with `JSON.parse`, look behaviour up in a table of functions,',
      'or pass a function (not a string) to timers.',
      '',
      '```js',
      '// Unsafe',
      'const result = eval(req.query.expr);',
      '// Safe',
      'const ops = { add: (a, b) => a + b };',
      'const result = ops[req.query.op]?.(Number(req.query.a), Number(req.query.b));',
      '```',
    ].join('\n'),
    references: ['https://cwe.mitre.org/data/definitions/94.html', 'https://nodejs.org/api/vm.html#vm-executing-javascript'],
  },
  sinks: [
    { modules: ['<global>'], paths: [['eval'], ['execScript']], args: [0], label: 'eval()' },
    { modules: ['<global>'], paths: [['Function']], args: 'all', construct: true, label: 'Function()' },
    {
      modules: ['<global>', 'timers'],
      paths: [['setTimeout'], ['setInterval'], ['setImmediate']],
      args: [0],
      filter: stringTimer,
      label: 'a string timer',
    },
    {
      modules: ['vm'],
      paths: [['runInNewContext'], ['runInThisContext'], ['runInContext'], ['compileFunction'], ['Script'], ['SourceTextModule']],
      args: [0],
      construct: true,
      label: 'the vm module',
    },
  ],
  flowMessage: (source, sink) => `Code evaluated by ${sink} depends on ${source}.`,
  auditMessage: (sink) => `Non-constant code is evaluated by ${sink}; no attacker-controlled source was proven (audit).`,
});
