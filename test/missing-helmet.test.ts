/**
 * missing-helmet beyond the fixtures: the configurable list of header middleware (the hook the
 * config file feeds), the served file named in the message, and no per-file facts for files
 * without anything app-related.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../dist/src/scan.js';
import missingHelmet, { createMissingHelmetRule, DEFAULT_HEADER_MIDDLEWARE } from '../dist/rules/missing-helmet.js';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nodesec-helmet-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function findings(dir: string, rule = missingHelmet) {
  const r = await scan({ paths: [dir], rules: [rule], severity: 'low' });
  return r.findings.map((f) => `${f.file}:${f.line} ${f.message}`);
}

const OWN_HEADERS = {
  'src/a.js': "const express = require('express');\nconst headers = require('@acme/headers');\nconst app = express();\napp.use(headers());\napp.listen(1);\n",
  'src/b.js': "const express = require('express');\nconst { secureApp } = require('../lib/secure');\nconst app = express();\nsecureApp(app);\napp.listen(2);\n",
  'lib/secure.js': "exports.secureApp = (app) => app.use((req, res, next) => { res.setHeader('X-Frame-Options', 'DENY'); next(); });\n",
};

describe('missing-helmet', () => {
  it('recognises the header middleware it is configured with (packages, exports, project modules)', async () => {
    const dir = project(OWN_HEADERS);
    expect(await findings(dir)).toHaveLength(2);
    const configured = createMissingHelmetRule({ headerMiddleware: [...DEFAULT_HEADER_MIDDLEWARE, '@acme/headers', './lib/secure#secureApp'] });
    expect(configured.meta.id).toBe('missing-helmet');
    expect(await findings(dir, configured)).toEqual([]);
  });

  it('names the file that serves the app', async () => {
    const dir = project({
      'app.js': "const express = require('express');\nconst app = express();\nmodule.exports = app;\n",
      'bin/www.js': "const http = require('http');\nhttp.createServer(require('../app')).listen(3000);\n",
    });
    const out = await findings(dir);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^app\.js:2 This Express app is served \(bin\/www\.js\) without helmet/);
  });

  it('keeps no facts for files without apps, servers or header middleware', async () => {
    const dir = project({
      'util.js': 'const m = new Map();\nfunction get(k) { return m.get(k); }\nmodule.exports = { get, set: (k, v) => m.set(k, v) };\n',
      'math.ts': 'export function add(a: number, b: number) { return a + b; }\nexport const twice = (x: number) => add(x, x);\n',
      'server.js': "const express = require('express');\nconst helmet = require('helmet');\nconst app = express();\napp.use(helmet());\napp.listen(1);\n",
    });
    const seen: string[] = [];
    const spy = {
      ...missingHelmet,
      project: {
        collect: missingHelmet.project!.collect,
        check(files: Array<{ file: string; facts: unknown }>, ctx: any) {
          seen.push(...files.map((f) => f.file));
          missingHelmet.project!.check(files, ctx);
        },
      },
    };
    expect(await findings(dir, spy)).toEqual([]);
    expect(seen).toEqual(['server.js']);
  });
});
