/**
 * Hostile input, through the real CLI (bin/nodesec.js) where practical: every file ends as a
 * finding-free diagnostic or a normal scan, the run completes with the right exit code, no crash,
 * no hang, no 'internal' diagnostic.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARSE_CHARS_PER_MS, scan } from '../dist/src/scan.js';
import { rules } from '../dist/rules/index.js';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'bin/nodesec.js');
const made: string[] = [];
afterAll(() => {
  for (const d of made) {
    try {
      chmodSync(d, 0o755);
    } catch {
      /* gone */
    }
    rmSync(d, { recursive: true, force: true });
  }
});

function tmp(prefix = 'nodesec-hostile-'): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

function put(dir: string, rel: string, content: string | Uint8Array): string {
  const abs = path.join(dir, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
  return abs;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function nodesec(args: string[], cwd: string, timeoutMs = 240_000): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', NODESEC_DEBUG: '' },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function json(r: Run): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}, signal ${r.signal}):\n${r.stdout.slice(0, 2000)}\n${r.stderr}`);
  }
}

function diagOf(report: any, file: string): any {
  return report.diagnostics.find((d: any) => d.file === file);
}

function noInternal(report: any): void {
  expect(report.diagnostics.filter((d: any) => d.kind === 'internal')).toEqual([]);
}

/** An Express handler whose request data reaches child_process.exec: a critical finding at 5:3. */
const VULN_LINES = [
  "const express = require('express');",
  "const { exec } = require('child_process');",
  'const app = express();',
  "app.get('/ping', (req, res) => {",
  "  exec('ping -c 1 ' + req.query.host);",
  '});',
  '',
];
const VULN = VULN_LINES.join('\n');

// ---------------------------------------------------------------------------------------------

describe('syntax errors of many kinds', () => {
  // Each is broken and also holds a vulnerable call: no finding may come out of a broken file.
  const SINK = "\nrequire('child_process').exec(process.argv[2]);\n";
  const BROKEN: Record<string, string> = {
    'missing-expr.js': 'const x = ;',
    'unterminated-string.js': "const s = 'abc",
    'unterminated-template.js': 'const t = `abc ${x',
    'unterminated-comment.js': 'foo();\n/* never closed',
    'unterminated-regex.js': 'const r = /abc',
    'unclosed-brace.js': 'function f() {\n  return 1;',
    'extra-brace.js': 'foo();\n}}',
    'reserved-word.js': 'var class = 1;',
    'bad-type.ts': 'let x: = 1;',
    'jsx-mismatch.jsx': 'const a = <div></span>;',
    'tsx-mismatch.tsx': 'const a = <div><p></div>;',
    'bad-escape.js': 'var \\u{110000} = 1;',
    'at-signs.js': '@@@',
    'operators.js': '+++',
    'late-shebang.js': 'x;\n#!/usr/bin/env node',
    'html-close.mjs': '</script>',
    'bad-number.js': 'const n = 08.5e;',
    'only-quote.js': '"',
    'unterminated-class.ts': 'class A {\n  m(): void {',
    'empty-generics.ts': 'function f<>() {}',
    'decorator-junk.ts': '@\nclass A {}',
    'conflict-markers.js': '<<<<<<< HEAD\nconst a = 1;\n=======\nconst a = 2;\n>>>>>>> branch',
  };
  // Invalid JavaScript that the parser recovers from: a normal scan (no crash) is fine too.
  const LENIENT: Record<string, string> = {
    'bad-assign.js': '1 = 2;',
    'nested-import.js': 'function f() {\n  import x from "y";\n}',
    'duplicate-default.mjs': 'export default 1;\nexport default 2;',
    'await-in-script.cjs': 'function f() { await g(); }',
    'private-outside-class.js': 'this.#x;',
    'optional-assign.js': 'a?.b = 1;',
  };
  let dir: string;
  let report: any;
  let run: Run;
  beforeAll(() => {
    dir = tmp();
    for (const [f, t] of Object.entries(BROKEN)) put(dir, `broken/${f}`, t + SINK);
    for (const [f, t] of Object.entries(LENIENT)) put(dir, `lenient/${f}`, t + '\n');
    put(dir, 'good/app.js', VULN);
    run = nodesec(['scan', '.', '--format', 'json'], dir);
    report = json(run);
  });

  it('each broken file is a syntax diagnostic with a position, and the scan goes on', () => {
    for (const f of Object.keys(BROKEN)) {
      const d = diagOf(report, `broken/${f}`);
      expect(d, f).toBeDefined();
      expect(d.kind, f).toBe('syntax');
      expect(d.line, f).toBeGreaterThanOrEqual(1);
      expect(d.column, f).toBeGreaterThanOrEqual(1);
      expect(d.message.length, f).toBeGreaterThan(0);
    }
    expect(report.findings.filter((x: any) => x.file.startsWith('broken/'))).toEqual([]);
    noInternal(report);
  });

  it('recoverable invalid code is scanned or a syntax diagnostic, never a crash', () => {
    for (const f of Object.keys(LENIENT)) {
      const d = diagOf(report, `lenient/${f}`);
      if (d) expect(d.kind, f).toBe('syntax');
    }
  });

  it('exit code 1 from the one real finding; stderr has no stack trace', () => {
    expect(report.findings.map((x: any) => `${x.file}:${x.line}:${x.column}:${x.ruleId}`)).toEqual(['good/app.js:5:3:command-injection']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(report.stats.filesScanned + report.stats.filesSkipped).toBe(Object.keys(BROKEN).length + Object.keys(LENIENT).length + 1);
  });
});

describe('100,000-deep nesting', () => {
  const N = 100_000;
  // One level per line, so the minified-file heuristic does not hide the case.
  const SHAPES: Record<string, string> = {
    'parens.js': 'x = ' + '(\n'.repeat(N) + '1' + ')\n'.repeat(N) + ';\n',
    'arrays.js': 'x = ' + '[\n'.repeat(N) + ']\n'.repeat(N) + ';\n',
    'binary.js': 'x = 1' + '\n+ 1'.repeat(N) + ';\n',
    'blocks.js': '{\n'.repeat(N) + '}\n'.repeat(N),
    'calls.js': 'f(\n'.repeat(N) + ')\n'.repeat(N) + ';\n',
    'call-chain.js': 'x = a' + '\n.b()'.repeat(N) + ';\n',
    'functions.js': 'function f() {\n'.repeat(N) + '}\n'.repeat(N),
    'objects.js': 'x = ' + '{a:\n'.repeat(N) + '1' + '}\n'.repeat(N) + ';\n',
    'ternaries.js': 'x = ' + 'a ? b :\n'.repeat(N) + 'c;\n',
    'ifs.js': 'if (a)\n'.repeat(N) + 'b();\n',
    'types.ts': 'let x: ' + 'Array<\n'.repeat(N) + 'string' + '>\n'.repeat(N) + ';\n',
    'jsx.jsx': 'x = ' + '<a>\n'.repeat(N) + '</a>\n'.repeat(N) + ';\n',
  };

  it('becomes a too-deep diagnostic (no stack overflow crash), exit 0', () => {
    const dir = tmp();
    for (const [f, t] of Object.entries(SHAPES)) put(dir, f, t);
    put(dir, 'ok.js', 'module.exports = 1;\n');
    const r = nodesec(['scan', '.', '--format', 'json'], dir);
    const report = json(r);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/RangeError|call stack|\n\s+at /);
    for (const f of Object.keys(SHAPES)) expect(diagOf(report, f), f).toMatchObject({ kind: 'too-deep', message: expect.stringMatching(/nesting is too deep/) });
    expect(report.diagnostics).toHaveLength(Object.keys(SHAPES).length);
    expect(report.findings).toEqual([]);
    expect(report.stats).toMatchObject({ filesScanned: 1, filesSkipped: Object.keys(SHAPES).length });
    noInternal(report);
  }, 600_000);

  // The parser's recursion bounds the depth every later stage sees (it gives up at a few hundred
  // levels for some shapes: 'too-deep' above). Below that bound the walk, scope analysis, taint
  // and the link run to a complete result: each file's flow through 250 levels is found.
  it('250-deep nesting is analysed completely: the flow through it is found, no diagnostic', () => {
    const D = 250;
    const wrap = (body: string) =>
      "const express = require('express');\nconst { exec } = require('child_process');\nconst app = express();\n" +
      `app.get('/x', (req, res) => {\n${body}\n});\n`;
    const DEEP: Record<string, string> = {
      'parens.js': wrap('exec(' + '(\n'.repeat(D) + 'req.query.x' + ')\n'.repeat(D) + ');'),
      'binary.js': wrap("exec('a'" + "\n+ 'b'".repeat(D) + ' + req.query.x);'),
      'blocks.js': wrap('{\n'.repeat(D) + 'exec(req.query.x);\n' + '}\n'.repeat(D)),
      'ifs.js': wrap('if (a)\n'.repeat(D) + 'exec(req.query.x);'),
      'calls.js': wrap('exec(' + 'f(\n'.repeat(D) + 'req.query.x' + ')\n'.repeat(D) + ');'),
      'ternaries.js': wrap('exec(' + 'a ? b :\n'.repeat(D) + 'req.query.x);'),
      'arrays.js': wrap('exec(' + '[\n'.repeat(D) + 'req.query.x' + ']\n'.repeat(D) + ');'),
      'arrows.js': wrap('const g = ' + '() =>\n'.repeat(D) + 'exec(req.query.x);'),
      'templates.js': wrap('exec(' + '`${\n'.repeat(D) + 'req.query.x' + '}`\n'.repeat(D) + ');'),
      'functions.js': wrap('function f0() {\n'.repeat(D) + 'exec(req.query.x);\n' + '}\n'.repeat(D)),
    };
    const dir = tmp();
    for (const [f, t] of Object.entries(DEEP)) put(dir, f, t);
    const r = nodesec(['scan', '.', '--format', 'json'], dir);
    const report = json(r);
    expect(r.code).toBe(1);
    expect(report.diagnostics).toEqual([]);
    expect(report.stats).toMatchObject({ filesScanned: Object.keys(DEEP).length, filesSkipped: 0 });
    for (const f of Object.keys(DEEP))
      expect(report.findings.filter((x: any) => x.file === f && x.ruleId === 'command-injection' && !x.audit), f).toHaveLength(1);
  }, 300_000);
});

describe('recursion in the scanned code', () => {
  // Shallow files whose functions call, reduce with or return themselves: every analysis must
  // stop on the cycle (a stack overflow here was reported as 'too-deep' on a 75 KB Angular file).
  const SET = '\nexport function set(o, k, v) { o[k] = v; }\n';
  const RECURSIVE: Record<string, string> = {
    'reducer.mjs': 'export function optionsReducer(dst, objs) {\n  if (Array.isArray(objs)) return objs.reduce(optionsReducer, dst);\n  return { ...dst, ...objs };\n}' + SET,
    'arrow-reducer.mjs': 'export const flat = (acc, x) => Array.isArray(x) ? x.reduce(flat, acc) : acc.concat(x);' + SET,
    'mutual-reducers.mjs': 'function a(acc, x) { return x.reduce(b, acc); }\nfunction b(acc, x) { return x.reduceRight(a, acc); }\nexport { a, b };' + SET,
    'named-expression.mjs': 'export const r = [].reduce(function f(acc, x) { return x.reduce(f, acc[x]); }, {});' + SET,
    'self-return.mjs': 'export function f(o, k) { return o[k] ? f(o[k], k) : f; }' + SET,
    'mutual-return.mjs': 'function g(o, k) { return h(o[k], k); }\nfunction h(o, k) { return g(o[k], k); }\nexport { g, h };' + SET,
    'this-chain.mjs': 'export class B { m(o, k) { return this.m(o[k], k); } n(fn) { [1].forEach(fn, this); return this.n.call(this, fn); } }' + SET,
  };

  it('never overflows the analysis: each file is scanned without a diagnostic, in both threat models', async () => {
    const dir = tmp();
    for (const [f, t] of Object.entries(RECURSIVE)) put(dir, f, t);
    for (const threatModel of ['app', 'library'] as const) {
      const result = await scan({ paths: [dir], rules, threatModel, severity: 'low' });
      expect(result.diagnostics, threatModel).toEqual([]);
      expect(result.stats.filesScanned).toBe(Object.keys(RECURSIVE).length);
    }
  }, 120_000);
});

describe('size and time limits', () => {
  it('a 50 MB single-line file is refused by size, or as minified when the size limit is raised', () => {
    const dir = tmp();
    const fd = openSync(path.join(dir, 'huge.js'), 'w');
    const chunk = Buffer.from('a+'.repeat(512 * 1024)); // 1 MiB, no newline
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    writeSync(fd, Buffer.from('1;\n'));
    closeSync(fd);
    put(dir, 'app.js', VULN);
    const r = nodesec(['scan', '.', '--format', 'json'], dir);
    const report = json(r);
    expect(r.code).toBe(1);
    expect(diagOf(report, 'huge.js')).toMatchObject({ kind: 'too-large' });
    expect(diagOf(report, 'huge.js').message).toMatch(/larger than 2 MiB/);
    const raised = json(nodesec(['scan', '.', '--format', 'json', '--max-file-size', String(60 * 1024 * 1024)], dir));
    expect(diagOf(raised, 'huge.js')).toMatchObject({ kind: 'minified' });
    expect(raised.findings.map((f: any) => f.file)).toEqual(['app.js']);
  }, 300_000);

  it('a 50 MB many-line file over the time budget becomes a timeout diagnostic without being parsed', () => {
    const dir = tmp();
    const fd = openSync(path.join(dir, 'big.js'), 'w');
    const chunk = Buffer.from('x = x + 1;\n'.repeat(100_000)); // ~1 MiB
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    closeSync(fd);
    const t0 = Date.now();
    const report = json(nodesec(['scan', '.', '--format', 'json', '--max-file-size', String(60 * 1024 * 1024)], dir));
    expect(diagOf(report, 'big.js')).toMatchObject({ kind: 'timeout' });
    expect(diagOf(report, 'big.js').message).toMatch(/--max-file-time/);
    expect(Date.now() - t0).toBeLessThan(120_000);
  }, 300_000);

  // A file longer than --max-file-time x PARSE_CHARS_PER_MS is refused before parsing: a decision
  // on its length alone, the same on every machine. The other file is parsed and analysed, which
  // takes time, so its budget must be generous: with --max-file-time 50, a machine at load ~10 ran
  // app.js itself out of time (a timeout diagnostic, no finding, exit 0 instead of 1).
  it('--max-file-time: a file whose parse would not fit is a timeout, whatever the machine; bad values are usage errors', () => {
    const budget = 10_000;
    const line = 'var a = 1;\n';
    const lines = Math.ceil((budget * PARSE_CHARS_PER_MS) / line.length) + 1;
    const dir = tmp();
    put(dir, 'gen.js', line.repeat(lines) + "require('child_process').exec(process.argv[2]);\n");
    put(dir, 'app.js', VULN);
    const args = ['scan', '.', '--format', 'json', '--max-file-time', String(budget), '--max-file-size', String(64 * 1024 * 1024)];
    const r = nodesec(args, dir, 300_000);
    const report = json(r);
    expect(diagOf(report, 'gen.js')).toMatchObject({ kind: 'timeout' });
    expect(diagOf(report, 'gen.js').message).toMatch(/longer than 10000 ms.*--max-file-time/);
    expect(report.findings.map((f: any) => `${f.file}:${f.ruleId}`)).toEqual(['app.js:command-injection']);
    expect(report.stats).toMatchObject({ filesScanned: 1, filesSkipped: 1 });
    expect(r.code).toBe(1); // app.js still scanned
    for (const bad of ['0', '-5', 'abc']) {
      const u = nodesec(['scan', '.', '--max-file-time', bad], dir);
      expect(u.code).toBe(2);
      expect(u.stderr).toMatch(/max-file-time/);
      const l = nodesec(['scan', '.', '--max-link-time', bad], dir);
      expect(l.code).toBe(2);
      expect(l.stderr).toMatch(/max-link-time/);
    }
  }, 300_000);

  it('analysis past the deadline throws a TimeoutError that the scan turns into a diagnostic', async () => {
    const { analyzeFile } = await import('../dist/src/engine.js');
    const { parseSource, loadParser } = await import('../dist/src/parse.js');
    const { TimeoutError } = await import('../dist/src/deadline.js');
    await loadParser();
    const p = parseSource(VULN, 'app.js');
    if (!p.ok) throw new Error('parse');
    expect(() =>
      analyzeFile({ file: 'app.js', text: VULN, ast: p.ast, sourceType: p.sourceType, rules, threatModel: 'app', deadline: performance.now() - 1 }),
    ).toThrow(TimeoutError);
    // A generous deadline changes nothing.
    const fine = analyzeFile({ file: 'app.js', text: VULN, ast: p.ast, sourceType: p.sourceType, rules, threatModel: 'app', deadline: performance.now() + 60_000 });
    expect(fine.facts).toBeDefined();
  });
});

describe('bytes: NUL, BOM, line endings, encodings, binary, empty', () => {
  let dir: string;
  let report: any;
  let run: Run;
  const bomVuln = '\uFEFF' + VULN;
  beforeAll(() => {
    dir = tmp();
    put(dir, 'nul-early.js', 'var a = 1;\0\nvar b = 2;\n');
    // A NUL byte past the binary sniff, inside a string literal: valid JavaScript.
    put(dir, 'nul-late.js', '// padding\n'.repeat(1000) + "var s = '\0';\n" + VULN);
    put(dir, 'bom.js', bomVuln);
    put(dir, 'crlf.js', VULN_LINES.join('\r\n'));
    put(dir, 'cr.js', VULN_LINES.join('\r'));
    put(dir, 'mixed-eol.js', VULN_LINES.slice(0, 2).join('\r\n') + '\r' + VULN_LINES.slice(2, 4).join('\n') + '\n' + VULN_LINES.slice(4).join('\r\n'));
    put(dir, 'invalid-utf8.js', Buffer.concat([Buffer.from('var a = "'), Buffer.from([0xc3, 0x28]), Buffer.from('";\n')]));
    put(dir, 'overlong-utf8.js', Buffer.concat([Buffer.from('var a = "'), Buffer.from([0xc0, 0xaf]), Buffer.from('";\n')]));
    // A UTF-16 surrogate half encoded as UTF-8 (CESU-8 style): a lone surrogate in the bytes.
    put(dir, 'surrogate-bytes.js', Buffer.concat([Buffer.from('var a = "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('";\n')]));
    // Lone surrogates as escapes: valid JavaScript, and they flow into a finding's trace.
    put(dir, 'surrogate-escape.js', VULN.replace("req.query.host", "req.query['\\uD800'] + '\\uDFFF'"));
    put(dir, 'utf16.js', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('var a = 1;\n', 'utf16le')]));
    const png = Buffer.alloc(4096);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]).copy(png);
    let seed = 7;
    for (let i = 12; i < png.length; i++) png[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    put(dir, 'image.js', png);
    put(dir, 'empty.js', '');
    put(dir, 'bom-only.js', '\uFEFF');
    put(dir, 'whitespace.ts', '  \n\t\n\r\n');
    put(dir, 'comment-only.mjs', '// nothing here\n/* at all */\n');
    run = nodesec(['scan', '.', '--format', 'json'], dir);
    report = json(run);
  });

  it('refuses binary, non-UTF-8 and UTF-16 files with a diagnostic', () => {
    expect(diagOf(report, 'nul-early.js')).toMatchObject({ kind: 'binary' });
    expect(diagOf(report, 'image.js')).toMatchObject({ kind: 'binary' });
    expect(diagOf(report, 'invalid-utf8.js')).toMatchObject({ kind: 'encoding' });
    expect(diagOf(report, 'invalid-utf8.js').message).toMatch(/line 1, column 10/);
    expect(diagOf(report, 'overlong-utf8.js')).toMatchObject({ kind: 'encoding' });
    expect(diagOf(report, 'surrogate-bytes.js')).toMatchObject({ kind: 'encoding' });
    expect(diagOf(report, 'utf16.js')).toMatchObject({ kind: 'encoding' });
    for (const f of ['nul-early.js', 'image.js', 'invalid-utf8.js', 'overlong-utf8.js', 'surrogate-bytes.js', 'utf16.js'])
      expect(report.findings.filter((x: any) => x.file === f), f).toEqual([]);
  });

  it('empty, BOM-only, whitespace and comment-only files are scanned normally', () => {
    for (const f of ['empty.js', 'bom-only.js', 'whitespace.ts', 'comment-only.mjs']) expect(diagOf(report, f), f).toBeUndefined();
  });

  it('a BOM, CRLF, lone CR and mixed line endings give the same line, column and snippet as LF', () => {
    for (const f of ['bom.js', 'crlf.js', 'cr.js', 'mixed-eol.js', 'nul-late.js']) {
      const found = report.findings.filter((x: any) => x.file === f);
      expect(found.length, f).toBe(1);
      const shift = f === 'nul-late.js' ? 1001 : 0;
      expect(found[0], f).toMatchObject({ ruleId: 'command-injection', line: 5 + shift, column: 3, endLine: 5 + shift, snippet: "exec('ping -c 1 ' + req.query.host);" });
      const source = found[0].trace.find((s: any) => /req\.query/.test(s.label));
      expect(source, f).toMatchObject({ line: 4 + shift, column: 19 });
      expect(diagOf(report, f), f).toBeUndefined();
    }
  });

  it('lone surrogates in the code give well-formed JSON and SARIF', () => {
    expect(report.findings.some((x: any) => x.file === 'surrogate-escape.js')).toBe(true);
    const sarif = nodesec(['scan', '.', '--format', 'sarif'], dir);
    const bytes = Buffer.from(sarif.stdout, 'utf8');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toBe(sarif.stdout);
    expect(() => JSON.parse(sarif.stdout)).not.toThrow();
  });

  it('exit 1 (the vulnerable files), no internal diagnostics', () => {
    expect(run.code).toBe(1);
    noInternal(report);
  });
});

describe('files that change under the scan', () => {
  it('a file deleted, turned into a directory, a FIFO or a symlink loop during the scan is a diagnostic, never a hang', async () => {
    const dir = tmp();
    const name = (i: number) => `a${String(i).padStart(2, '0')}.js`;
    for (let i = 0; i < 30; i++) put(dir, name(i), VULN);
    let mutated = false;
    const result = await scan({
      paths: [dir],
      cwd: dir,
      rules,
      onProgress: (done, _total, phase) => {
        if (phase !== 'analysing' || mutated || done < 1) return;
        mutated = true;
        // a00.js is analysed already (and has a finding): a FIFO in its place must not block the
        // snippet read. a20-a23 are well past the scan's read-ahead: not read yet.
        unlinkSync(path.join(dir, name(0)));
        spawnSync('mkfifo', [path.join(dir, name(0))]);
        unlinkSync(path.join(dir, name(20)));
        unlinkSync(path.join(dir, name(21)));
        mkdirSync(path.join(dir, name(21)));
        unlinkSync(path.join(dir, name(22)));
        spawnSync('mkfifo', [path.join(dir, name(22))]);
        unlinkSync(path.join(dir, name(23)));
        symlinkSync(name(23), path.join(dir, name(23))); // a symlink to itself
      },
    });
    expect(mutated).toBe(true);
    const kinds = Object.fromEntries(result.diagnostics.map((d) => [d.file, d.kind]));
    expect(kinds).toEqual({ 'a20.js': 'unreadable', 'a21.js': 'unreadable', 'a22.js': 'unreadable', 'a23.js': 'unreadable' });
    expect(result.findings.length).toBe(26);
    const first = result.findings.find((f) => f.file === 'a00.js')!;
    expect(first.line).toBe(5);
    expect(first.snippet).toBeUndefined();
    expect(result.findings.find((f) => f.file === 'a01.js')!.snippet).toBe("exec('ping -c 1 ' + req.query.host);");
    expect(result.stats).toMatchObject({ filesScanned: 26, filesSkipped: 4 });
  }, 120_000);

  it.skipIf(process.getuid?.() === 0)('a file without read permission is a diagnostic', () => {
    const dir = tmp();
    put(dir, 'app.js', VULN);
    chmodSync(put(dir, 'secret.js', VULN), 0o000);
    const report = json(nodesec(['scan', '.', '--format', 'json'], dir));
    expect(diagOf(report, 'secret.js')).toMatchObject({ kind: 'unreadable' });
    expect(diagOf(report, 'secret.js').message).toMatch(/EACCES/);
  });

  it.skipIf(process.getuid?.() === 0)('a directory that cannot be listed is a diagnostic, not silently dropped', () => {
    const dir = tmp();
    put(dir, 'app.js', 'module.exports = 1;\n');
    put(dir, 'locked/inner.js', VULN);
    chmodSync(path.join(dir, 'locked'), 0o000);
    const report = json(nodesec(['scan', '.', '--format', 'json'], dir));
    chmodSync(path.join(dir, 'locked'), 0o755);
    expect(diagOf(report, 'locked')?.message).toMatch(/cannot read directory \(EACCES\)/);
  });
});

describe('special files and symlinks', () => {
  let outside: string;
  let dir: string;
  let report: any;
  let run: Run;
  beforeAll(() => {
    const base = tmp();
    outside = path.join(base, 'outside');
    dir = path.join(base, 'root');
    put(outside, 'evil.js', VULN);
    put(dir, 'ok.js', 'module.exports = 1;\n');
    spawnSync('mkfifo', [path.join(dir, 'pipe.js')]);
    symlinkSync('loop.js', path.join(dir, 'loop.js'));
    symlinkSync('pong.js', path.join(dir, 'ping.js'));
    symlinkSync('ping.js', path.join(dir, 'pong.js'));
    mkdirSync(path.join(dir, 'sub'));
    symlinkSync('..', path.join(dir, 'sub', 'up'));
    symlinkSync('.', path.join(dir, 'self'));
    symlinkSync(path.join(outside, 'evil.js'), path.join(dir, 'evil-link.js'));
    symlinkSync(outside, path.join(dir, 'outside-dir'));
    symlinkSync(path.join(base, 'nowhere.js'), path.join(dir, 'dangling.js'));
    run = nodesec(['scan', '.', '--format', 'json'], dir, 120_000);
    report = json(run);
  });

  it('completes (no hang on a FIFO or a loop) with exit 0 and nothing from outside the root', () => {
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.stats.filesScanned).toBe(1);
    noInternal(report);
  });

  it('says why each special path was skipped', () => {
    expect(diagOf(report, 'pipe.js').message).toMatch(/FIFO/);
    expect(diagOf(report, 'loop.js').message).toMatch(/loop/);
    expect(diagOf(report, 'ping.js').message).toMatch(/loop/);
    expect(diagOf(report, 'evil-link.js').message).toMatch(/outside the scan root/);
    expect(diagOf(report, 'outside-dir').message).toMatch(/outside the scan root/);
    expect(diagOf(report, 'dangling.js').message).toMatch(/broken symlink/);
  });

  it('a FIFO named on the command line is a diagnostic, not a blocked read', () => {
    const r = nodesec(['scan', 'pipe.js', '--format', 'json'], dir, 60_000);
    expect(r.signal).toBeNull();
    expect(diagOf(json(r), 'pipe.js')).toMatchObject({ kind: 'unreadable' });
  });
});

describe('paths with spaces, unicode, # and %', () => {
  const NAMES = ['my dir/a#b%c.js', 'ünï/文件 1.js', '50%/x%20y.js', 'q?&=.js', 'emoji 😀/é.ts', 'new\nline.js'];
  let dir: string;
  beforeAll(() => {
    dir = path.join(tmp(), 'scan root #1 % ü');
    for (const n of NAMES) put(dir, n, VULN);
  });

  it('JSON keeps the names; SARIF percent-encodes each segment and validates', () => {
    const j = nodesec(['scan', '.', '--format', 'json'], dir);
    expect(j.code).toBe(1);
    const report = json(j);
    expect(report.findings.map((f: any) => f.file).sort()).toEqual([...NAMES].sort());

    const s = nodesec(['scan', '.', '--format', 'sarif'], dir);
    expect(s.code).toBe(1);
    const log = JSON.parse(s.stdout);
    const uris = log.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri).sort();
    expect(uris).toEqual(
      [
        '50%25/x%2520y.js',
        'emoji%20%F0%9F%98%80/%C3%A9.ts',
        'my%20dir/a%23b%25c.js',
        'new%0Aline.js',
        'q%3F%26%3D.js',
        '%C3%BCn%C3%AF/%E6%96%87%E4%BB%B6%201.js',
      ].sort(),
    );
    for (const u of uris) expect(NAMES).toContain(u.split('/').map(decodeURIComponent).join('/'));
    // No absolute path: the root (with its own '#', '%' and spaces) is nowhere in the file.
    expect(s.stdout).not.toContain(dir);
    expect(s.stdout).not.toContain('file://');
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('./schema/sarif-schema-2.1.0.json', import.meta.url)), 'utf8'));
    schema.$schema = 'http://json-schema.org/draft-04/schema#';
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('a file name that is not valid UTF-8 is a diagnostic, not a crash', () => {
    const d = tmp();
    put(d, 'ok.js', 'module.exports = 1;\n');
    writeFileSync(Buffer.concat([Buffer.from(d + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.js')]), VULN);
    const r = nodesec(['scan', '.', '--format', 'json'], d);
    const report = json(r);
    expect(r.code).toBe(0);
    expect(report.findings).toEqual([]);
    noInternal(report);
    expect(report.stats.filesScanned + report.stats.filesSkipped).toBe(2);
  });

  it('text output of a hostile name cannot inject terminal escapes', () => {
    const d = tmp();
    put(d, 'x\u001b[31mred\u0007.js', VULN);
    const r = nodesec(['scan', '.'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
    expect(existsSync(path.join(d, 'x\u001b[31mred\u0007.js'))).toBe(true);
  });
});

describe('regressions found by bench/reliability.mjs on real packages', () => {
  it('TypeScript overloads (functions and constructors) and declare-only functions do not crash the analysis', () => {
    const dir = tmp();
    put(
      dir,
      'overloads.ts',
      [
        'export function f(a: string): string;',
        'export function f(a: number): number;',
        'export function f(a: any): any { return a; }',
        'export const g = f;',
        'declare function h(x: string): void;',
        'export const k = h;',
        'export class C {',
        '  constructor(length: number);',
        '  constructor(...items: string[]);',
        '  constructor(...items: any[]) {}',
        '}',
        'export function make() { return C; }',
        'export function make2() { return { C, f }; }',
        '',
      ].join('\n'),
    );
    for (const tm of ['app', 'library']) {
      const report = json(nodesec(['scan', '.', '--format', 'json', '--threat-model', tm], dir));
      expect(report.diagnostics, tm).toEqual([]);
      expect(report.stats.filesScanned, tm).toBe(1);
    }
  });
});
