#!/usr/bin/env node
// Reliability benchmark: scan the real source of ~250 popular npm packages (pinned in
// bench/reliability-packages.json) in both threat models and check that nodesec never crashes,
// never hangs and never loses a file. See bench/README.md.
//
//   node bench/reliability.mjs [--only NAME] [--limit N] [--threat-model app|library|both]
//                              [--timeout S] [--max-file-time MS] [--max-link-time MS]
//                              [--jobs N] [--no-fetch] [--json FILE]
//
// Packages are fetched with `npm pack NAME@VERSION` into bench/.cache/reliability/ and extracted.
// Scans run in-process (dist/src/scan.js, built by `npm run build`) in a worker thread, one
// package at a time; the main thread is the watchdog: a package that takes longer than --timeout
// is a HANG (the worker is terminated and a new one started), an exception out of scan() or a dead
// worker is a CRASH, and so is an `internal` diagnostic. Every JS/TS file on disk (minus the
// default excludes and .gitignore) must be accounted for: scanned, or skipped with a diagnostic.
// A link that runs out of --max-link-time is a `link-timeout` diagnostic (a stated partial result,
// not a failure); such package runs are listed.
//
// Exits 0 when there are no crashes, hangs or lost files; 1 otherwise; 2 when it cannot run.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..');
const CACHE = path.join(here, '.cache', 'reliability');
const TARBALLS = path.join(CACHE, 'tarballs');
const PACKAGES = path.join(CACHE, 'packages');
const LIST = path.join(here, 'reliability-packages.json');
const DIST_SCAN = path.join(REPO, 'dist', 'src', 'scan.js');

const JS_EXT = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx']);
const EXCLUDED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'coverage']);
const MIN_RE = /\.min\.[cm]?js$/i;
const DTS_RE = /\.d\.[cm]?ts$/i;
/** Diagnostics of these kinds do not mean the file was skipped (link-timeout is about the project). */
const NOT_SKIPS = new Set(['suppression', 'link-timeout']);

// ---------------------------------------------------------------------------------------------
// Worker: runs scan() for one package at a time.

if (!isMainThread) {
  const [{ scan }, { rules }, parse] = await Promise.all([
    import(pathToFileURL(DIST_SCAN).href),
    import(pathToFileURL(path.join(REPO, 'dist', 'rules', 'index.js')).href),
    import(pathToFileURL(path.join(REPO, 'dist', 'src', 'parse.js')).href),
  ]);
  await parse.loadParser();
  parentPort.on('message', async (job) => {
    let total = -1;
    const t0 = performance.now();
    try {
      const result = await scan({
        paths: [job.dir],
        cwd: job.dir,
        rules,
        threatModel: job.threatModel,
        severity: 'low',
        maxFileTime: job.maxFileTime,
        maxLinkTime: job.maxLinkTime,
        onProgress: (_done, t, phase) => {
          if (phase !== 'discovering') total = t;
        },
      });
      parentPort.postMessage({
        id: job.id,
        ok: true,
        ms: performance.now() - t0,
        total,
        stats: result.stats,
        findings: result.findings.length,
        diagnostics: result.diagnostics.map((d) => ({ file: d.file, kind: d.kind, message: d.message })),
      });
    } catch (e) {
      parentPort.postMessage({ id: job.id, ok: false, ms: performance.now() - t0, error: String(e?.stack ?? e) });
    }
  });
  parentPort.postMessage({ ready: true });
}

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/reliability.mjs [options]
  --only NAME[,NAME]     only these packages (name or name@version)
  --limit N              only the first N packages of the list
  --threat-model M       app, library or both (default: both)
  --timeout S            per-package watchdog in seconds (default 600): longer is a hang
  --max-file-time MS     per-file analysis budget passed to scan() (default: scan's default)
  --max-link-time MS     project link budget passed to scan() (default: scan's default)
  --jobs N               packages fetched at once (default 8)
  --no-fetch             do not fetch missing packages
  --json FILE            write per-package results to FILE`;

function parseArgs(argv) {
  const o = { only: null, limit: 0, models: ['app', 'library'], timeoutS: 600, maxFileTime: undefined, maxLinkTime: undefined, jobs: 8, fetch: true, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const num = () => {
      const n = Number(val());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${a} needs a positive number`);
      return n;
    };
    if (a === '--only') o.only = val().split(',');
    else if (a === '--limit') o.limit = num();
    else if (a === '--threat-model') {
      const m = val();
      if (!['app', 'library', 'both'].includes(m)) throw new Error('--threat-model: app, library or both');
      o.models = m === 'both' ? ['app', 'library'] : [m];
    } else if (a === '--timeout') o.timeoutS = num();
    else if (a === '--max-file-time') o.maxFileTime = num();
    else if (a === '--max-link-time') o.maxLinkTime = num();
    else if (a === '--jobs') o.jobs = Math.floor(num());
    else if (a === '--no-fetch') o.fetch = false;
    else if (a === '--json') o.json = path.resolve(val());
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Fetching: npm pack NAME@VERSION, then tar -x.

function splitSpec(spec) {
  const at = spec.lastIndexOf('@');
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

const keyOf = (p) => `${p.name.replace(/\//g, '__')}@${p.version}`;
const dirOf = (p) => path.join(PACKAGES, keyOf(p));

function run(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => (out += String(e)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function fetchOne(p) {
  const final = dirOf(p);
  if (existsSync(final)) return { ok: true };
  const tmp = path.join(TARBALLS, `.tmp-${keyOf(p)}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const packed = await run('npm', ['pack', `${p.name}@${p.version}`, '--pack-destination', tmp, '--ignore-scripts', '--silent'], 300_000);
    const tgz = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
    if (packed.code !== 0 || tgz.length !== 1) return { ok: false, error: `npm pack exited ${packed.code}: ${lastLine(packed.out)}` };
    const x = path.join(tmp, 'x');
    mkdirSync(x);
    const untar = await run('tar', ['-xzf', path.join(tmp, tgz[0]), '-C', x, '--no-same-owner', '--no-same-permissions'], 300_000);
    if (untar.code !== 0) return { ok: false, error: `tar exited ${untar.code}: ${lastLine(untar.out)}` };
    await run('chmod', ['-R', 'u+rwX', x], 60_000);
    const top = readdirSync(x);
    const root = top.includes('package') ? path.join(x, 'package') : top.length === 1 ? path.join(x, top[0]) : x;
    mkdirSync(PACKAGES, { recursive: true });
    renameSync(root, final);
    return { ok: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function lastLine(s) {
  const lines = s.split('\n').map((l) => l.trim()).filter((l) => l && !/Unknown (user|project) config/.test(l));
  return lines.slice(-2).join(' | ') || 'no output';
}

async function pool(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

// ---------------------------------------------------------------------------------------------
// The files a scan must account for, found independently of nodesec's discovery: JS/TS files by
// extension, minus the default excludes (except the build folders the package's main/exports
// point into, which nodesec scans as the code the package ships), *.min.js, *.d.ts and what the
// package's own .gitignore files exclude; plus the non-JS files that text rules (secrets) ask for.
// Symlinks are counted apart (none in npm tarballs).

async function expectedFiles(dir, ignoreLib, packageOutputDirs, wantsText) {
  const outDirs = new Set(await packageOutputDirs(dir));
  const files = new Set();
  let jsFiles = 0;
  let symlinks = 0;
  const rootIgnore = path.join(dir, '.nodesecignore');
  const chain0 = existsSync(rootIgnore) ? [{ base: '', ig: ignoreLib().add(readFileSync(rootIgnore, 'utf8')) }] : [];
  const ignored = (chain, rel) => chain.some(({ base, ig }) => ig.ignores(base ? rel.slice(base.length + 1) : rel));
  const visit = (abs, rel, chain) => {
    const gi = path.join(abs, '.gitignore');
    if (existsSync(gi)) chain = [...chain, { base: rel, ig: ignoreLib().add(readFileSync(gi, 'utf8')) }];
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) {
        symlinks++;
        continue;
      }
      if (e.isDirectory()) {
        if (EXCLUDED_DIRS.has(e.name) && !(rel === '' && outDirs.has(e.name))) continue;
        if (ignored(chain, r + '/')) continue;
        visit(path.join(abs, e.name), r, chain);
      } else if (e.isFile()) {
        const js = JS_EXT.has(path.extname(e.name).toLowerCase());
        if (js ? MIN_RE.test(e.name) || DTS_RE.test(e.name) : !wantsText(r)) continue;
        if (ignored(chain, r)) continue;
        files.add(r);
        if (js) jsFiles++;
      }
    }
  };
  visit(dir, '', chain0);
  return { files, jsFiles, symlinks };
}

// ---------------------------------------------------------------------------------------------
// Watchdog

class Runner {
  constructor(timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.worker = undefined;
    this.seq = 0;
    this.restarts = 0;
  }

  async start() {
    this.worker = new Worker(fileURLToPath(import.meta.url), { stdout: false, stderr: false });
    await new Promise((resolve, reject) => {
      const onMsg = (m) => {
        if (m && m.ready) {
          this.worker.off('message', onMsg);
          this.worker.off('error', reject);
          resolve();
        }
      };
      this.worker.on('message', onMsg);
      this.worker.once('error', reject);
    });
  }

  /** One scan; resolves to {ok, ...} | {crash} | {hang}. */
  async scan(job) {
    if (!this.worker) await this.start();
    const id = ++this.seq;
    const w = this.worker;
    return new Promise((resolve) => {
      const done = (r, restart) => {
        clearTimeout(timer);
        w.off('message', onMsg);
        w.off('error', onErr);
        w.off('exit', onExit);
        if (restart) {
          this.worker = undefined;
          this.restarts++;
          w.terminate().catch(() => undefined);
        }
        resolve(r);
      };
      const onMsg = (m) => {
        if (m.id === id) done(m.ok ? m : { crash: m.error, ms: m.ms }, false);
      };
      const onErr = (e) => done({ crash: `worker error: ${e?.stack ?? e}` }, true);
      const onExit = (code) => done({ crash: `worker exited with code ${code}` }, true);
      const timer = setTimeout(() => done({ hang: true }, true), this.timeoutMs);
      w.on('message', onMsg);
      w.on('error', onErr);
      w.on('exit', onExit);
      w.postMessage({ ...job, id });
    });
  }

  async stop() {
    await this.worker?.terminate();
  }
}

// ---------------------------------------------------------------------------------------------

function fmtMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`reliability: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (!existsSync(DIST_SCAN)) {
    console.error('reliability: dist/ is not built; run `npm run build` first');
    process.exit(2);
  }
  const list = JSON.parse(readFileSync(LIST, 'utf8')).packages.map(splitSpec);
  let pkgs = list;
  if (o.only) pkgs = pkgs.filter((p) => o.only.includes(p.name) || o.only.includes(`${p.name}@${p.version}`));
  if (o.limit) pkgs = pkgs.slice(0, o.limit);
  if (!pkgs.length) {
    console.error('reliability: no package selected');
    process.exit(2);
  }

  // 1. Fetch.
  const fetchFailures = [];
  const missing = pkgs.filter((p) => !existsSync(dirOf(p)));
  if (missing.length && o.fetch) {
    mkdirSync(TARBALLS, { recursive: true });
    console.error(`fetching ${missing.length} packages (${o.jobs} at a time)...`);
    let n = 0;
    await pool(missing, o.jobs, async (p) => {
      let r;
      try {
        r = await fetchOne(p);
      } catch (e) {
        r = { ok: false, error: String(e) };
      }
      n++;
      if (!r.ok) {
        fetchFailures.push({ spec: `${p.name}@${p.version}`, error: r.error });
        console.error(`  [${n}/${missing.length}] ${p.name}@${p.version} FAILED: ${r.error}`);
      }
    });
  }
  const available = pkgs.filter((p) => existsSync(dirOf(p)));
  const notFetched = pkgs.filter((p) => !existsSync(dirOf(p)));

  // 2. Scan each package in each threat model, under the watchdog.
  const { packageOutputDirs } = await import(pathToFileURL(path.join(REPO, 'dist', 'src', 'files.js')).href);
  const ignoreLib = (await import('ignore')).default;
  const { rules } = await import(pathToFileURL(path.join(REPO, 'dist', 'rules', 'index.js')).href);
  const textRules = rules.filter((r) => r.checkText && r.wantsTextFile);
  const wantsText = (rel) => textRules.some((r) => r.wantsTextFile(rel));
  const runner = new Runner(o.timeoutS * 1000);
  const perModel = new Map(o.models.map((m) => [m, { ms: 0, scanned: 0, skipped: 0, findings: 0, runs: 0 }]));
  const crashes = [];
  const hangs = [];
  const lost = [];
  const internal = [];
  const linkTimeouts = [];
  /** Files a budget or the stack stopped: few, each worth a look (a too-deep on a shallow file is a bug). */
  const stopped = [];
  const byKind = new Map(o.models.map((m) => [m, new Map()]));
  const perPackage = [];
  let onDisk = 0;
  let jsOnDisk = 0;
  let symlinks = 0;
  const t0 = performance.now();
  let i = 0;
  for (const p of available) {
    i++;
    const spec = `${p.name}@${p.version}`;
    const dir = dirOf(p);
    const expected = await expectedFiles(dir, ignoreLib, packageOutputDirs, wantsText);
    onDisk += expected.files.size;
    jsOnDisk += expected.jsFiles;
    symlinks += expected.symlinks;
    const row = { package: spec, filesOnDisk: expected.files.size, runs: {} };
    for (const threatModel of o.models) {
      const r = await runner.scan({ dir, threatModel, maxFileTime: o.maxFileTime, maxLinkTime: o.maxLinkTime });
      const m = perModel.get(threatModel);
      m.runs++;
      if (r.hang) {
        hangs.push({ spec, threatModel });
        row.runs[threatModel] = { hang: true };
        m.ms += o.timeoutS * 1000;
        console.error(`  [${i}/${available.length}] ${spec} ${threatModel}: HANG (> ${o.timeoutS} s)`);
        continue;
      }
      if (r.crash) {
        crashes.push({ spec, threatModel, error: r.crash });
        row.runs[threatModel] = { crash: r.crash.split('\n')[0] };
        console.error(`  [${i}/${available.length}] ${spec} ${threatModel}: CRASH ${r.crash.split('\n').slice(0, 3).join(' | ')}`);
        continue;
      }
      m.ms += r.ms;
      m.scanned += r.stats.filesScanned;
      m.skipped += r.stats.filesSkipped;
      m.findings += r.findings;
      // Accounting: discovery found exactly the files on disk, and each is scanned or skipped.
      const problems = [];
      if (r.total !== expected.files.size) problems.push(`discovery found ${r.total} files, ${expected.files.size} on disk`);
      if (r.stats.filesScanned + r.stats.filesSkipped !== r.total)
        problems.push(`${r.total} files found, ${r.stats.filesScanned} scanned + ${r.stats.filesSkipped} skipped`);
      const skippedFiles = new Set();
      for (const d of r.diagnostics) {
        const kinds = byKind.get(threatModel);
        kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
        if (d.kind === 'internal') internal.push({ spec, threatModel, file: d.file, message: d.message });
        if (d.kind === 'link-timeout') linkTimeouts.push({ spec, threatModel, message: d.message });
        if (d.kind === 'too-deep' || d.kind === 'timeout') stopped.push({ spec, threatModel, file: d.file, kind: d.kind, message: d.message });
        if (NOT_SKIPS.has(d.kind)) continue;
        skippedFiles.add(d.file);
        if (!expected.files.has(d.file)) problems.push(`diagnostic for a file not on the list: ${d.file}`);
      }
      if (skippedFiles.size !== r.stats.filesSkipped) problems.push(`${r.stats.filesSkipped} skipped, ${skippedFiles.size} files with diagnostics`);
      if (problems.length) lost.push({ spec, threatModel, problems });
      row.runs[threatModel] = {
        ms: Math.round(r.ms),
        scanned: r.stats.filesScanned,
        skipped: r.stats.filesSkipped,
        findings: r.findings,
        problems,
        diagnostics: r.diagnostics.map((d) => `${d.kind} ${d.file}`),
      };
      if (problems.length) console.error(`  [${i}/${available.length}] ${spec} ${threatModel}: LOST FILES ${problems.slice(0, 3).join('; ')}`);
    }
    perPackage.push(row);
    const runs = Object.values(row.runs);
    const ms = runs.reduce((s, x) => s + (x.ms ?? 0), 0);
    console.error(`  [${i}/${available.length}] ${spec}: ${expected.files.size} files, ${fmtMs(ms)}`);
  }
  await runner.stop();
  const elapsed = performance.now() - t0;

  // 3. Report.
  const out = [];
  out.push('nodesec reliability benchmark');
  out.push(`command: node bench/reliability.mjs ${process.argv.slice(2).join(' ')}`.trimEnd());
  out.push('');
  out.push(`packages: ${available.length} scanned of ${pkgs.length} listed${notFetched.length ? ` (not fetched: ${notFetched.map((p) => `${p.name}@${p.version}`).join(', ')})` : ''}`);
  out.push(`rules: ${rules.map((r) => r.meta.id).join(', ')}`);
  out.push(`files on disk (JS/TS after default excludes and .gitignore${textRules.length ? ', plus files the text rules read' : ''}): ${onDisk} (JS/TS ${jsOnDisk}, other ${onDisk - jsOnDisk})${symlinks ? ` (+${symlinks} symlinks, not counted)` : ''}`);
  for (const [m, s] of perModel) {
    out.push(
      `threat model ${m}: ${s.scanned} files scanned, ${s.skipped} skipped with a diagnostic, ${s.findings} findings (severity >= low), ${fmtMs(s.ms)} of scanning (${s.runs} package runs)`,
    );
  }
  out.push(`crashes: ${crashes.length} (exceptions out of scan() or a dead worker)`);
  for (const c of crashes) out.push(`  ${c.spec} [${c.threatModel}] ${c.error.split('\n').slice(0, 4).join(' | ')}`);
  out.push(`internal diagnostics: ${internal.length} (analysis exceptions caught per file)`);
  for (const c of internal.slice(0, 30)) out.push(`  ${c.spec} [${c.threatModel}] ${c.file}: ${c.message}`);
  out.push(`hangs: ${hangs.length} (package scan over ${o.timeoutS} s)`);
  for (const h of hangs) out.push(`  ${h.spec} [${h.threatModel}]`);
  out.push(`files not accounted for: ${lost.length} package runs`);
  for (const l of lost) out.push(`  ${l.spec} [${l.threatModel}] ${l.problems.slice(0, 5).join('; ')}`);
  out.push(`link timeouts: ${linkTimeouts.length} package runs (--max-link-time: partial result, stated)`);
  for (const l of linkTimeouts) out.push(`  ${l.spec} [${l.threatModel}] ${l.message}`);
  out.push(`files stopped by a time budget or the stack: ${stopped.length} (too-deep, timeout)`);
  for (const x of stopped) out.push(`  ${x.spec} [${x.threatModel}] ${x.file}: ${x.kind}: ${x.message}`);
  const kindNames = [...new Set([...byKind.values()].flatMap((m) => [...m.keys()]))].sort();
  out.push(`diagnostics by kind: ${o.models.join(' / ')}`);
  if (!kindNames.length) out.push('  none');
  for (const k of kindNames) out.push(`  ${k.padEnd(13)} ${o.models.map((m) => String(byKind.get(m).get(k) ?? 0).padStart(6)).join(' ')}`);
  const slow = perPackage
    .map((r) => ({ p: r.package, ms: Object.values(r.runs).reduce((s, x) => s + (x.ms ?? 0), 0), files: r.filesOnDisk }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10);
  out.push('slowest packages (both runs):');
  for (const s of slow) out.push(`  ${s.p.padEnd(40)} ${String(s.files).padStart(6)} files  ${fmtMs(s.ms)}`);
  if (fetchFailures.length) {
    out.push(`fetch failures: ${fetchFailures.length}`);
    for (const f of fetchFailures) out.push(`  ${f.spec}: ${f.error}`);
  }
  out.push(`wall time: ${fmtMs(elapsed)} (worker restarts: ${runner.restarts})`);
  console.log(out.join('\n'));
  if (o.json) {
    mkdirSync(path.dirname(o.json), { recursive: true });
    writeFileSync(o.json, JSON.stringify({ perPackage, crashes, hangs, lost, internal, linkTimeouts, byKind: Object.fromEntries([...byKind].map(([m, k]) => [m, Object.fromEntries(k)])), fetchFailures }, null, 2) + '\n');
  }
  process.exit(crashes.length || hangs.length || lost.length || internal.length ? 1 : 0);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e?.stack ?? e);
    process.exit(2);
  });
}
