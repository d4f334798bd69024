import { defineRule } from '../src/rule.js';
import type { SinkHelpers } from '../src/rule.js';
import { unwrap, isFunction } from '../src/analysis/walk.js';

/** A timer's first argument is code only when it is not a function. */
function stringTimer(call: any): number[] | null {
  const a = call.arguments[0];
  if (!a || isFunction(unwrap(a))) return null;
  return [0];
}

/** `setTimeout(handler, 10)`: a named reference is normally a function; audit only string-built code. */
function stringBuilt(call: any, h: SinkHelpers): boolean {
  const u = unwrap(call.arguments[0]);
  if (u.type === 'Identifier' || u.type === 'MemberExpression' || u.type === 'CallExpression') return typeof h.constantValue(u) === 'string';
  return true;
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
      auditable: stringBuilt,
      // A library's callback parameter handed to setTimeout is a function, not code.
      paramNeedsPrefix: true,
      label: 'a string timer',
    },
    {
      modules: ['vm'],
      paths: [['runInNewContext'], ['runInThisContext'], ['runInContext'], ['compileFunction'], ['Script'], ['SourceTextModule']],
      args: [0],
      construct: true,
      label: 'the vm module',
    },
    // Libraries that evaluate their input as JavaScript by default.
    { modules: ['gray-matter'], paths: [[]], args: [0], label: 'gray-matter (evaluates ---js front matter)' },
    { modules: ['serialize-to-js', 'node-serialize'], paths: [['deserialize'], ['unserialize']], args: [0], label: 'a deserializer that evaluates code' },
  ],
  flowMessage: (source, sink) => `Code evaluated by ${sink} depends on ${source}.`,
  auditMessage: (sink) => `Non-constant code is evaluated by ${sink}; no attacker-controlled source was proven (audit).`,
});
