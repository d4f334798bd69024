#!/usr/bin/env node
// Fetch the benchmark packages: `npm pack NAME@VERSION` into bench/.cache/tarballs/,
// then extract the tarball's package folder into bench/.cache/packages/<name>@<version>/.
// Scoped names use '__' for '/' in folder and file names. Plain Node ESM, no dependencies.
//
//   node bench/fetch.mjs [--jobs N] [--only NAME] [--labels FILE] [--force]
//
// Failures (e.g. a version that was unpublished) are written to bench/.cache/fetch-failures.json
// and printed; the script never crashes because of one package.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = here;
export const CACHE_DIR = path.join(here, '.cache');
export const TARBALL_DIR = path.join(CACHE_DIR, 'tarballs');
export const PACKAGES_DIR = path.join(CACHE_DIR, 'packages');
export const FAILURES_FILE = path.join(CACHE_DIR, 'fetch-failures.json');
export const DEFAULT_LABELS = path.join(here, 'data', 'explodejs-dev.json');

/** Folder / file stem for a package: '@scope/name' -> '@scope__name@1.2.3'. */
export function pkgKey(name, version) {
  return `${name.replace(/\//g, '__')}@${version}`;
}

export function packageDir(name, version) {
  return path.join(PACKAGES_DIR, pkgKey(name, version));
}

export function tarballPath(name, version) {
  return path.join(TARBALL_DIR, `${pkgKey(name, version)}.tgz`);
}

export function loadLabels(file = DEFAULT_LABELS) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array of labels`);
  return data;
}

/** Unique {name, version} pairs of a label list, in first-seen order. */
export function uniquePackages(labels) {
  const seen = new Map();
  for (const l of labels) {
    const k = pkgKey(l.package, l.version);
    if (!seen.has(k)) seen.set(k, { name: l.package, version: l.version });
  }
  return [...seen.values()];
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    } catch (err) {
      resolve({ code: -1, stdout, stderr: String(err) });
      return;
    }
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          stderr += `\n[timed out after ${opts.timeoutMs} ms]`;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : null;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      stderr += String(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr });
    });
  });
}

function lastLines(s, n = 4) {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/Unknown (user|project) config/.test(l))
    .slice(-n)
    .join(' | ');
}

async function packTarball(name, version) {
  const dest = tarballPath(name, version);
  if (existsSync(dest)) return { ok: true, cached: true };
  // Pack into a private temp folder (concurrent packs must not see each other's files),
  // then move the single .tgz to its canonical name.
  const tmp = path.join(TARBALL_DIR, `.tmp-${pkgKey(name, version)}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const res = await run(
      'npm',
      ['pack', `${name}@${version}`, '--pack-destination', tmp, '--ignore-scripts', '--silent', '--loglevel', 'error'],
      { timeoutMs: 180_000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' } },
    );
    const files = existsSync(tmp) ? readdirSync(tmp).filter((f) => f.endsWith('.tgz')) : [];
    if (res.code !== 0 || files.length !== 1) {
      return { ok: false, error: `npm pack exited ${res.code}: ${lastLines(res.stderr || res.stdout) || 'no tarball produced'}` };
    }
    renameSync(path.join(tmp, files[0]), dest);
    return { ok: true, cached: false };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function extractTarball(name, version) {
  const final = packageDir(name, version);
  if (existsSync(final)) return { ok: true, cached: true };
  mkdirSync(PACKAGES_DIR, { recursive: true });
  // Extract into a temp folder and rename when complete, so an existing folder is always whole.
  const tmp = path.join(PACKAGES_DIR, `.tmp-${pkgKey(name, version)}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const res = await run('tar', ['-xzf', tarballPath(name, version), '-C', tmp, '--no-same-owner', '--no-same-permissions'], {
      timeoutMs: 120_000,
    });
    if (res.code !== 0) return { ok: false, error: `tar exited ${res.code}: ${lastLines(res.stderr)}` };
    // Some old tarballs have directories without the x bit; make the tree readable.
    await run('chmod', ['-R', 'u+rwX', tmp]);
    // The package lives in `package/`; a few old tarballs use another single top folder.
    const top = readdirSync(tmp);
    let root = tmp;
    if (top.includes('package') && statSync(path.join(tmp, 'package')).isDirectory()) root = path.join(tmp, 'package');
    else if (top.length === 1 && statSync(path.join(tmp, top[0])).isDirectory()) root = path.join(tmp, top[0]);
    renameSync(root, final);
    return { ok: true, cached: false, topFolder: root === tmp ? '.' : path.basename(root) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Fetch one package; never throws. */
export async function fetchOne(name, version, { force = false } = {}) {
  try {
    if (force) {
      rmSync(tarballPath(name, version), { force: true });
      rmSync(packageDir(name, version), { recursive: true, force: true });
    }
    if (existsSync(packageDir(name, version))) return { name, version, ok: true, cached: true };
    const p = await packTarball(name, version);
    if (!p.ok) return { name, version, ok: false, stage: 'pack', error: p.error };
    const x = await extractTarball(name, version);
    if (!x.ok) return { name, version, ok: false, stage: 'extract', error: x.error };
    return { name, version, ok: true, cached: p.cached && x.cached, topFolder: x.topFolder };
  } catch (err) {
    return { name, version, ok: false, stage: 'internal', error: String(err && err.stack ? err.stack : err) };
  }
}

/** Run fn over items with at most `limit` in flight. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Fetch every package (skipping those already extracted). Writes fetch-failures.json.
 * Returns {results, failures, elapsedMs}.
 */
export async function fetchAll(packages, { jobs = 6, force = false, log = console.error } = {}) {
  mkdirSync(TARBALL_DIR, { recursive: true });
  mkdirSync(PACKAGES_DIR, { recursive: true });
  const t0 = Date.now();
  let done = 0;
  const todo = packages.filter((p) => force || !existsSync(packageDir(p.name, p.version)));
  if (todo.length && log) log(`fetching ${todo.length} of ${packages.length} packages (${jobs} at a time)...`);
  const results = await pool(todo, jobs, async (p) => {
    const r = await fetchOne(p.name, p.version, { force });
    done++;
    if (log) {
      const what = r.ok ? (r.topFolder && r.topFolder !== 'package' ? `ok (top folder '${r.topFolder}')` : 'ok') : `FAILED (${r.stage}): ${r.error}`;
      log(`  [${done}/${todo.length}] ${p.name}@${p.version} ${what}`);
    }
    return r;
  });
  const failures = results.filter((r) => !r.ok).map(({ name, version, stage, error }) => ({ package: name, version, stage, error }));
  // Keep earlier failures of packages not retried in this run (e.g. --only), drop those now fetched.
  let previous = [];
  try {
    previous = JSON.parse(readFileSync(FAILURES_FILE, 'utf8'));
  } catch {
    previous = [];
  }
  const retried = new Set(todo.map((p) => pkgKey(p.name, p.version)));
  const merged = [
    ...previous.filter((f) => !retried.has(pkgKey(f.package, f.version)) && !existsSync(packageDir(f.package, f.version))),
    ...failures,
  ];
  writeFileSync(FAILURES_FILE, JSON.stringify(merged, null, 2) + '\n');
  return { results, failures: merged, elapsedMs: Date.now() - t0 };
}

function parseArgs(argv) {
  const opts = { jobs: 6, only: null, labels: DEFAULT_LABELS, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--jobs' || a === '-j') opts.jobs = Math.max(1, parseInt(val(), 10) || 1);
    else if (a === '--only') opts.only = val();
    else if (a === '--labels') opts.labels = path.resolve(val());
    else if (a === '--force') opts.force = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/fetch.mjs [--jobs N] [--only NAME[@VERSION]] [--labels FILE] [--force]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

export function selectOnly(packages, only) {
  if (!only) return packages;
  return packages.filter((p) => p.name === only || `${p.name}@${p.version}` === only || pkgKey(p.name, p.version) === only);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const pkgs = selectOnly(uniquePackages(loadLabels(opts.labels)), opts.only);
  if (!pkgs.length) {
    console.error(`no package matches ${opts.only}`);
    process.exit(2);
  }
  const { results, failures, elapsedMs } = await fetchAll(pkgs, { jobs: opts.jobs, force: opts.force, log: console.log });
  const ok = pkgs.filter((p) => existsSync(packageDir(p.name, p.version))).length;
  console.log(
    `\n${ok}/${pkgs.length} packages available in ${path.relative(process.cwd(), PACKAGES_DIR) || PACKAGES_DIR}; ` +
      `${results.length} fetched this run in ${(elapsedMs / 1000).toFixed(1)} s`,
  );
  if (failures.length) {
    console.log(`\n${failures.length} failed (see ${path.relative(process.cwd(), FAILURES_FILE)}):`);
    for (const f of failures) console.log(`  ${f.package}@${f.version} [${f.stage}] ${f.error}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}
