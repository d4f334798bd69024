#!/usr/bin/env node
// Speed and memory benchmark: nodesec against ESLint + eslint-plugin-security on the same files,
// plus a parse-only floor (typescript-estree over the same files with src/parse.ts's options).
// Every run is a child process; runs alternate between the tools; medians and ratios are printed.
// See bench/README.md ("Speed").
//
//   node bench/speed.mjs [--corpus small|large|both] [--runs N] [--tools nodesec,eslint,floor]
//                        [--warm] [--scaling] [--startup] [--threads N] [--no-fetch] [--json FILE]
//
// A report, not a test: it never fails on the numbers. Exits 2 on bad options or when dist/ is
// not built, 1 when the harness itself breaks (a tool crashes, a fetch fails).

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..');
const CACHE = path.join(here, '.cache', 'speed');
const ESLINT_DIR = path.join(here, '.cache', 'eslint');
const RUSAGE = pathToFileURL(path.join(here, 'rusage.mjs')).href;
const NODESEC = path.join(REPO, 'bin', 'nodesec.js');

/** Small: an app-sized tree, express 4 and the packages it depends on (installed, then copied). */
const SMALL = { install: 'express@4.21.2' };
/** Large: server and library packages that ship their source (not bundles), about 5,700 files. */
const LARGE = [
  'ghost@6.65.0',
  'typeorm@0.3.27',
  'rxjs@7.8.2',
  'webpack@5.102.1',
  'mongoose@8.19.1',
  '@nestjs/core@11.1.6',
  '@nestjs/common@11.1.6',
  'knex@3.1.0',
  'sequelize@6.37.8',
  '@node-red/runtime@4.1.1',
  '@node-red/nodes@4.1.1',
  '@node-red/editor-api@4.1.1',
  '@node-red/registry@4.1.1',
  '@node-red/util@4.1.1',
];
const ESLINT_PKGS = ['eslint@9.39.5', 'eslint-plugin-security@4.1.0', '@typescript-eslint/parser@8.73.0'];
/**
 * `nodesec-tuned`: nodesec with the V8 setting README.md suggests where memory is tight (one V8
 * helper thread instead of four). It can only be given when node starts, so nodesec cannot set it
 * itself; the tool is run as `NODE_OPTIONS=--v8-pool-size=1 nodesec scan ...` would run it.
 */
const TUNED_NODE_OPTIONS = ['--v8-pool-size=1'];

const USAGE = `usage: node bench/speed.mjs [options]
  --corpus C        small, large or both (default both)
  --runs N          runs per tool and corpus, alternating between tools (default 3)
  --tools T[,T]     nodesec, eslint, floor (default all three); also nodesec-tuned (nodesec with
                    NODE_OPTIONS=${TUNED_NODE_OPTIONS.join(' ')}, as README.md suggests where memory is tight)
  --warm            also measure warm caches on the large corpus (always done on the small one)
  --scaling         nodesec and floor on the first 1,000 and 5,000 files of the large corpus and on all of it
  --startup         nodesec --version and a warm re-scan of the small corpus (10 runs each)
  --threads N       passed to nodesec scan (default: nodesec's default)
  --no-fetch        do not fetch corpora or install ESLint (fail if missing)
  --json FILE       also write every run's raw numbers`;

// ---------------------------------------------------------------------------------------------
// Internal mode: the parse-only floor, run as a child like the tools.
if (process.argv[2] === '--floor-child') {
  await floorChild(process.argv[3]);
  process.exit(0);
}

async function floorChild(listFile) {
  const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  const parser = await import(pathToFileURL(path.join(REPO, 'dist/src/parse.js')).href);
  const { hasMarker } = await import(pathToFileURL(path.join(REPO, 'dist/src/suppress.js')).href);
  await parser.loadParser();
  let failed = 0;
  for (const f of files) {
    let text = readFileSync(f, 'utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // Same options as the scan: no tokens, comments only with a suppression marker, no JSDoc.
    const r = parser.parseSource(text, f, { comments: hasMarker(text) });
    if (!r.ok) failed++;
  }
  process.stderr.write(`floor: ${files.length} files, ${failed} syntax errors\n`);
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { corpus: 'both', runs: 3, tools: ['nodesec', 'eslint', 'floor'], warm: false, scaling: false, startup: false, threads: undefined, fetch: true, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--corpus') o.corpus = val();
    else if (a === '--runs') o.runs = Number(val());
    else if (a === '--tools') o.tools = val().split(',');
    else if (a === '--warm') o.warm = true;
    else if (a === '--scaling') o.scaling = true;
    else if (a === '--startup') o.startup = true;
    else if (a === '--threads') o.threads = val();
    else if (a === '--no-fetch') o.fetch = false;
    else if (a === '--json') o.json = val();
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else usage(`unknown option ${a}`);
  }
  if (!['small', 'large', 'both'].includes(o.corpus)) usage('--corpus must be small, large or both');
  if (!Number.isInteger(o.runs) || o.runs < 1) usage('--runs must be a positive whole number');
  for (const t of o.tools) if (!['nodesec', 'nodesec-tuned', 'eslint', 'floor'].includes(t)) usage(`unknown tool ${t}`);
  return o;
}

function usage(msg) {
  process.stderr.write(`speed: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

function dirName(spec) {
  return spec.replace(/^@/, '').replace('/', '-').replace(/@/g, '-');
}

// ---------------------------------------------------------------------------------------------
// Corpora

function ensureLarge(fetch) {
  const root = path.join(CACHE, 'large');
  const tarballs = path.join(CACHE, 'tarballs');
  mkdirSync(root, { recursive: true });
  mkdirSync(tarballs, { recursive: true });
  const dirs = [];
  for (const spec of LARGE) {
    const dir = path.join(root, dirName(spec));
    dirs.push(dir);
    if (existsSync(path.join(dir, 'package.json'))) continue;
    if (!fetch) throw new Error(`missing ${dir} (run without --no-fetch)`);
    process.stderr.write(`speed: npm pack ${spec}\n`);
    const tgz = sh('npm', ['pack', spec, '--silent'], { cwd: tarballs }).trim().split('\n').pop();
    mkdirSync(dir, { recursive: true });
    sh('tar', ['xzf', path.join(tarballs, tgz), '-C', dir, '--strip-components=1']);
  }
  return dirs;
}

function ensureSmall(fetch) {
  const root = path.join(CACHE, 'small');
  if (existsSync(path.join(root, 'express', 'package.json'))) return [root];
  if (!fetch) throw new Error(`missing ${root} (run without --no-fetch)`);
  const inst = path.join(CACHE, 'small-install');
  process.stderr.write(`speed: npm install ${SMALL.install}\n`);
  sh('npm', ['install', SMALL.install, '--prefix', inst, '--ignore-scripts', '--no-audit', '--no-fund', '--silent']);
  // The packages side by side in one project folder (node_modules is skipped by every scanner).
  const nm = path.join(inst, 'node_modules');
  for (const name of readdirSync(nm)) {
    if (name.startsWith('.')) continue;
    const names = name.startsWith('@') ? readdirSync(path.join(nm, name)).map((n) => `${name}/${n}`) : [name];
    for (const n of names) cpSync(path.join(nm, n), path.join(root, n.replace('/', '__')), { recursive: true });
  }
  return [root];
}

function ensureEslint(fetch) {
  const bin = path.join(ESLINT_DIR, 'node_modules', 'eslint', 'bin', 'eslint.js');
  if (!existsSync(bin)) {
    if (!fetch) throw new Error(`ESLint is not installed in ${ESLINT_DIR} (run without --no-fetch)`);
    process.stderr.write(`speed: npm install --prefix ${path.relative(REPO, ESLINT_DIR)} ${ESLINT_PKGS.join(' ')}\n`);
    mkdirSync(ESLINT_DIR, { recursive: true });
    sh('npm', ['install', '--prefix', ESLINT_DIR, '--no-audit', '--no-fund', '--silent', ...ESLINT_PKGS]);
  }
  const config = path.join(ESLINT_DIR, 'eslint.config.mjs');
  writeFileSync(
    config,
    `// Written by bench/speed.mjs: every eslint-plugin-security rule and nothing else.
import security from 'eslint-plugin-security';
import tsParser from '@typescript-eslint/parser';
const rules = Object.fromEntries(Object.keys(security.rules).map((r) => ['security/' + r, 'warn']));
export default [
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.jsx'], plugins: { security }, rules,
    languageOptions: { ecmaVersion: 'latest', parserOptions: { ecmaFeatures: { jsx: true } } } },
  { files: ['**/*.ts', '**/*.cts', '**/*.mts', '**/*.tsx'], plugins: { security }, rules,
    languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' } },
];
`,
  );
  return { bin, config };
}

/** The JavaScript/TypeScript files nodesec scans under `paths` (its own discovery, same options). */
async function fileList(paths) {
  const { discoverFiles, packageOutputDirs, commonRoot } = await import(pathToFileURL(path.join(REPO, 'dist/src/files.js')).href);
  const { readSourceFile, DEFAULT_MAX_BYTES } = await import(pathToFileURL(path.join(REPO, 'dist/src/read.js')).href);
  const extra = [];
  for (const p of paths) for (const d of await packageOutputDirs(p)) extra.push(path.join(p, d));
  const root = commonRoot(paths, REPO);
  const r = await discoverFiles({ root, paths: [...paths, ...extra], cwd: REPO, ignore: [] });
  const out = [];
  let lines = 0;
  for (const f of r.files) {
    if (f.kind !== 'js') continue;
    const read = await readSourceFile(f.abs, { maxBytes: DEFAULT_MAX_BYTES });
    if (!read.ok) continue; // skipped by nodesec too (minified, too large): not given to the others
    out.push(f.abs);
    lines += read.text.split('\n').length;
  }
  out.sort();
  return { files: out, lines };
}

// ---------------------------------------------------------------------------------------------
// Runs

let runSeq = 0;
function runChild(args, { cwd = REPO, nodeArgs = [] } = {}) {
  const usageFile = path.join(os.tmpdir(), `nodesec-speed-${process.pid}-${runSeq++}.json`);
  rmSync(usageFile, { force: true });
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', RUSAGE, ...args], {
      cwd,
      env: { ...process.env, SPEED_RUSAGE_FILE: usageFile, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let u = {};
      try {
        u = JSON.parse(readFileSync(usageFile, 'utf8'));
      } catch {
        /* killed: no usage */
      }
      rmSync(usageFile, { force: true });
      resolve({ code, signal, wallMs, cpuMs: (u.userUs + u.systemUs) / 1000, rssMb: u.maxRssKb / 1024, stderr });
    });
  });
}

function checkRun(tool, r) {
  const ok = tool === 'eslint' ? r.code === 0 || r.code === 1 : r.code === 0 || (tool.startsWith('nodesec') && r.code === 1);
  if (!ok) throw new Error(`${tool} failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function toolArgs(tool, c, o, cache) {
  const rel = (p) => path.relative(REPO, p) || '.';
  if (tool === 'nodesec' || tool === 'nodesec-tuned') {
    const a = [rel(NODESEC), 'scan', ...c.scanPaths.map(rel), '-q', '-f', 'json', '-o', path.join(os.tmpdir(), 'nodesec-speed-out.json'), '--fail-on', 'none'];
    if (cache) a.push('--cache-location', rel(cache));
    else a.push('--no-cache');
    if (o.threads) a.push('--threads', o.threads);
    return a;
  }
  if (tool === 'eslint') {
    const a = [rel(o.eslint.bin), '-c', rel(o.eslint.config), '-f', 'json', '-o', path.join(os.tmpdir(), 'nodesec-speed-eslint.json')];
    if (cache) a.push('--cache', '--cache-location', rel(cache) + '/');
    return [...a, ...c.files.map(rel)];
  }
  return [rel(fileURLToPath(import.meta.url)), '--floor-child', c.listFile];
}

const nodeArgsOf = (tool) => (tool === 'nodesec-tuned' ? TUNED_NODE_OPTIONS : []);

/** Runs every tool `runs` times, alternating (the first tool rotates each round). */
async function measure(c, o, { warm, tools }) {
  const results = Object.fromEntries(tools.map((t) => [t, []]));
  const caches = {};
  for (const t of tools) {
    if (t === 'floor') continue;
    caches[t] = path.join(CACHE, 'tool-cache', `${c.name}-${t}`);
    rmSync(caches[t], { recursive: true, force: true });
    if (warm) {
      const r = await runChild(toolArgs(t, c, o, caches[t]), { nodeArgs: nodeArgsOf(t) }); // fill the cache
      checkRun(t, r);
    }
  }
  for (let i = 0; i < o.runs; i++) {
    const order = tools.map((_, k) => tools[(i + k) % tools.length]);
    for (const t of order) {
      if (!warm && caches[t]) rmSync(caches[t], { recursive: true, force: true }); // cold: an empty cache
      const r = await runChild(toolArgs(t, c, o, caches[t]), { nodeArgs: nodeArgsOf(t) });
      checkRun(t, r);
      results[t].push(r);
      process.stderr.write(`speed: ${c.name} ${warm ? 'warm' : 'cold'} run ${i + 1}/${o.runs} ${t}: ${(r.wallMs / 1000).toFixed(2)} s, ${r.rssMb.toFixed(0)} MB\n`);
    }
  }
  return results;
}

function fmtS(ms) {
  return (ms / 1000).toFixed(2);
}

function table(title, c, results) {
  const lines = [`${title}: ${c.files.length} files, ${c.lines.toLocaleString('en-US')} lines`];
  lines.push('  tool            wall s (median, min-max)   CPU s   peak RSS MB   files/s');
  for (const [t, rs] of Object.entries(results)) {
    if (!rs.length) continue;
    const w = median(rs.map((r) => r.wallMs));
    const lo = Math.min(...rs.map((r) => r.wallMs));
    const hi = Math.max(...rs.map((r) => r.wallMs));
    lines.push(
      `  ${t.padEnd(14)}  ${fmtS(w).padStart(7)} (${fmtS(lo)}-${fmtS(hi)})`.padEnd(44) +
        `${fmtS(median(rs.map((r) => r.cpuMs))).padStart(7)}   ${median(rs.map((r) => r.rssMb)).toFixed(0).padStart(11)}   ${((c.files.length * 1000) / w).toFixed(0).padStart(7)}`,
    );
  }
  // Ratios of the medians, of wall time and of CPU time (CPU time drifts less on a shared machine).
  const m = (t, k = 'wallMs') => (results[t]?.length ? median(results[t].map((r) => r[k])) : undefined);
  const ratio = (a, b) => `${(m(a) / m(b)).toFixed(2)}x wall, ${(m(a, 'cpuMs') / m(b, 'cpuMs')).toFixed(2)}x CPU`;
  if (m('nodesec') && m('eslint')) lines.push(`  ESLint+security / nodesec: ${ratio('eslint', 'nodesec')} (nodesec is that many times faster)`);
  if (m('nodesec') && m('floor')) lines.push(`  nodesec / parse-only floor: ${ratio('nodesec', 'floor')}`);
  if (m('nodesec-tuned') && m('eslint')) lines.push(`  ESLint+security / nodesec-tuned: ${ratio('eslint', 'nodesec-tuned')}`);
  if (m('nodesec-tuned') && m('floor')) lines.push(`  nodesec-tuned / parse-only floor: ${ratio('nodesec-tuned', 'floor')}`);
  if (m('nodesec-tuned') && m('nodesec')) lines.push(`  nodesec-tuned / nodesec: ${ratio('nodesec-tuned', 'nodesec')}`);
  if (m('eslint') && m('floor')) lines.push(`  ESLint+security / parse-only floor: ${ratio('eslint', 'floor')}`);
  return lines.join('\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(REPO, 'dist', 'src', 'cli.js'))) {
    process.stderr.write('speed: dist/ is not built: run `npm run build` first\n');
    process.exit(2);
  }
  mkdirSync(CACHE, { recursive: true });
  if (o.tools.includes('eslint')) o.eslint = ensureEslint(o.fetch);
  const corpora = [];
  if (o.corpus !== 'large') corpora.push({ name: 'small', scanPaths: ensureSmall(o.fetch) });
  if (o.corpus !== 'small' || o.scaling) corpora.push({ name: 'large', scanPaths: ensureLarge(o.fetch) });
  for (const c of corpora) {
    Object.assign(c, await fileList(c.scanPaths));
    c.listFile = path.join(CACHE, `${c.name}.files.txt`);
    writeFileSync(c.listFile, c.files.join('\n') + '\n');
  }

  const report = [];
  const raw = {};
  const head = `node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`;
  report.push(head);
  for (const c of corpora) {
    if (o.corpus === 'small' && c.name === 'large') continue;
    if (o.corpus === 'large' && c.name === 'small') continue;
    const cold = await measure(c, o, { warm: false, tools: o.tools });
    raw[`${c.name}-cold`] = cold;
    report.push(table(`${c.name} corpus, cold caches`, c, cold));
    if (c.name === 'small' || o.warm) {
      const warm = await measure(c, o, { warm: true, tools: o.tools.filter((t) => t !== 'floor') });
      raw[`${c.name}-warm`] = warm;
      report.push(table(`${c.name} corpus, warm caches (unchanged files, second run)`, c, warm));
    }
  }

  if (o.scaling) {
    const large = corpora.find((c) => c.name === 'large');
    const lines = ['scaling (large corpus, cold, nodesec given the files; files/s = files / wall)'];
    for (const n of [1000, 5000, large.files.length]) {
      const files = large.files.slice(0, n);
      const lf = path.join(CACHE, `large-${n}.files.txt`);
      writeFileSync(lf, files.join('\n') + '\n');
      const c = { name: `large-${n}`, files, scanPaths: files, listFile: lf, lines: 0 };
      const tools = o.tools.filter((t) => t !== 'eslint');
      const r = await measure(c, { ...o }, { warm: false, tools });
      raw[`scaling-${n}`] = r;
      const w = (t) => median(r[t].map((x) => x.wallMs));
      lines.push(
        `  ${String(files.length).padStart(5)} files: ` +
          tools.map((t) => `${t} ${fmtS(w(t))} s, ${((files.length * 1000) / w(t)).toFixed(0)} files/s, ${median(r[t].map((x) => x.rssMb)).toFixed(0)} MB`).join('; '),
      );
    }
    report.push(lines.join('\n'));
  }

  if (o.startup) {
    const small = corpora.find((c) => c.name === 'small') ?? { name: 'small', scanPaths: ensureSmall(o.fetch) };
    const v = [];
    for (let i = 0; i < 10; i++) v.push((await runChild([path.relative(REPO, NODESEC), '--version'])).wallMs);
    const cacheDir = path.join(CACHE, 'tool-cache', 'startup-nodesec');
    rmSync(cacheDir, { recursive: true, force: true });
    const args = [path.relative(REPO, NODESEC), 'scan', ...small.scanPaths.map((p) => path.relative(REPO, p)), '-q', '-f', 'json', '-o', path.join(os.tmpdir(), 'nodesec-speed-out.json'), '--fail-on', 'none', '--cache-location', path.relative(REPO, cacheDir)];
    checkRun('nodesec', await runChild(args));
    const w = [];
    for (let i = 0; i < 10; i++) w.push((await runChild(args)).wallMs);
    report.push(
      `start-up: nodesec --version ${median(v).toFixed(0)} ms (median of 10, min ${Math.min(...v).toFixed(0)}); ` +
        `warm re-scan of the unchanged small corpus ${median(w).toFixed(0)} ms (median of 10, min ${Math.min(...w).toFixed(0)})`,
    );
  }

  const cmd = `node bench/speed.mjs ${process.argv.slice(2).join(' ')}`.trim();
  report.push(`reproduce: ${cmd}`);
  report.push(`  nodesec: node bin/nodesec.js scan <paths> -q -f json -o out.json --fail-on none --cache-location <empty dir>  (cold)`);
  if (o.tools.includes('nodesec-tuned')) report.push(`  nodesec-tuned: the same with node ${TUNED_NODE_OPTIONS.join(' ')}`);
  report.push(`  eslint:  node bench/.cache/eslint/node_modules/eslint/bin/eslint.js -c bench/.cache/eslint/eslint.config.mjs -f json -o out.json --cache --cache-location <empty dir>/ $(cat bench/.cache/speed/<corpus>.files.txt)`);
  report.push(`  floor:   node bench/speed.mjs --floor-child bench/.cache/speed/<corpus>.files.txt`);
  process.stdout.write(report.join('\n\n') + '\n');
  if (o.json) writeFileSync(o.json, JSON.stringify({ head, raw }, (k, v) => (k === 'stderr' ? undefined : v), 2));
}

main().catch((e) => {
  process.stderr.write(`speed: ${e?.message ?? e}\n`);
  process.exit(1);
});
