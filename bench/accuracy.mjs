#!/usr/bin/env node
// Accuracy benchmark: scan each labelled package with nodesec and score the findings against
// the ground-truth labels in bench/data/explodejs-dev.json. See bench/README.md.
//
//   npm run bench:accuracy -- [--class C[,C]] [--only PKG[@VER]] [--threat-model M] [--jobs N]
//                             [--json FILE] [--scanner PATH] [--tolerance N] [--timeout S]
//                             [--limit N] [--no-fetch] [--labels FILE]
//
// Plain Node ESM, no dependencies. It is a report, not a test: exits 0 whatever the numbers are,
// and non-zero only when the harness itself cannot run.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_LABELS,
  FAILURES_FILE,
  fetchAll,
  loadLabels,
  packageDir,
  pkgKey,
  pool,
  selectOnly,
  uniquePackages,
} from './fetch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..');
export const CLASSES = ['code-injection', 'command-injection', 'path-traversal', 'prototype-pollution'];

const USAGE = `usage: npm run bench:accuracy -- [options]
  --class C[,C]        only these classes (${CLASSES.join(', ')}); repeatable
  --only PKG[@VER]     only this package
  --threat-model M     threat model passed to the scanner (default: library)
  --jobs N             packages scanned at once (default 1, so times are honest)
  --json FILE          write the raw per-package results and the scores to FILE
  --scanner PATH       scanner script run with node (default: bin/nodesec.js)
  --in-process         run scan() from dist/ in this process instead of one CLI process per
                       package: times exclude Node start-up and parser loading
  --tolerance N        line tolerance for a match (default 3)
  --timeout S          per-package timeout in seconds (default 60)
  --limit N            print at most N misses and N unlabeled findings (default: all)
  --no-fetch           do not fetch missing packages
  --labels FILE        ground-truth file (default: bench/data/explodejs-dev.json)`;

function parseArgs(argv) {
  const o = {
    classes: [],
    only: null,
    threatModel: 'library',
    jobs: 1,
    json: null,
    scanner: path.join(REPO, 'bin', 'nodesec.js'),
    scannerIsDefault: true,
    tolerance: 3,
    timeoutS: 60,
    limit: 0,
    fetch: true,
    labels: DEFAULT_LABELS,
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    const int = (v, min) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${a}: expected an integer >= ${min}, got '${v}'`);
      return n;
    };
    switch (a) {
      case '--class':
        for (const c of val().split(',').map((s) => s.trim()).filter(Boolean)) {
          if (!CLASSES.includes(c)) throw new UsageError(`unknown class '${c}' (one of ${CLASSES.join(', ')})`);
          o.classes.push(c);
        }
        break;
      case '--only':
        o.only = val();
        break;
      case '--threat-model':
        o.threatModel = val();
        break;
      case '--in-process':
        o.inProcess = true;
        break;
      case '--jobs':
      case '-j':
        o.jobs = int(val(), 1);
        break;
      case '--json':
        o.json = path.resolve(val());
        break;
      case '--scanner':
        o.scanner = path.resolve(val());
        o.scannerIsDefault = false;
        break;
      case '--tolerance':
        o.tolerance = int(val(), 0);
        break;
      case '--timeout':
        o.timeoutS = int(val(), 1);
        break;
      case '--limit':
        o.limit = int(val(), 0);
        break;
      case '--no-fetch':
        o.fetch = false;
        break;
      case '--labels':
        o.labels = path.resolve(val());
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown option '${argv[i]}'`);
    }
  }
  o.classes = o.classes.length ? CLASSES.filter((c) => o.classes.includes(c)) : [...CLASSES];
  return o;
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// Running the scanner

/**
 * Results cache of the CLI runs: a new empty folder per benchmark run, so every package is scanned
 * cold (nothing reused from an earlier run), as a first scan in CI would be. nodesec's own code
 * cache (its parser's compiled code, in its install folder) is used as in any installed copy.
 */
let resultsCache;
function resultsCacheDir() {
  if (!resultsCache) {
    resultsCache = mkdtempSync(path.join(os.tmpdir(), 'nodesec-bench-cache-'));
    process.on('exit', () => rmSync(resultsCache, { recursive: true, force: true }));
  }
  return resultsCache;
}

/** Run the scanner on one package dir. Never throws. */
export function runScanner(scanner, dir, { threatModel = 'library', timeoutMs = 60_000 } = {}) {
  const args = [scanner, 'scan', dir, '--threat-model', threatModel, '--format', 'json', '--severity', 'low', '--fail-on', 'none', '--no-color', '--cache-location', resultsCacheDir()];
  return new Promise((resolve) => {
    const out = [];
    const err = [];
    let timedOut = false;
    const t0 = process.hrtime.bigint();
    let child;
    try {
      child = spawn(process.execPath, args, {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
    } catch (e) {
      resolve({ ms: 0, exitCode: null, signal: null, timedOut, stdout: '', stderr: String(e) });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => err.push(Buffer.from(`\n[spawn error] ${e}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      resolve({
        ms,
        exitCode: code,
        signal,
        timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/**
 * --in-process: run nodesec's scan() in this process, one package after another. The parser is
 * loaded once, so the time per package is the scan itself (discovery, reading, parsing, analysis,
 * linking, report) without Node start-up and module loading, which the CLI mode includes.
 */
let inProcessApi;
export async function runInProcess(dir, threatModel) {
  if (!inProcessApi) {
    const [{ scan }, { rules }, { jsonReporter }] = await Promise.all([
      import(path.join(REPO, 'dist/src/scan.js')),
      import(path.join(REPO, 'dist/rules/index.js')),
      import(path.join(REPO, 'dist/src/reporters/json.js')),
    ]);
    inProcessApi = { scan, rules, jsonReporter };
    // Load the parser outside the timed region, as a long-lived process would have it loaded.
    await (await import(path.join(REPO, 'dist/src/parse.js'))).loadParser();
  }
  const t0 = process.hrtime.bigint();
  try {
    const result = await inProcessApi.scan({ paths: [dir], cwd: REPO, rules: inProcessApi.rules, threatModel, severity: 'low' });
    const stdout = inProcessApi.jsonReporter(result, { color: false });
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, exitCode: 0, signal: null, timedOut: false, stdout, stderr: '' };
  } catch (e) {
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, exitCode: 2, signal: null, timedOut: false, stdout: '', stderr: String(e?.stack ?? e) };
  }
}

/** Parse the scanner's stdout defensively. Returns {report, warning} or {error}. */
export function parseReport(stdout) {
  const text = stdout.trim();
  if (!text) return { error: 'empty output' };
  let report;
  let warning = null;
  try {
    report = JSON.parse(text);
  } catch {
    // Tolerate stray lines around the JSON document (e.g. a log line printed to stdout).
    const a = text.indexOf('{');
    const b = text.lastIndexOf('}');
    try {
      if (a < 0 || b <= a) throw new Error();
      report = JSON.parse(text.slice(a, b + 1));
      warning = 'output had non-JSON text around the JSON document';
    } catch {
      return { error: `output is not JSON: ${JSON.stringify(text.slice(0, 120))}` };
    }
  }
  if (!report || typeof report !== 'object' || Array.isArray(report)) return { error: 'output JSON is not an object' };
  if (!Array.isArray(report.findings)) return { error: 'output JSON has no findings array' };
  return { report, warning };
}

/** Normalise a finding's file to a posix path relative to the package dir. */
export function relFile(file, dir) {
  if (typeof file !== 'string' || !file) return '';
  let f = file.replace(/\\/g, '/');
  if (f.startsWith('file://')) {
    try {
      f = fileURLToPath(f).replace(/\\/g, '/');
    } catch {
      /* keep as is */
    }
  }
  if (path.isAbsolute(f)) f = path.relative(dir, f).replace(/\\/g, '/');
  return path.posix.normalize(f).replace(/^(\.\/)+/, '');
}

function normFinding(f, dir) {
  const o = f && typeof f === 'object' ? f : {};
  return {
    ruleId: typeof o.ruleId === 'string' ? o.ruleId : String(o.ruleId ?? ''),
    severity: o.severity,
    message: typeof o.message === 'string' ? o.message : String(o.message ?? ''),
    file: relFile(o.file, dir),
    line: Number.isFinite(Number(o.line)) ? Number(o.line) : NaN,
    column: o.column,
    audit: o.audit === true,
    snippet: typeof o.snippet === 'string' ? o.snippet : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Scoring

function labelPlaces(label) {
  const places = [[label.file, label.line]];
  if (Array.isArray(label.alt)) for (const p of label.alt) if (Array.isArray(p) && p.length >= 2) places.push([p[0], p[1]]);
  return places.map(([f, l]) => [path.posix.normalize(String(f).replace(/\\/g, '/')).replace(/^(\.\/)+/, ''), Number(l)]);
}

/** Does finding f (normalised) hit label at any of its places within +-tol lines? */
export function hits(f, label, tol) {
  if (f.ruleId !== label.class || !Number.isFinite(f.line)) return false;
  return labelPlaces(label).some(([file, line]) => f.file === file && Math.abs(f.line - line) <= tol);
}

/**
 * Score one package. `labels`: this package's labels (already filtered by class);
 * `findings`: normalised findings; returns per-label outcome and unlabeled findings.
 */
export function scorePackage(labels, findings, { tolerance = 3, classes = CLASSES } = {}) {
  const wanted = findings.filter((f) => classes.includes(f.ruleId));
  const outcomes = labels.map((label) => {
    const real = wanted.filter((f) => !f.audit && hits(f, label, tolerance));
    const audit = wanted.filter((f) => f.audit && hits(f, label, tolerance));
    return { label, detected: real.length > 0, auditHit: real.length === 0 && audit.length > 0, matches: real.length };
  });
  const unlabeled = [];
  let matched = 0;
  const auditFindings = {};
  for (const f of wanted) {
    if (f.audit) {
      auditFindings[f.ruleId] = (auditFindings[f.ruleId] ?? 0) + 1;
      continue;
    }
    if (labels.some((l) => hits(f, l, tolerance))) matched++;
    else unlabeled.push(f);
  }
  return { outcomes, unlabeled, matched, auditFindings };
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx];
}

// ---------------------------------------------------------------------------------------------
// Reporting helpers

const fileCache = new Map();
function sourceLine(dir, file, line) {
  const key = path.join(dir, file);
  let lines = fileCache.get(key);
  if (lines === undefined) {
    try {
      lines = readFileSync(key, 'utf8').split(/\r\n|\r|\n/);
    } catch {
      lines = null;
    }
    fileCache.set(key, lines);
  }
  if (!lines || !(line >= 1 && line <= lines.length)) return null;
  const t = lines[line - 1].trim();
  if (!t) return '(blank line)';
  return t.length > 200 ? `${t.slice(0, 197)}...` : t;
}

function pad(s, n, right = false) {
  s = String(s);
  return right ? s.padStart(n) : s.padEnd(n);
}

function table(rows, rightCols = new Set()) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((v, c) => pad(v, widths[c], rightCols.has(c))).join('  ').trimEnd()).join('\n');
}

const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
const secs = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '-');
const oneLine = (s, n = 200) => {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 3)}...` : t;
};

// ---------------------------------------------------------------------------------------------

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`bench:accuracy: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw e;
  }

  if (!existsSync(o.scanner)) {
    console.error(`bench:accuracy: scanner not found: ${o.scanner}`);
    process.exit(2);
  }
  if (o.scannerIsDefault && !existsSync(path.join(REPO, 'dist', 'src', 'cli.js'))) {
    console.error('bench:accuracy: dist/src/cli.js is missing: run `npm run build` first.');
    process.exit(2);
  }

  const allLabels = loadLabels(o.labels).filter((l) => o.classes.includes(l.class));
  let packages = selectOnly(uniquePackages(allLabels), o.only);
  if (!packages.length) {
    console.error(`bench:accuracy: no labelled package matches${o.only ? ` '${o.only}'` : ''} for classes ${o.classes.join(', ')}`);
    process.exit(2);
  }
  const keys = new Set(packages.map((p) => pkgKey(p.name, p.version)));
  const labels = allLabels.filter((l) => keys.has(pkgKey(l.package, l.version)));

  // Fetch what is missing.
  const missing = packages.filter((p) => !existsSync(packageDir(p.name, p.version)));
  if (missing.length && o.fetch) {
    const { failures } = await fetchAll(missing, { jobs: 6, log: (m) => process.stderr.write(`${m}\n`) });
    if (failures.length) process.stderr.write(`${failures.length} package(s) could not be fetched; see ${path.relative(process.cwd(), FAILURES_FILE)}\n`);
  }
  const unavailable = packages.filter((p) => !existsSync(packageDir(p.name, p.version)));
  const unavailableKeys = new Set(unavailable.map((p) => pkgKey(p.name, p.version)));
  packages = packages.filter((p) => !unavailableKeys.has(pkgKey(p.name, p.version)));

  // Scan.
  const rel = path.relative(REPO, o.scanner);
  const scannerLabel = rel && !rel.startsWith('..') ? rel : o.scanner;
  process.stderr.write(
    `scanning ${packages.length} packages with ${scannerLabel} (threat model ${o.threatModel}, ${o.jobs} at a time, timeout ${o.timeoutS} s)\n`,
  );
  const tStart = Date.now();
  let done = 0;
  const runs = await pool(packages, o.jobs, async (p) => {
    const dir = packageDir(p.name, p.version);
    const r = o.inProcess
      ? await runInProcess(dir, o.threatModel)
      : await runScanner(o.scanner, dir, { threatModel: o.threatModel, timeoutMs: o.timeoutS * 1000 });
    let error = null;
    let warning = null;
    let report = null;
    if (r.timedOut) error = `timed out after ${o.timeoutS} s`;
    else if (r.signal) error = `killed by ${r.signal}`;
    else {
      const parsed = parseReport(r.stdout);
      if (parsed.error) error = r.exitCode ? `crashed (exit code ${r.exitCode}, ${parsed.error})` : parsed.error;
      else {
        report = parsed.report;
        warning = parsed.warning;
        if (r.exitCode) warning = [warning, `exit code ${r.exitCode}`].filter(Boolean).join('; ');
      }
    }
    const stderrTail = r.stderr.trim().split('\n').slice(-5).join('\n');
    if (error && stderrTail) error += ` | stderr: ${oneLine(stderrTail, 300)}`;
    const findings = report ? report.findings.map((f) => normFinding(f, dir)) : [];
    const diagnostics = report && Array.isArray(report.diagnostics) ? report.diagnostics : [];
    done++;
    process.stderr.write(
      `  [${done}/${packages.length}] ${p.name}@${p.version} ${secs(r.ms)} ` +
        (error ? `ERROR: ${oneLine(error, 160)}` : `${findings.length} finding(s)${warning ? ` (${warning})` : ''}`) +
        '\n',
    );
    return {
      package: p.name,
      version: p.version,
      dir,
      ms: r.ms,
      exitCode: r.exitCode,
      error,
      warning,
      stderr: r.stderr ? r.stderr.slice(-4000) : '',
      findings,
      diagnostics,
      stats: report && report.stats && typeof report.stats === 'object' ? report.stats : null,
    };
  });
  const totalMs = Date.now() - tStart;

  // Score.
  const byPkgLabels = new Map();
  for (const l of labels) {
    const k = pkgKey(l.package, l.version);
    if (!byPkgLabels.has(k)) byPkgLabels.set(k, []);
    byPkgLabels.get(k).push(l);
  }
  const outcomes = [];
  const unlabeled = [];
  const perClass = Object.fromEntries(
    o.classes.map((c) => [c, { labels: 0, detected: 0, auditHits: 0, matchedFindings: 0, unlabeled: 0, auditFindings: 0 }]),
  );
  let otherRuleFindings = 0;
  const otherRules = {};
  const diagKinds = {};
  for (const run of runs) {
    const k = pkgKey(run.package, run.version);
    const pl = byPkgLabels.get(k) ?? [];
    for (const d of run.diagnostics) {
      const kind = d && typeof d === 'object' && d.kind ? String(d.kind) : 'unknown';
      diagKinds[kind] = (diagKinds[kind] ?? 0) + 1;
    }
    for (const f of run.findings) {
      if (!CLASSES.includes(f.ruleId)) {
        otherRuleFindings++;
        otherRules[f.ruleId || '(none)'] = (otherRules[f.ruleId || '(none)'] ?? 0) + 1;
      }
    }
    if (run.error) {
      for (const l of pl) outcomes.push({ label: l, detected: false, auditHit: false, reason: 'scanner error' });
      continue;
    }
    const s = scorePackage(pl, run.findings, { tolerance: o.tolerance, classes: o.classes });
    outcomes.push(...s.outcomes);
    for (const f of s.unlabeled) unlabeled.push({ run, f });
    for (const f of run.findings) {
      if (o.classes.includes(f.ruleId) && !f.audit && pl.some((l) => hits(f, l, o.tolerance))) perClass[f.ruleId].matchedFindings++;
    }
    for (const [c, n] of Object.entries(s.auditFindings)) perClass[c].auditFindings += n;
  }
  for (const p of unavailable) {
    for (const l of byPkgLabels.get(pkgKey(p.name, p.version)) ?? []) outcomes.push({ label: l, detected: false, auditHit: false, reason: 'package not fetched' });
  }
  for (const oc of outcomes) {
    const c = perClass[oc.label.class];
    c.labels++;
    if (oc.detected) c.detected++;
    if (oc.auditHit) c.auditHits++;
  }
  for (const { f } of unlabeled) perClass[f.ruleId].unlabeled++;

  const scanned = runs.filter((r) => !r.error);
  const errors = runs.filter((r) => r.error);
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);

  // Print the report.
  const L = (s = '') => console.log(s);
  L(`nodesec accuracy benchmark: ${path.relative(REPO, o.labels) || o.labels}`);
  L(
    `scanner ${scannerLabel}, threat model ${o.threatModel}, tolerance +-${o.tolerance} lines` +
      `${o.only ? `, only ${o.only}` : ''}${o.classes.length < CLASSES.length ? `, classes ${o.classes.join(',')}` : ''}`,
  );
  L(
    `packages: ${packages.length + unavailable.length} labelled, ${scanned.length} scanned, ${errors.length} scanner errors` +
      `${unavailable.length ? `, ${unavailable.length} not fetched` : ''}`,
  );
  L();
  const rows = [['class', 'labels', 'detected', 'recall', 'audit-only hits', 'recall incl. audit', 'findings at labels', 'unlabeled', 'audit findings']];
  const tot = { labels: 0, detected: 0, auditHits: 0, matchedFindings: 0, unlabeled: 0, auditFindings: 0 };
  for (const c of o.classes) {
    const s = perClass[c];
    for (const k of Object.keys(tot)) tot[k] += s[k];
    rows.push([c, s.labels, s.detected, pct(s.detected, s.labels), s.auditHits, pct(s.detected + s.auditHits, s.labels), s.matchedFindings, s.unlabeled, s.auditFindings]);
  }
  rows.push(['total', tot.labels, tot.detected, pct(tot.detected, tot.labels), tot.auditHits, pct(tot.detected + tot.auditHits, tot.labels), tot.matchedFindings, tot.unlabeled, tot.auditFindings]);
  L(table(rows, new Set([1, 2, 3, 4, 5, 6, 7, 8])));
  L();
  L(
    `unlabeled findings per package: ${scanned.length ? (tot.unlabeled / scanned.length).toFixed(2) : '-'} ` +
      `(${tot.unlabeled} over ${scanned.length} packages scanned)`,
  );
  L(`share of findings at a label: ${pct(tot.matchedFindings, tot.matchedFindings + tot.unlabeled)} (a lower bound on precision: some unlabeled findings are real)`);
  if (otherRuleFindings) {
    const top = Object.entries(otherRules).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
    L(`findings of other rules (not scored): ${otherRuleFindings} (${top})`);
  }
  const diagTotal = Object.values(diagKinds).reduce((a, b) => a + b, 0);
  if (diagTotal) L(`diagnostics: ${diagTotal} (${Object.entries(diagKinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')})`);
  L(
    `time per package: median ${secs(percentile(times, 0.5))}, p90 ${secs(percentile(times, 0.9))}, max ${secs(times[times.length - 1])}; ` +
      `total ${secs(totalMs)} (${o.jobs} at a time)`,
  );
  const warned = runs.filter((r) => r.warning);
  if (warned.length) L(`warnings: ${warned.length} package(s) (${warned.slice(0, 5).map((r) => `${r.package}: ${r.warning}`).join('; ')}${warned.length > 5 ? '; ...' : ''})`);

  if (errors.length) {
    L();
    L(`== scanner errors (${errors.length}) ==`);
    for (const r of errors) L(`  ${r.package}@${r.version} (${secs(r.ms)}): ${oneLine(r.error, 400)}`);
  }
  if (unavailable.length) {
    L();
    L(`== packages not fetched (${unavailable.length}) ==`);
    for (const p of unavailable) L(`  ${p.name}@${p.version}`);
  }

  const cap = (arr) => (o.limit ? arr.slice(0, o.limit) : arr);
  const misses = outcomes
    .filter((oc) => !oc.detected)
    .sort((a, b) => a.label.class.localeCompare(b.label.class) || a.label.package.localeCompare(b.label.package) || a.label.line - b.label.line);
  L();
  L(`== misses (${misses.length}) ==`);
  const runByKey = new Map(runs.map((r) => [pkgKey(r.package, r.version), r]));
  for (const oc of cap(misses)) {
    const l = oc.label;
    let note = oc.reason ? ` [${oc.reason}]` : oc.auditHit ? ' [audit hit]' : '';
    const run = runByKey.get(pkgKey(l.package, l.version));
    if (run && !run.error && !oc.auditHit) {
      // Closest finding of the right class in a labelled file: shows tolerance or file mix-ups.
      const files = new Set(labelPlaces(l).map(([f]) => f));
      const near = run.findings
        .filter((f) => f.ruleId === l.class && files.has(f.file))
        .sort((a, b) => Math.abs(a.line - l.line) - Math.abs(b.line - l.line))[0];
      if (near) note += ` [nearest ${near.audit ? 'audit ' : ''}${l.class} finding at ${near.file}:${near.line}]`;
    }
    L(`  ${l.package}@${l.version}  ${l.class}  ${l.file}:${l.line}${note}`);
    L(`      ${oneLine(l.text)}`);
  }
  if (o.limit && misses.length > o.limit) L(`  ... ${misses.length - o.limit} more (--limit ${o.limit})`);

  unlabeled.sort(
    (a, b) => a.f.ruleId.localeCompare(b.f.ruleId) || a.run.package.localeCompare(b.run.package) || a.f.file.localeCompare(b.f.file) || a.f.line - b.f.line,
  );
  L();
  L(`== unlabeled findings (${unlabeled.length}) ==`);
  for (const { run, f } of cap(unlabeled)) {
    L(`  ${run.package}@${run.version}  ${f.ruleId}  ${f.file}:${f.line}  ${oneLine(f.message, 160)}`);
    const src = sourceLine(run.dir, f.file, f.line) ?? (f.snippet ? oneLine(f.snippet) : '');
    L(`      ${src || '(source line not found)'}`);
  }
  if (o.limit && unlabeled.length > o.limit) L(`  ... ${unlabeled.length - o.limit} more (--limit ${o.limit})`);

  if (o.json) {
    mkdirSync(path.dirname(o.json), { recursive: true });
    const out = {
      labelsFile: path.relative(REPO, o.labels),
      scanner: scannerLabel,
      threatModel: o.threatModel,
      tolerance: o.tolerance,
      classes: o.classes,
      jobs: o.jobs,
      totalMs,
      summary: {
        perClass,
        total: tot,
        packagesScanned: scanned.length,
        scannerErrors: errors.length,
        notFetched: unavailable.map((p) => `${p.name}@${p.version}`),
        timeMs: { median: percentile(times, 0.5), p90: percentile(times, 0.9), max: times[times.length - 1] ?? null },
      },
      labels: outcomes.map((oc) => ({ ...oc.label, detected: oc.detected, auditHit: oc.auditHit, reason: oc.reason })),
      packages: runs.map((r) => ({ ...r, dir: path.relative(REPO, r.dir) })),
      unlabeled: unlabeled.map(({ run, f }) => ({ package: run.package, version: run.version, ...f, source: sourceLine(run.dir, f.file, f.line) })),
    };
    writeFileSync(o.json, JSON.stringify(out, null, 2) + '\n');
    L();
    L(`raw results written to ${path.relative(process.cwd(), o.json) || o.json}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`bench:accuracy: harness error: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}
