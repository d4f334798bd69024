/**
 * Sloppy-mode legacy syntax that TypeScript's parser reports as errors (legacy octal literals,
 * decimals with leading zeros, octal escapes in strings) is parsed in scripts, with every location
 * where it is in the file, and stays a syntax error where JavaScript makes it one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSource, withoutLegacySyntax } from '../dist/src/parse.js';
import { scan } from '../dist/src/scan.js';
import { rules } from '../dist/rules/index.js';

beforeAll(async () => {
  await loadParser();
});

describe('legacy sloppy-mode syntax', () => {
  it('is rewritten to modern syntax of the same length', () => {
    const src = "fs.mkdirSync(d, 0755); x = -0777; a = 08; b = 019.5; log('\\033[31m', \"\\7\\12\");";
    const modern = withoutLegacySyntax(src, 'a.js', true)!;
    expect(modern).toBe("fs.mkdirSync(d,  493); x =  -511; a =  8; b =  19.5; log('\\x1b[31m', \"\\ \\  \");");
    expect(modern.length).toBe(src.length);
  });

  it('parses a script with it, locations unchanged', () => {
    const src = "var fs = require('fs');\nfs.chmodSync(p, 0755);\nconsole.log('\\033[1m' + p);\n";
    const r = parseSource(src, 'lib/a.js');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.sourceType).toBe('script');
    const call = (r.ast.body[1] as any).expression;
    expect(call.arguments[1]).toMatchObject({ type: 'Literal', value: 493, range: [41, 44] });
    expect(src.slice(40, 44)).toBe('0755');
    const log = (r.ast.body[2] as any).expression;
    expect(log.loc.end).toEqual({ line: 3, column: 26 }); // `console.log('\\033[1m' + p)` is 26 characters
  });

  it('stays a syntax error in strict code, in a template, and beside another error', () => {
    const cases: Array<[string, string]> = [
      ["'use strict';\nfs.chmodSync(p, 0755);\n", 'a.js'],
      ["import fs from 'fs';\nfs.chmodSync(p, 0755);\n", 'a.js'],
      ['fs.chmodSync(p, 0755);\n', 'a.mjs'],
      ['x = `\\033[1m`;\n', 'a.js'],
      ['fs.chmodSync(p, 0755); (\n', 'a.js'],
      ['let m: number = 0755;\n', 'a.ts'],
    ];
    for (const [src, file] of cases) {
      const r = parseSource(src, file);
      expect(r.ok, `${file}: ${src}`).toBe(false);
    }
  });
});

describe('a scan of legacy code', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nodesec-legacy-'));
    writeFileSync(
      path.join(dir, 'server.js'),
      [
        "var http = require('http');",
        "var fs = require('fs');",
        'http.createServer(function (req, res) {',
        "  console.log('\\033[32m' + req.url + '\\033[0m');",
        "  fs.mkdirSync('/srv/upload', 0755);",
        "  fs.readFile('/srv/files/' + req.url, function (err, data) {",
        '    res.end(data);',
        '  });',
        '}).listen(8080);',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('analyses the file and reports its flow where it is', async () => {
    const result = await scan({ paths: [dir], rules, severity: 'low' });
    expect(result.diagnostics).toEqual([]);
    const pt = result.findings.filter((f) => f.ruleId === 'path-traversal');
    expect(pt).toHaveLength(1);
    expect(pt[0]).toMatchObject({ file: 'server.js', line: 6, column: 3 });
  });
});
