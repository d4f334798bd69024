#!/usr/bin/env node
/**
 * Scores the `hardcoded-secret` rule on the labelled corpus, end to end through the CLI:
 *
 *   node bin/nodesec.js scan bench/secrets/corpus --rule hardcoded-secret --format json --severity low --fail-on none
 *
 * (the headline figure), next to secretlint with its recommended preset on the same files when it
 * is installed, and the detection core alone (src/secrets/detect.ts, no use-site checks).
 *
 *   npx tsc -p tsconfig.json            # builds dist/ (run.mjs does it when dist is stale)
 *   node bench/secrets/run.mjs [--json] [--verbose] [--no-secretlint]
 *   node bench/secrets/run.mjs --survey node_modules   # unlabelled false-positive survey of real code
 *
 * secretlint is installed outside the project's dependencies:
 *   npm install --prefix bench/.cache/secretlint secretlint @secretlint/secretlint-rule-preset-recommend
 *
 * The "detect.ts core" row handles JS/TS files with the core functions only: provider formats over
 * the whole file text (comments, concatenated PEM blocks), plus every string literal / template
 * literal checked with the name it is bound to (variable, property, assignment target, default
 * parameter, `process.env.X ?? '...'`, header name). The rule adds constant folding and the places
 * where code uses a secret (jwt keys, session secrets, database passwords ...).
 *
 * Scoring is by line: a labelled positive is found when a hit's [line, endLine] range covers it; a
 * hit covering no labelled positive is a false positive. Both tools get the same file list: JS/TS
 * sources plus the files wantsSecretTextFile() accepts (lockfiles, package.json and tsconfig are
 * excluded for both).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CORPUS = join(HERE, 'corpus');
const DIST = join(ROOT, 'dist', 'src', 'secrets', 'detect.js');
const DIST_RULE = join(ROOT, 'dist', 'rules', 'hardcoded-secret.js');
const CLI = join(ROOT, 'bin', 'nodesec.js');
const RULE_ARGS = ['scan', 'bench/secrets/corpus', '--rule', 'hardcoded-secret', '--format', 'json', '--severity', 'low', '--fail-on', 'none', '--no-cache'];
const SECRETLINT_DIR = join(ROOT, 'bench', '.cache', 'secretlint');
const SECRETLINT_BIN = join(SECRETLINT_DIR, 'node_modules', '.bin', 'secretlint');

const argv = process.argv.slice(2);
const args = new Set(argv);
const verbose = args.has('--verbose');

// ---------------------------------------------------------------------------------------------
// Build if stale
// ---------------------------------------------------------------------------------------------

function newestMtime(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}
const stale = (out) => !existsSync(out) || statSync(out).mtimeMs < Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'rules')));
if (stale(DIST) || stale(DIST_RULE)) {
  console.error('building dist/ (npx tsc -p tsconfig.json) ...');
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(DIST) || !existsSync(DIST_RULE)) {
    console.error(`missing ${relative(ROOT, DIST)}; run: npx tsc -p tsconfig.json`);
    process.exit(2);
  }
}
const detect = await import(DIST);
const { parse } = await import('@typescript-eslint/typescript-estree');

// ---------------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------------

const labels = JSON.parse(readFileSync(join(HERE, 'labels.json'), 'utf8'));

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(relative(CORPUS, p).split('\\').join('/'));
  }
  return out.sort();
}
const JS_RE = /\.(?:[cm]?[jt]sx?)$/;
const allFiles = walk(CORPUS);
const scanned = allFiles.filter((f) => JS_RE.test(f) || detect.wantsSecretTextFile(f));

// ---------------------------------------------------------------------------------------------
// Our detector
// ---------------------------------------------------------------------------------------------

function lineStartsOf(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
function lineAt(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function keyName(key, computed) {
  if (!key) return undefined;
  if (key.type === 'Identifier' && !computed) return key.name;
  if (key.type === 'PrivateIdentifier') return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return undefined;
}
function targetName(node) {
  if (!node) return undefined;
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression') return keyName(node.property, node.computed && node.property.type !== 'Literal');
  return undefined;
}
/** `process.env.NAME` on the other side of `||` / `??`. */
function envName(node) {
  if (node?.type !== 'MemberExpression') return undefined;
  const obj = node.object;
  if (obj?.type === 'MemberExpression' && obj.property?.type === 'Identifier' && obj.property.name === 'env') {
    return keyName(node.property, node.computed && node.property.type !== 'Literal');
  }
  return undefined;
}

/** The name a string literal is bound to, walking up through wrappers. */
function nameFor(node, parents) {
  let child = node;
  let fallback;
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i];
    switch (p.type) {
      case 'VariableDeclarator':
        return p.init === child ? targetName(p.id) : undefined;
      case 'Property':
        return p.value === child ? keyName(p.key, p.computed) : undefined;
      case 'PropertyDefinition':
        return p.value === child ? keyName(p.key, p.computed) : undefined;
      case 'AssignmentExpression':
        return p.right === child ? targetName(p.left) : undefined;
      case 'AssignmentPattern':
        return p.right === child ? targetName(p.left) : undefined;
      case 'JSXAttribute':
        return p.name?.type === 'JSXIdentifier' ? p.name.name : undefined;
      case 'CallExpression':
      case 'NewExpression': {
        // headers.set('x-api-key', '...'), res.setHeader('Authorization', '...')
        const idx = p.arguments.indexOf(child);
        const first = p.arguments[0];
        if (idx === 1 && first?.type === 'Literal' && typeof first.value === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,60}$/.test(first.value)) {
          return first.value;
        }
        return fallback;
      }
      case 'LogicalExpression':
        if (p.right === child) fallback ??= envName(p.left);
        child = p;
        continue;
      case 'ConditionalExpression':
        if (p.test === child) return undefined;
        child = p;
        continue;
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
      case 'AwaitExpression':
        child = p;
        continue;
      default:
        return fallback;
    }
  }
  return fallback;
}

function scanJs(file, text) {
  const hits = [];
  const starts = lineStartsOf(text);
  for (const m of detect.findProviderSecrets(text)) {
    hits.push({ line: lineAt(starts, m.index), endLine: lineAt(starts, m.index + m.length), message: m.message, id: m.id });
  }
  let ast;
  try {
    ast = parse(text, { loc: true, range: true, jsx: /x$/.test(file) || file.endsWith('.js') });
  } catch (e) {
    console.error(`parse error in ${file}: ${e.message}`);
    return hits;
  }
  const parents = [];
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Literal' && typeof node.value === 'string') {
      report(node, node.value, nameFor(node, parents), false);
    } else if (node.type === 'TemplateLiteral' && node.expressions.length === 0) {
      report(node, node.quasis[0]?.value.cooked ?? '', nameFor(node, parents), true);
    } else if (node.type === 'JSXText') {
      // text content: provider formats only (already covered by the whole-text pass)
    }
    parents.push(node);
    for (const key of Object.keys(node)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      const v = node[key];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v.type === 'string') visit(v);
    }
    parents.pop();
  };
  const report = (node, value, name, multiline) => {
    for (const m of detect.findSecretsInValue(value, name)) {
      let line = node.loc.start.line;
      let endLine = node.loc.end.line;
      if (multiline) {
        line += (value.slice(0, m.index).match(/\n/g) ?? []).length;
        endLine = line + (value.slice(m.index, m.index + m.length).match(/\n/g) ?? []).length;
      }
      hits.push({ line, endLine, message: m.message, id: m.id });
    }
  };
  visit(ast);
  return hits;
}

/**
 * --survey DIR...: no labels; scan real code (e.g. node_modules) and list every hit. Real
 * dependencies hold next to no live secrets, so this estimates false positives out of sample.
 */
function survey(dirs) {
  let files = 0;
  let count = 0;
  const visitDir = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        visitDir(p);
        continue;
      }
      if (!e.isFile() || statSync(p).size > 500_000 || e.name.endsWith('.d.ts')) continue;
      const rel = relative(dir, p).split('\\').join('/');
      const js = /\.(?:[cm]?js|[cm]?ts|jsx|tsx)$/.test(e.name);
      // Inside node_modules the rule would never look; judge the file by its own name here.
      if (!js && !detect.wantsSecretTextFile(e.name === rel ? rel : rel.replace(/^.*node_modules\//, ''))) continue;
      const text = readFileSync(p, 'utf8');
      files++;
      const hits = js ? scanJs(e.name, text) : detect.scanConfigText(e.name, text);
      for (const h of hits) {
        count++;
        console.log(`${relative(ROOT, p)}:${h.line}  ${h.id}: ${h.message}`);
      }
    }
  };
  for (const d of dirs) visitDir(d);
  console.log(`survey: ${files} files, ${count} hits`);
}

/** The rule through the CLI: every finding by file, as the JSON report gives it. */
function runRule() {
  const res = spawnSync(process.execPath, [CLI, ...RULE_ARGS], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(res.stdout);
  } catch {
    console.error(`nodesec produced no JSON (exit ${res.status}): ${res.stderr.slice(0, 500)}`);
    process.exit(2);
  }
  const byFile = new Map(scanned.map((f) => [f, []]));
  for (const f of report.findings) {
    if (f.ruleId !== 'hardcoded-secret') continue;
    if (!byFile.has(f.file)) byFile.set(f.file, []);
    byFile.get(f.file).push({ line: f.line, endLine: f.endLine, message: f.message, id: f.severity });
  }
  return byFile;
}

function runOurs() {
  const byFile = new Map();
  for (const f of scanned) {
    const text = readFileSync(join(CORPUS, f), 'utf8');
    const hits = JS_RE.test(f) ? scanJs(f, text) : detect.scanConfigText(f, text).map((h) => ({ ...h }));
    byFile.set(f, hits);
  }
  return byFile;
}

// ---------------------------------------------------------------------------------------------
// secretlint
// ---------------------------------------------------------------------------------------------

const SECRETLINT_CONFIG = join(SECRETLINT_DIR, '.secretlintrc.json');
const SECRETLINT_FILES = join(SECRETLINT_DIR, 'files.txt');
const secretlintCommand = () =>
  `xargs -d '\\n' -a ${relative(ROOT, SECRETLINT_FILES)} ${relative(ROOT, SECRETLINT_BIN)} ` +
  `--secretlintrc ${relative(ROOT, SECRETLINT_CONFIG)} --format json --no-glob`;

function runSecretlint() {
  if (!existsSync(SECRETLINT_BIN)) return undefined;
  mkdirSync(SECRETLINT_DIR, { recursive: true });
  writeFileSync(SECRETLINT_CONFIG, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }, null, 2) + '\n');
  writeFileSync(SECRETLINT_FILES, scanned.map((f) => relative(ROOT, join(CORPUS, f))).join('\n') + '\n');
  const res = spawnSync(
    SECRETLINT_BIN,
    ['--secretlintrc', SECRETLINT_CONFIG, '--format', 'json', '--no-glob', '--no-color', ...scanned.map((f) => join(CORPUS, f))],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  let results;
  try {
    results = JSON.parse(res.stdout);
  } catch {
    console.error(`secretlint produced no JSON (exit ${res.status}): ${res.stderr.slice(0, 500)}`);
    return undefined;
  }
  const byFile = new Map(scanned.map((f) => [f, []]));
  for (const r of results) {
    const f = relative(CORPUS, r.filePath).split('\\').join('/');
    const hits = byFile.get(f) ?? [];
    for (const m of r.messages ?? []) {
      hits.push({ line: m.loc.start.line, endLine: m.loc.end.line, message: m.message, id: m.ruleId });
    }
    byFile.set(f, hits);
  }
  let version = '?';
  try {
    version = JSON.parse(readFileSync(join(SECRETLINT_DIR, 'node_modules', 'secretlint', 'package.json'), 'utf8')).version;
  } catch {}
  return { byFile, version };
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

const scannedSet = new Set(scanned);
// Only labels in files the tools read are scored: a negative in a lockfile nodesec never opens is
// not evidence of precision. Those are counted apart (unreadNegatives) and printed as such.
const positives = labels.positives.filter((p) => scannedSet.has(p.file));
const unreadPositives = labels.positives.filter((p) => !scannedSet.has(p.file));
const negatives = labels.negatives.filter((n) => scannedSet.has(n.file));
const unreadNegatives = labels.negatives.filter((n) => !scannedSet.has(n.file));
if (unreadPositives.length) {
  console.error(`labelled positives in files neither tool reads: ${unreadPositives.map((p) => `${p.file}:${p.line}`).join(', ')}`);
  process.exit(2);
}

function score(byFile) {
  const posByFile = new Map();
  for (const p of positives) {
    if (!posByFile.has(p.file)) posByFile.set(p.file, []);
    posByFile.get(p.file).push(p);
  }
  const found = new Set();
  const fps = [];
  let tp = 0;
  for (const [file, hits] of byFile) {
    const pos = posByFile.get(file) ?? [];
    // One hit per (file, start line): several detectors firing on one secret count once.
    const seen = new Set();
    for (const h of hits) {
      const key = `${h.line}:${h.endLine}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const covered = pos.filter((p) => p.line >= h.line && p.line <= h.endLine);
      if (covered.length > 0) {
        tp++;
        for (const p of covered) found.add(`${p.file}:${p.line}`);
      } else {
        const neg = negatives.find((n) => n.file === file && n.line >= h.line && n.line <= h.endLine);
        fps.push({ file, line: h.line, id: h.id, message: h.message, category: neg?.category ?? '(unlabelled line)' });
      }
    }
  }
  const fns = positives.filter((p) => !found.has(`${p.file}:${p.line}`));
  const precision = tp + fps.length === 0 ? 1 : tp / (tp + fps.length);
  const recall = positives.length === 0 ? 1 : (positives.length - fns.length) / positives.length;
  return { tp, fp: fps.length, fn: fns.length, precision, recall, fps, fns };
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;

if (args.has('--survey')) {
  survey(argv.filter((a) => !a.startsWith('--')));
  process.exit(0);
}

const t0 = performance.now();
const rule = score(runRule());
const ruleMs = performance.now() - t0;
const t1 = performance.now();
const ours = score(runOurs());
const oursMs = performance.now() - t1;
const sl = args.has('--no-secretlint') ? undefined : runSecretlint();
const theirs = sl ? score(sl.byFile) : undefined;

if (args.has('--json')) {
  console.log(JSON.stringify({ positives: positives.length, negatives: negatives.length, unreadNegatives: unreadNegatives.length, rule, core: ours, secretlint: theirs }, null, 2));
  process.exit(0);
}

const patternIds = new Set(positives.map((p) => p.what).filter((w) => w !== 'named' && w !== 'sink'));
const namedCount = positives.filter((p) => p.what === 'named').length;
const sinkCount = positives.filter((p) => p.what === 'sink').length;
console.log(
  `corpus: ${scanned.length} scanned files (${allFiles.length} in corpus), ${positives.length} labelled positives ` +
    `(${positives.length - namedCount - sinkCount} provider-format over ${patternIds.size} pattern ids, ${namedCount} name-based, ` +
    `${sinkCount} at a use site: jwt/session/crypto/database), ${negatives.length} labelled hard negatives in those files ` +
    `(+${unreadNegatives.length} in lockfiles and tsconfig.json, which neither tool is given: not scored)`,
);
console.log('');
console.log('tool                                TP    FP    FN   precision   recall');
const row = (name, r) =>
  console.log(`${name.padEnd(33)} ${String(r.tp).padStart(4)}  ${String(r.fp).padStart(4)}  ${String(r.fn).padStart(4)}   ${pct(r.precision).padStart(8)}  ${pct(r.recall).padStart(7)}`);
row('nodesec hardcoded-secret (CLI)', rule);
if (theirs) row(`secretlint ${sl.version} (recommend)`, theirs);
row('nodesec detect.ts core only', ours);
console.log('');
console.log(`nodesec CLI: ${ruleMs.toFixed(0)} ms (one process, including start-up); detect.ts core: ${oursMs.toFixed(0)} ms`);
console.log('reproduce: node bench/secrets/run.mjs');
console.log(`nodesec: node bin/nodesec.js ${RULE_ARGS.join(' ')}`);
if (theirs) console.log(`secretlint: ${secretlintCommand()}`);
else
  console.log(
    'secretlint: not installed; npm install --prefix bench/.cache/secretlint secretlint @secretlint/secretlint-rule-preset-recommend',
  );

function details(name, r) {
  if (r.fps.length) {
    console.log(`\n${name} false positives:`);
    for (const f of r.fps) console.log(`  ${f.file}:${f.line}  [${f.category}]  ${f.id}: ${f.message}`);
  }
  if (r.fns.length) {
    console.log(`\n${name} missed positives:`);
    for (const f of r.fns) console.log(`  ${f.file}:${f.line}  (${f.what})`);
  }
}
details('nodesec hardcoded-secret', rule);
if (verbose) details('nodesec detect.ts core', ours);
if (theirs && verbose) details('secretlint', theirs);
