/**
 * File discovery: which files a scan reads.
 *
 * - JS/TS sources by extension, plus non-JS files some rules ask for (`wantsTextFile`).
 * - Default excludes (node_modules, .git, dist, build, coverage, *.min.js, *-min.js, *.d.ts) are pruned
 *   during the walk.
 * - Every .gitignore in the tree (with git's precedence: deeper files win, a file inside an
 *   ignored directory can't be re-included), .git/info/exclude and the .gitignore files between
 *   the repository top and the scan root, a root .nodesecignore and the --ignore globs.
 * - A file named on the command line is always scanned.
 * - Output is sorted by relative path and de-duplicated, so it does not depend on file-system order.
 * - Symlinks are not followed out of the scan root unless asked; symlink loops never hang.
 */
import fs, { promises as fsp } from 'node:fs';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { readRegularFile } from './read.js';

export type FileKind = 'js' | 'text';

export interface DiscoveredFile {
  /** Absolute path (through the symlink, if the file was reached through one). */
  abs: string;
  /** Path relative to the scan root, posix separators. */
  rel: string;
  kind: FileKind;
}

export interface SkippedPath {
  rel: string;
  reason: string;
}

export interface DiscoveryResult {
  /** Sorted by `rel` (plain code-unit order), no duplicates. */
  files: DiscoveredFile[];
  /** Command-line paths that do not exist, as the user typed them. */
  missing: string[];
  /** Paths seen but not scanned: symlink loops, symlinks out of the root, broken symlinks... Sorted by `rel`. */
  skipped: SkippedPath[];
}

export interface DiscoveryOptions {
  /** Absolute scan root: the common base of every relative path. See `commonRoot`. */
  root: string;
  /** What the user typed: files or directories, relative to `cwd` or absolute. Empty = the root. */
  paths: string[];
  /** Extra ignore globs (gitignore syntax, relative to the root). */
  ignore: string[];
  /** Follow symlinked directories and files, also out of the root. Default false. */
  followSymlinks?: boolean;
  /** Non-JS files some rules want (relative posix path). Never asked for default-excluded paths. */
  wantsTextFile?: (relPath: string) => boolean;
  /** Base for relative `paths`. Default `process.cwd()`. */
  cwd?: string;
}

export const JS_EXTENSIONS: readonly string[] = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];
/** Directory names excluded at any depth. */
export const DEFAULT_EXCLUDED_DIRS: readonly string[] = ['node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'coverage'];
export const IGNORE_FILE_NAME = '.nodesecignore';

const EXCLUDED_DIR_SET = new Set(DEFAULT_EXCLUDED_DIRS);
const JS_EXT_SET = new Set(JS_EXTENSIONS);
const MIN_RE = /[.-]min\.[cm]?js$/i;
const DTS_RE = /\.d\.[cm]?ts$/i;
const IGNORE_CASE = process.platform === 'win32' || process.platform === 'darwin';

/** True for a JS/TS source by extension (ignores the default file excludes). */
export function isJsPath(p: string): boolean {
  return JS_EXT_SET.has(path.extname(p).toLowerCase());
}

/** Minified bundles and declaration files: never scanned unless named explicitly. */
export function isDefaultExcludedFile(p: string): boolean {
  const base = p.slice(p.lastIndexOf('/') + 1);
  return MIN_RE.test(base) || DTS_RE.test(base);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** Posix path of `abs` relative to `root` ('' for the root itself). */
function relTo(root: string, abs: string): string {
  return toPosix(path.relative(root, abs));
}

/** `inner` is `outer` or lies below it (absolute paths). */
export function isInside(outer: string, inner: string): boolean {
  const r = path.relative(outer, inner);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

function joinRel(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

function dirOfRel(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? 'ERROR';
}

/**
 * The directory that contains all the given paths: for a single directory that directory, for a
 * single file its directory. Paths are resolved against `cwd`; a path that does not exist counts
 * as a directory. No paths = `cwd`.
 */
export function commonRoot(paths: string[], cwd: string): string {
  const base = path.resolve(cwd);
  if (paths.length === 0) return base;
  const dirs = paths.map((p) => {
    const abs = path.resolve(base, p);
    let isFile = false;
    try {
      isFile = !fs.statSync(abs).isDirectory();
    } catch {
      isFile = false;
    }
    return isFile ? path.dirname(abs) : abs;
  });
  let common = dirs[0]!;
  for (const d of dirs.slice(1)) {
    while (!isInside(common, d)) {
      const parent = path.dirname(common);
      if (parent === common) return common; // different drives: nothing better
      common = parent;
    }
  }
  return common;
}

// ---------------------------------------------------------------------------------------------
// Ignore rules
//
// Everything is matched in "top-relative" space, where top is the enclosing git work tree (or the
// scan root outside git). A nested .gitignore's patterns are rewritten to be relative to the top
// ('foo' in a/b/.gitignore becomes '/a/b/**/foo', '/x' or 'x/y' become '/a/b/x', '/a/b/x/y'), so
// one `ignore` instance holding the rules of a directory's ancestor chain, in depth order, gives
// git's precedence: the last matching rule wins, deeper files come later, and a file under an
// ignored directory stays ignored. Matchers are built per directory that has rules, and only
// hold that directory's chain, so large monorepos don't pay for every .gitignore on every file.
// ---------------------------------------------------------------------------------------------

function escapeGlob(s: string): string {
  return s.replace(/[\\*?[\]]/g, '\\$&');
}

/** Rewrite one gitignore line, written in directory `dir` (top-relative), to be top-relative. */
function rewriteLine(rawLine: string, dir: string): string | undefined {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  if (line.trim() === '' || line.startsWith('#')) return undefined;
  if (dir === '') return line;
  const negative = line.startsWith('!');
  const body = negative ? line.slice(1) : line;
  if (body.trim() === '') return undefined;
  // Anchored when a slash occurs anywhere but at the end (after trimming trailing spaces).
  const core = body.replace(/(?<!\\)\s+$/, '').replace(/\/+$/, '');
  const anchored = core.includes('/');
  const prefix = '/' + dir.split('/').map(escapeGlob).join('/');
  const rewritten = anchored ? `${prefix}/${body.replace(/^\/+/, '')}` : `${prefix}/**/${body}`;
  return (negative ? '!' : '') + rewritten;
}

function rewriteLines(text: string, dir: string): string[] {
  const out: string[] = [];
  for (const l of text.split('\n')) {
    const r = rewriteLine(l, dir);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/** --ignore values: strip './', make absolute paths root-relative, use '/' separators. */
function normaliseIgnoreGlob(g: string, root: string): string {
  let neg = '';
  let s = g.trim();
  if (s.startsWith('!')) {
    neg = '!';
    s = s.slice(1);
  }
  if (path.isAbsolute(s) && isInside(root, s)) {
    const trailing = /[\\/]$/.test(s) ? '/' : '';
    s = '/' + relTo(root, s) + trailing;
    if (s === '/' || s === '//') return '';
  }
  s = toPosix(s);
  while (s.startsWith('./')) s = s.slice(2);
  return neg + s;
}

type Ignore = ReturnType<typeof ignore>;

function compile(rules: string[]): Ignore {
  return ignore({ ignorecase: IGNORE_CASE }).add(rules);
}

/** Decides whether a top-relative path is ignored, with git's semantics across nested files. */
class IgnoreMatcher {
  /** Directory (top-relative) -> compiled rules of the .gitignore files in it. */
  private readonly gitignores = new Map<string, Ignore>();
  /** Per directory with rules: its whole chain. Rule objects (and their compiled regexes) are shared. */
  private readonly matchers = new Map<string, Ignore>();
  private readonly nearest = new Map<string, string>();
  private readonly base: Ignore;
  private readonly overrides: Ignore;

  constructor(
    /** Rules below everything (.git/info/exclude). */
    base: Ignore,
    /** Rules above everything (.nodesecignore, --ignore). */
    overrides: Ignore,
  ) {
    this.base = base;
    this.overrides = overrides;
  }

  addGitignore(dir: string, rules: Ignore): void {
    const prev = this.gitignores.get(dir);
    this.gitignores.set(dir, prev ? compile([]).add(prev).add(rules) : rules);
    this.matchers.clear();
    this.nearest.clear();
  }

  /** Nearest directory at or above `dir` with a .gitignore ('' stands for "none" as well as the top). */
  private nearestRuleDir(dir: string): string {
    const cached = this.nearest.get(dir);
    if (cached !== undefined) return cached;
    const result = dir === '' || this.gitignores.has(dir) ? dir : this.nearestRuleDir(dirOfRel(dir));
    this.nearest.set(dir, result);
    return result;
  }

  private matcherFor(ruleDir: string): Ignore {
    let m = this.matchers.get(ruleDir);
    if (m) return m;
    const chain: string[] = [];
    for (let d = ruleDir; ; d = dirOfRel(d)) {
      chain.push(d);
      if (d === '') break;
    }
    m = compile([]).add(this.base);
    for (const d of chain.reverse()) {
      const rules = this.gitignores.get(d);
      if (rules) m.add(rules);
    }
    m.add(this.overrides);
    this.matchers.set(ruleDir, m);
    return m;
  }

  /** `p` is top-relative; a directory must end with '/'. */
  ignores(p: string): boolean {
    if (p === '' || p === '/') return false;
    const dir = dirOfRel(p.endsWith('/') ? p.slice(0, -1) : p);
    return this.matcherFor(this.nearestRuleDir(dir)).ignores(p);
  }
}

/** Ignore files and package.json: never blocks on a FIFO (a hostile tree must not hang discovery). */
async function readTextIfExists(abs: string): Promise<string | undefined> {
  return readRegularFile(abs, 16 * 1024 * 1024);
}

async function exists(abs: string): Promise<boolean> {
  try {
    await fsp.lstat(abs);
    return true;
  } catch {
    return false;
  }
}

/** The enclosing git work tree of `root` (a directory holding `.git`), or `root`. */
async function findTop(root: string): Promise<string> {
  for (let d = root; ; ) {
    if (await exists(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return root;
    d = parent;
  }
}

// ---------------------------------------------------------------------------------------------
// Walking
// ---------------------------------------------------------------------------------------------

interface RawEntry {
  /** Root-relative logical path. */
  rel: string;
  abs: string;
  /** Real path, when known without a syscall (entries reached without crossing a symlink). */
  real?: string;
  symlink: boolean;
  /** A JS-named entry that is neither a file, a directory nor a symlink: what it is (FIFO, socket...). */
  special?: string;
}

interface WalkOutput {
  entries: RawEntry[];
  /** Root-relative directories holding a .gitignore. */
  gitignoreDirs: string[];
  /** Root-relative directories that could not be listed, with the error code. */
  unreadableDirs: Array<{ rel: string; code: string }>;
}

async function walk(cwdAbs: string, relBase: string, realBase: string | undefined): Promise<WalkOutput> {
  const entries: RawEntry[] = [];
  const gitignoreDirs: string[] = [];
  const unreadableDirs: Array<{ rel: string; code: string }> = [];
  // Our own readdir walk (not a glob): every name counts, also one with a newline in it, and a
  // directory that cannot be listed is reported instead of silently dropped.
  const found: Array<{ dirent: Dirent; path: string; name: string }> = [];
  const queue: string[] = [''];
  while (queue.length) {
    await Promise.all(
      queue.splice(0, 32).map(async (dir) => {
        let list: Dirent[];
        try {
          list = await fsp.readdir(dir ? path.join(cwdAbs, ...dir.split('/')) : cwdAbs, { withFileTypes: true });
        } catch (e) {
          if (dir) unreadableDirs.push({ rel: joinRel(relBase, dir), code: errCode(e) });
          return;
        }
        for (const d of list) {
          const sub = dir ? `${dir}/${d.name}` : d.name;
          if (d.isDirectory()) {
            if (!EXCLUDED_DIR_SET.has(d.name)) queue.push(sub);
          } else found.push({ dirent: d, path: sub, name: d.name });
        }
      }),
    );
  }
  for (const e of found) {
    const dirent = e.dirent;
    const sub = e.path;
    const symlink = dirent.isSymbolicLink();
    if (!symlink && !dirent.isFile()) {
      // A named pipe, socket or device with a source name: reported, never opened.
      if (!dirent.isDirectory() && isJsPath(e.name))
        entries.push({ rel: joinRel(relBase, sub), abs: path.join(cwdAbs, ...sub.split('/')), symlink: false, special: specialKind(dirent) });
      continue;
    }
    const rel = joinRel(relBase, sub);
    if (!symlink && e.name === '.gitignore') gitignoreDirs.push(dirOfRel(rel));
    entries.push({
      rel,
      abs: path.join(cwdAbs, ...sub.split('/')),
      real: realBase === undefined || symlink ? undefined : path.join(realBase, ...sub.split('/')),
      symlink,
    });
  }
  return { entries, gitignoreDirs, unreadableDirs };
}

function specialKind(d: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  return d.isFIFO() ? 'a named pipe/FIFO' : d.isSocket() ? 'a socket' : d.isCharacterDevice() || d.isBlockDevice() ? 'a device' : 'not a file';
}

/** 'js', 'text' or undefined (not scanned) for a file found by the walk. */
function classify(rel: string, wantsTextFile: ((rel: string) => boolean) | undefined): FileKind | undefined {
  if (isJsPath(rel)) return isDefaultExcludedFile(rel) ? undefined : 'js';
  if (wantsTextFile && !rel.split('/').includes('node_modules') && wantsTextFile(rel)) return 'text';
  return undefined;
}

/** A file named on the command line: always scanned; JS unless a rule wants it as text. */
function classifyExplicit(rel: string, wantsTextFile: ((rel: string) => boolean) | undefined): FileKind {
  if (isJsPath(rel)) return 'js';
  if (wantsTextFile && wantsTextFile(rel)) return 'text';
  return 'js';
}

function hasExcludedSegment(rel: string): boolean {
  return rel !== '' && rel.split('/').some((s) => EXCLUDED_DIR_SET.has(s));
}

async function realpathOrCode(abs: string): Promise<{ real: string } | { code: string }> {
  try {
    return { real: await fsp.realpath(abs) };
  } catch (e) {
    return { code: errCode(e) };
  }
}

export async function discoverFiles(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const root = path.resolve(options.root);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const follow = options.followSymlinks ?? false;
  const wants = options.wantsTextFile;

  const files = new Map<string, DiscoveredFile>();
  const skipped = new Map<string, SkippedPath>();
  const missing: string[] = [];
  const skip = (rel: string, reason: string) => {
    if (!skipped.has(rel)) skipped.set(rel, { rel, reason });
  };

  const realRootR = await realpathOrCode(root);
  const realRoot = 'real' in realRootR ? realRootR.real : root;

  // 1. Sort the command-line paths into files and directories.
  const dirs: Array<{ abs: string; rel: string }> = [];
  const inputs = options.paths.length > 0 ? options.paths : [root];
  for (const typed of inputs) {
    const abs = path.resolve(cwd, typed);
    const rel = relTo(root, abs);
    let st: fs.Stats;
    try {
      st = await fsp.stat(abs);
    } catch (e) {
      const code = errCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') missing.push(typed);
      else if (code === 'ELOOP') skip(rel || '.', 'symlink loop');
      else skip(rel || '.', `cannot access (${code})`);
      continue;
    }
    if (st.isDirectory()) dirs.push({ abs, rel });
    else files.set(rel, { abs, rel, kind: classifyExplicit(rel, wants) });
  }

  // 2. Shared ignore configuration.
  const top = await findTop(root);
  const topPrefix = relTo(top, root); // '' when the root is the top
  const toTop = (rel: string) => joinRel(topPrefix, rel);
  const exclude = await readTextIfExists(path.join(top, '.git', 'info', 'exclude'));
  const base = compile(exclude ? rewriteLines(exclude, '') : []);
  const none = compile([]);
  const overrideText: string[] = [];
  const nodesecignore = await readTextIfExists(path.join(root, IGNORE_FILE_NAME));
  if (nodesecignore) overrideText.push(nodesecignore);
  const overrideLines = [
    ...overrideText.flatMap((t) => t.split('\n')),
    ...options.ignore.map((g) => normaliseIgnoreGlob(g, root)),
  ];
  const overrideRules: string[] = [];
  for (const l of overrideLines) {
    const r = rewriteLine(l, topPrefix);
    if (r !== undefined) overrideRules.push(r);
  }
  const overrides = compile(overrideRules);
  const gitignoreCache = new Map<string, Promise<Ignore | undefined>>();
  /** Compiled, top-relative rules of the .gitignore in a top-relative directory. */
  const gitignoreRules = (topDir: string): Promise<Ignore | undefined> => {
    let p = gitignoreCache.get(topDir);
    if (!p) {
      p = readTextIfExists(path.join(top, ...topDir.split('/').filter(Boolean), '.gitignore')).then((t) => {
        const rules = t === undefined ? [] : rewriteLines(t, topDir);
        return rules.length ? compile(rules) : undefined;
      });
      gitignoreCache.set(topDir, p);
    }
    return p;
  };

  // Real paths of every file taken so far, to drop the same file reached twice.
  const realFiles = new Set<string>();
  for (const f of files.values()) {
    const r = await realpathOrCode(f.abs);
    if ('real' in r) realFiles.add(r.real);
  }
  // Real directories walked, to never walk one twice (symlink loops, diamonds).
  const walkedReal = new Set<string>();
  const walkedRoots: string[] = [];

  // 3. One context per command-line directory: its own ignore matcher (see below).
  interface WalkContext {
    matcher: IgnoreMatcher | undefined;
    pending: Array<{ abs: string; rel: string; real: string | undefined }>;
  }
  const contexts: WalkContext[] = [];
  for (const d of dirs) {
    const realDirR = await realpathOrCode(d.abs);
    const realDir = 'real' in realDirR ? realDirR.real : d.abs;
    if (walkedReal.has(realDir)) continue;
    walkedReal.add(realDir);
    walkedRoots.push(realDir);
    const pending = [{ abs: d.abs, rel: d.rel, real: realDir }];
    // A directory outside the root (only when the caller chose another root): no ignore files.
    if (!isInside(root, d.abs)) {
      contexts.push({ matcher: undefined, pending });
      continue;
    }

    // Ancestor .gitignore files between the top and this directory ("outer" rules).
    const dirTop = toTop(d.rel);
    const ancestors: string[] = [];
    const segs = dirTop === '' ? [] : dirTop.split('/');
    for (let i = 0; i < segs.length; i++) ancestors.push(segs.slice(0, i).join('/'));
    const outer: Array<{ dir: string; rules: Ignore }> = [];
    for (const a of ancestors) {
      const rules = await gitignoreRules(a);
      if (rules) outer.push({ dir: a, rules });
    }

    // A directory named on the command line is scanned even if it is itself ignored: then the
    // rules that ignore it are dropped (first the outer .gitignore files, then .nodesecignore/--ignore).
    const makeMatcher = (useOuter: boolean, useOverrides: boolean) => {
      const m = new IgnoreMatcher(useOuter ? base : none, useOverrides ? overrides : none);
      if (useOuter) for (const o of outer) m.addGitignore(o.dir, o.rules);
      return m;
    };
    let matcher = makeMatcher(true, true);
    if (dirTop !== '' && matcher.ignores(dirTop + '/')) {
      matcher = makeMatcher(false, true);
      if (matcher.ignores(dirTop + '/')) matcher = makeMatcher(false, false);
    }
    contexts.push({ matcher, pending });
  }

  // 4. Walk in rounds: every pending directory (first the command-line ones, then symlinked
  // directories being followed), then the symlinks found, in path order, so the outcome never
  // depends on file-system order or on the order of the arguments.
  for (;;) {
    const round = contexts.flatMap((ctx) => ctx.pending.splice(0).map((w) => ({ ctx, w })));
    if (round.length === 0) break;
    const outputs = await Promise.all(round.map(({ w }) => walk(w.abs, w.rel, w.real)));
    const links: Array<{ ctx: WalkContext; entry: RawEntry }> = [];
    for (let i = 0; i < round.length; i++) {
      const { ctx } = round[i]!;
      const out = outputs[i]!;
      if (ctx.matcher) {
        for (const gd of out.gitignoreDirs) {
          const rules = await gitignoreRules(toTop(gd));
          if (rules) ctx.matcher.addGitignore(toTop(gd), rules);
        }
      }
    }
    for (let i = 0; i < round.length; i++) {
      const { ctx } = round[i]!;
      for (const u of outputs[i]!.unreadableDirs) {
        if (!ctx.matcher?.ignores(toTop(u.rel) + '/')) skip(u.rel, `cannot read directory (${u.code}); its files are not scanned`);
      }
      for (const e of outputs[i]!.entries) {
        if (ctx.matcher?.ignores(toTop(e.rel))) continue;
        if (e.special) {
          if (classify(e.rel, wants)) skip(e.rel, `not a regular file (${e.special}); skipped`);
          continue;
        }
        if (e.symlink) {
          links.push({ ctx, entry: e });
          continue;
        }
        const kind = classify(e.rel, wants);
        if (!kind || files.has(e.rel)) continue;
        const real = e.real ?? e.abs;
        if (realFiles.has(real)) continue;
        realFiles.add(real);
        files.set(e.rel, { abs: e.abs, rel: e.rel, kind });
      }
    }

    links.sort((a, b) => compareCodeUnits(a.entry.rel, b.entry.rel));
    for (const { ctx, entry: link } of links) {
      const r = await realpathOrCode(link.abs);
      if (!('real' in r)) {
        if (r.code === 'ELOOP') skip(link.rel, 'symlink loop; not followed');
        else if (classify(link.rel, wants)) skip(link.rel, `broken symlink (${r.code})`);
        continue;
      }
      let st: fs.Stats;
      try {
        st = await fsp.stat(r.real);
      } catch {
        continue;
      }
      const outside = !isInside(realRoot, r.real);
      if (st.isDirectory()) {
        const parentReal = await realpathOrCode(path.dirname(link.abs));
        if ('real' in parentReal && isInside(r.real, parentReal.real)) {
          skip(link.rel, 'symlink loop (points to an ancestor directory); not followed');
          continue;
        }
        if (!follow) {
          if (outside) skip(link.rel, 'symlink points outside the scan root; not followed');
          continue;
        }
        // Following: not when the target is walked anyway at its real location, nor twice.
        const covered = walkedRoots.some((w) => isInside(w, r.real) && !hasExcludedSegment(relTo(w, r.real)));
        if (covered || walkedReal.has(r.real)) continue;
        walkedReal.add(r.real);
        walkedRoots.push(r.real);
        ctx.pending.push({ abs: link.abs, rel: link.rel, real: r.real });
      } else if (st.isFile()) {
        const kind = classify(link.rel, wants);
        if (!kind) continue;
        if (outside && !follow) {
          skip(link.rel, 'symlink points outside the scan root; not followed');
          continue;
        }
        // The same file at its real path (or through another link) wins.
        if (files.has(link.rel) || realFiles.has(r.real)) continue;
        realFiles.add(r.real);
        files.set(link.rel, { abs: link.abs, rel: link.rel, kind });
      } else if (classify(link.rel, wants)) {
        skip(link.rel, `symlink to something that is not a regular file (${specialKind(st)}); skipped`);
      }
    }
  }

  const sortedFiles = [...files.values()].sort((a, b) => compareCodeUnits(a.rel, b.rel));
  const sortedSkipped = [...skipped.values()]
    .filter((s) => !files.has(s.rel))
    .sort((a, b) => compareCodeUnits(a.rel, b.rel));
  return { files: sortedFiles, missing, skipped: sortedSkipped };
}

/**
 * Build folders (dist/, build/) that a package's own package.json points into (main, module,
 * exports, bin) hold the code the package ships: when such a folder is not gitignored, it is
 * scanned like source. Returns their paths relative to `dirAbs`.
 */
export async function packageOutputDirs(dirAbs: string): Promise<string[]> {
  const pkgText = await readTextIfExists(path.join(dirAbs, 'package.json'));
  if (!pkgText) return [];
  let pkg: any;
  try {
    pkg = JSON.parse(pkgText);
  } catch {
    return [];
  }
  const targets: string[] = [];
  const collect = (v: unknown, depth = 0) => {
    if (depth > 6) return;
    if (typeof v === 'string') targets.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, depth + 1);
  };
  collect(pkg.main);
  collect(pkg.module);
  collect(pkg.exports);
  collect(pkg.bin);
  const gitignore = (await readTextIfExists(path.join(dirAbs, '.gitignore'))) ?? '';
  const ignored = new Set(
    gitignore
      .split(/\r?\n/)
      .map((l) => l.trim().replace(/^\//, '').replace(/\/(\*\*?)?$/, ''))
      .filter(Boolean),
  );
  const out = new Set<string>();
  for (const t of targets) {
    const first = t.replace(/^\.\//, '').split('/')[0];
    if ((first === 'dist' || first === 'build') && !ignored.has(first)) {
      try {
        if ((await fsp.stat(path.join(dirAbs, first))).isDirectory()) out.add(first);
      } catch {
        /* missing build folder */
      }
    }
  }
  return [...out].sort();
}
