import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commonRoot, discoverFiles, type DiscoveryOptions } from '../src/files.js';

const isWindows = process.platform === 'win32';
const tmpDirs: string[] = [];

async function tmp(): Promise<string> {
  // realpath: on macOS os.tmpdir() is itself behind a symlink.
  const d = fs.realpathSync(await fs.promises.mkdtemp(path.join(os.tmpdir(), 'nodesec-files-')));
  tmpDirs.push(d);
  return d;
}

afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Create files: { 'a/b.js': 'content' }. */
function write(root: string, tree: Record<string, string>): void {
  for (const [rel, content] of Object.entries(tree)) {
    const abs = path.join(root, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

async function discover(root: string, extra: Partial<DiscoveryOptions> = {}) {
  return discoverFiles({ root, paths: [root], ignore: [], cwd: root, ...extra });
}

async function rels(root: string, extra: Partial<DiscoveryOptions> = {}): Promise<string[]> {
  return (await discover(root, extra)).files.map((f) => f.rel);
}

let root: string;
beforeEach(async () => {
  root = await tmp();
});

describe('discoverFiles: extensions and default excludes', () => {
  it('finds every JS/TS extension and nothing else by default', async () => {
    write(root, {
      'a.js': '', 'b.cjs': '', 'c.mjs': '', 'd.jsx': '', 'e.ts': '', 'f.cts': '', 'g.mts': '', 'h.tsx': '',
      'README.md': '', 'data.json': '', '.env': '', 'style.css': '', 'noext': '',
    });
    expect(await rels(root)).toEqual(['a.js', 'b.cjs', 'c.mjs', 'd.jsx', 'e.ts', 'f.cts', 'g.mts', 'h.tsx']);
  });

  it('skips node_modules, .git, dist, build, coverage at any depth, *.min.js, *-min.js and *.d.ts', async () => {
    write(root, {
      'src/app.js': '',
      'node_modules/x/index.js': '',
      'packages/p/node_modules/y/index.js': '',
      '.git/hooks/pre-commit.js': '',
      'dist/bundle.js': '',
      'packages/p/dist/index.js': '',
      'build/out.js': '',
      'coverage/lcov-report/prettify.js': '',
      'src/deep/coverage/x.js': '',
      'public/app.min.js': '',
      'public/app.min.mjs': '',
      'public/app.min.cjs': '',
      'public/underscore-min.js': '',
      'src/admin.js': '', // not "-min.js"
      'types/index.d.ts': '',
      'types/index.d.mts': '',
      'types/index.d.cts': '',
      'packages/p/src/index.ts': '',
      'src/distance.js': '', // not a "dist" directory
      'src/builder/x.ts': '',
    });
    expect(await rels(root)).toEqual(['packages/p/src/index.ts', 'src/admin.js', 'src/app.js', 'src/builder/x.ts', 'src/distance.js']);
  });

  it('scans a default-excluded directory named on the command line', async () => {
    write(root, { 'dist/a.js': '', 'dist/node_modules/m.js': '', 'src/b.js': '' });
    const r = await discoverFiles({ root, paths: ['dist'], ignore: [], cwd: root });
    expect(r.files.map((f) => f.rel)).toEqual(['dist/a.js']);
  });
});

describe('discoverFiles: ignore files', () => {
  it('honours nested .gitignore files with git precedence', async () => {
    write(root, {
      '.gitignore': ['# comment', '*.gen.js', '/top.js', 'out/', 'logs/', '!logs/keep.js', 'gen/', ''].join('\n'),
      'a.js': '',
      'top.js': '',
      'x.gen.js': '',
      'out/o.js': '',
      'logs/keep.js': '', // a file in an ignored directory cannot be re-included
      'sub/top.js': '', // '/top.js' is anchored to the root
      'sub/.gitignore': ['local.js', '/only-here.js', '!keep.gen.js', '!gen/'].join('\r\n'),
      'sub/local.js': '',
      'sub/deeper/local.js': '', // no slash: matches at any depth below sub/
      'sub/only-here.js': '',
      'sub/x/only-here.js': '',
      'sub/keep.gen.js': '', // re-included by the deeper file
      'sub/other.gen.js': '',
      'sub/gen/g.js': '', // directory re-included by the deeper file
      'gen/g.js': '',
      'sibling/local.js': '', // sub/.gitignore does not apply here
    });
    expect(await rels(root)).toEqual([
      'a.js',
      'sibling/local.js',
      'sub/gen/g.js',
      'sub/keep.gen.js',
      'sub/top.js',
      'sub/x/only-here.js',
    ]);
  });

  it.skipIf(!hasGit())('agrees with git on a tricky set of ignore files', async () => {
    write(root, {
      '.gitignore': ['*.gen.js', '/top.js', 'build-*/', 'a/**/z.js', '!important.gen.js', 'docs/*.js', '**/tmp'].join('\n'),
      'top.js': '', 'keep.js': '', 'x.gen.js': '', 'important.gen.js': '',
      'build-1/x.js': '', 'a/b/c/z.js': '', 'a/z.js': '', 'docs/d.js': '', 'docs/deep/d.js': '',
      'p/tmp/t.js': '', 'p/tmpx/t.js': '',
      'p/.gitignore': ['!/x.gen.js', '*.js', '!keep*.js', 'q/'].join('\n'),
      'p/x.gen.js': '', 'p/y.js': '', 'p/keep1.js': '', 'p/q/keep2.js': '', 'p/r/keep3.js': '',
      'p/r/.gitignore': '!y.js\n', 'p/r/y.js': '',
      'm[1]/.gitignore': 'skip*.js\n', 'm[1]/skip-me.js': '', 'm[1]/ok.js': '',
    });
    execFileSync('git', ['init', '-q'], { cwd: root });
    const gitList = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f.endsWith('.js'))
      .sort();
    expect(await rels(root)).toEqual(gitList);
  });

  it('honours .gitignore files above the scan root up to the git top, and .git/info/exclude', async () => {
    write(root, {
      '.gitignore': '*.gen.js\n',
      '.git/info/exclude': 'secret-*.js\n',
      'pkg/.gitignore': 'local/\n',
      'pkg/app/a.js': '',
      'pkg/app/b.gen.js': '',
      'pkg/app/secret-x.js': '',
      'pkg/app/local/l.js': '',
    });
    const scanRoot = path.join(root, 'pkg', 'app');
    expect(await rels(scanRoot)).toEqual(['a.js']);
  });

  it('scans an ignored directory named on the command line (its own .gitignore still applies)', async () => {
    write(root, {
      '.git/HEAD': '',
      '.gitignore': 'generated/\n*.tmp.js\n',
      'generated/a.js': '',
      'generated/b.tmp.js': '',
      'generated/.gitignore': 'c.js\n',
      'generated/c.js': '',
      'src/x.js': '',
    });
    const r = await discoverFiles({ root: path.join(root, 'generated'), paths: ['generated'], ignore: [], cwd: root });
    expect(r.files.map((f) => f.rel)).toEqual(['a.js', 'b.tmp.js']);
    // Scanning the parent still ignores it.
    expect(await rels(root)).toEqual(['src/x.js']);
    // Same when the directory is ignored by .nodesecignore / --ignore.
    const viaIgnore = await discoverFiles({ root, paths: ['src'], ignore: ['src/'], cwd: root });
    expect(viaIgnore.files.map((f) => f.rel)).toEqual(['src/x.js']);
  });

  it('honours a root .nodesecignore', async () => {
    write(root, {
      '.nodesecignore': 'legacy/\n*.spec.ts\n# comment\n',
      'legacy/old.js': '',
      'src/a.ts': '',
      'src/a.spec.ts': '',
      'sub/.nodesecignore': 'a.js\n', // only the root one counts
      'sub/a.js': '',
    });
    expect(await rels(root)).toEqual(['src/a.ts', 'sub/a.js']);
  });

  it('honours --ignore globs (gitignore syntax, relative to the root)', async () => {
    write(root, {
      'vendor/v.js': '', 'scripts/s.js': '', 'src/a.js': '', 'src/a.test.js': '', 'test/t.js': '', 'abs/x.js': '',
    });
    const r = await rels(root, { ignore: ['vendor/**', './scripts/', '**/*.test.js', '/test', path.join(root, 'abs')] });
    expect(r).toEqual(['src/a.js']);
  });

  it('lets .nodesecignore re-include a gitignored file', async () => {
    write(root, { '.gitignore': '*.gen.js\n', '.nodesecignore': '!keep.gen.js\n', 'keep.gen.js': '', 'x.gen.js': '' });
    expect(await rels(root)).toEqual(['keep.gen.js']);
  });
});

describe('discoverFiles: command-line paths', () => {
  it('always scans a file named explicitly, whatever ignores or extension', async () => {
    write(root, {
      '.gitignore': 'ignored.js\n',
      '.nodesecignore': 'also.js\n',
      'ignored.js': '',
      'also.js': '',
      'node_modules/m/index.js': '',
      'app.min.js': '',
      'types.d.ts': '',
      'bin/cli': '#!/usr/bin/env node\n',
      'config.json': '{}',
      'notes.txt': '',
    });
    const paths = ['ignored.js', 'also.js', 'node_modules/m/index.js', 'app.min.js', 'types.d.ts', 'bin/cli', 'config.json', 'notes.txt'];
    const r = await discoverFiles({
      root, paths, ignore: ['app.min.js'], cwd: root, wantsTextFile: (p) => p.endsWith('.json'),
    });
    expect(r.files.map((f) => [f.rel, f.kind])).toEqual([
      ['also.js', 'js'],
      ['app.min.js', 'js'],
      ['bin/cli', 'js'],
      ['config.json', 'text'],
      ['ignored.js', 'js'],
      ['node_modules/m/index.js', 'js'],
      ['notes.txt', 'js'],
      ['types.d.ts', 'js'],
    ]);
    expect(r.files[0]!.abs).toBe(path.join(root, 'also.js'));
  });

  it('reports paths that do not exist in missing, as typed', async () => {
    write(root, { 'a.js': '' });
    const r = await discoverFiles({ root, paths: ['a.js', 'nope', 'a.js/x', path.join(root, 'gone.js')], ignore: [], cwd: root });
    expect(r.files.map((f) => f.rel)).toEqual(['a.js']);
    expect(r.missing).toEqual(['nope', 'a.js/x', path.join(root, 'gone.js')]);
  });

  it('resolves relative paths against cwd and de-duplicates overlapping arguments', async () => {
    write(root, { 'src/a.js': '', 'src/lib/b.js': '', 'c.js': '' });
    const r = await discoverFiles({
      root, paths: ['src', 'src/lib', './src/a.js', path.join(root, 'src', 'a.js'), '.'], ignore: [], cwd: root,
    });
    expect(r.files.map((f) => f.rel)).toEqual(['c.js', 'src/a.js', 'src/lib/b.js']);
    const sub = await discoverFiles({ root, paths: ['lib'], ignore: [], cwd: path.join(root, 'src') });
    expect(sub.files.map((f) => f.rel)).toEqual(['src/lib/b.js']);
  });

  it('sorts by relative path in plain code-unit order', async () => {
    const names = ['b.js', 'B.js', 'a/z.js', 'a.js', 'a-b.js', 'a_b.js', 'Z/y.js', '_.js', 'é.js', 'e.js', '10.js', '9.js'];
    // Create in a shuffled order so the file-system order differs from the sorted order.
    for (const n of [...names].reverse()) write(root, { [n]: '' });
    const got = await rels(root);
    const expected = [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    if (process.platform === 'linux') expect(got).toEqual(expected);
    else expect(got).toEqual([...got].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  });

  it('handles names with spaces, unicode, # and %', async () => {
    write(root, {
      'my dir/fïle #1 %20.js': '',
      'ünï/çødé.ts': '',
      'hash#dir/.gitignore': 'ign #1.js\n',
      'hash#dir/ign #1.js': '',
      'hash#dir/ok%2F.js': '',
      'br[1]/.gitignore': 'x.js\n',
      'br[1]/x.js': '',
      'br[1]/y.js': '',
      'br1/x.js': '',
    });
    expect(await rels(root)).toEqual([
      'br1/x.js',
      'br[1]/y.js',
      'hash#dir/ok%2F.js',
      'my dir/fïle #1 %20.js',
      'ünï/çødé.ts',
    ]);
    const r = await discoverFiles({ root, paths: ['my dir/fïle #1 %20.js'], ignore: [], cwd: root });
    expect(r.files.map((f) => f.rel)).toEqual(['my dir/fïle #1 %20.js']);
    expect(fs.existsSync(r.files[0]!.abs)).toBe(true);
  });
});

describe('discoverFiles: text files', () => {
  it('adds the non-JS files rules want, never from excluded or ignored places', async () => {
    write(root, {
      '.gitignore': '.env.local\n',
      '.env': 'A=1',
      '.env.local': 'A=2',
      '.npmrc': '',
      'config/app.json': '{}',
      'config/app.yaml': '',
      'node_modules/p/.env': '',
      'node_modules/p/package.json': '{}',
      'dist/config.json': '{}',
      'src/a.js': '',
      'README.md': '',
    });
    const wanted = (p: string) => /(^|\/)\.env(\.|$)|\.json$|\.ya?ml$|(^|\/)\.npmrc$/.test(p);
    const r = await discover(root, { wantsTextFile: wanted });
    expect(r.files.map((f) => [f.rel, f.kind])).toEqual([
      ['.env', 'text'],
      ['.npmrc', 'text'],
      ['config/app.json', 'text'],
      ['config/app.yaml', 'text'],
      ['src/a.js', 'js'],
    ]);
  });

  it('does not ask wantsTextFile about JS files', async () => {
    write(root, { 'a.js': '', 'b.txt': '' });
    const asked: string[] = [];
    await discover(root, { wantsTextFile: (p) => (asked.push(p), false) });
    expect(asked).toEqual(['b.txt']);
  });
});

describe.skipIf(isWindows)('discoverFiles: symlinks', () => {
  it('never hangs on symlink loops and reports them', async () => {
    write(root, { 'a/x.js': '', 'b/y.js': '' });
    fs.symlinkSync('..', path.join(root, 'a', 'up'));
    fs.symlinkSync('.', path.join(root, 'b', 'self'));
    fs.symlinkSync('loop2', path.join(root, 'loop1'));
    fs.symlinkSync('loop1', path.join(root, 'loop2'));
    for (const followSymlinks of [false, true]) {
      const r = await discover(root, { followSymlinks });
      expect(r.files.map((f) => f.rel)).toEqual(['a/x.js', 'b/y.js']);
      expect(r.skipped.map((s) => s.rel)).toEqual(['a/up', 'b/self', 'loop1', 'loop2']);
      for (const s of r.skipped) expect(s.reason).toMatch(/symlink loop/);
    }
  });

  it('does not follow symlinks out of the root by default', async () => {
    const outside = await tmp();
    write(outside, { 'lib/secret.js': '', 'file.js': '' });
    write(root, { 'a.js': '' });
    fs.symlinkSync(path.join(outside, 'lib'), path.join(root, 'ext'));
    fs.symlinkSync(path.join(outside, 'file.js'), path.join(root, 'ext-file.js'));
    fs.symlinkSync(path.join(outside, 'README'), path.join(root, 'broken.js'));
    const r = await discover(root);
    expect(r.files.map((f) => f.rel)).toEqual(['a.js']);
    expect(r.skipped).toEqual([
      { rel: 'broken.js', reason: 'broken symlink (ENOENT)' },
      { rel: 'ext', reason: 'symlink points outside the scan root; not followed' },
      { rel: 'ext-file.js', reason: 'symlink points outside the scan root; not followed' },
    ]);

    const followed = await discover(root, { followSymlinks: true });
    expect(followed.files.map((f) => f.rel)).toEqual(['a.js', 'ext-file.js', 'ext/secret.js']);
    expect(followed.files.find((f) => f.rel === 'ext/secret.js')!.abs).toBe(path.join(root, 'ext', 'secret.js'));
  });

  it('follows symlinks with loops outside the root without hanging or duplicating', async () => {
    const outside = await tmp();
    write(outside, { 'o/x.js': '', 'p/y.js': '' });
    fs.symlinkSync(path.join(outside, 'p'), path.join(outside, 'o', 'to-p'));
    fs.symlinkSync(path.join(outside, 'o'), path.join(outside, 'p', 'to-o'));
    fs.symlinkSync(outside, path.join(outside, 'o', 'up'));
    write(root, { 'a.js': '' });
    fs.symlinkSync(path.join(outside, 'o'), path.join(root, 'link-o'));
    fs.symlinkSync(path.join(outside, 'o'), path.join(root, 'link-o2'));
    const r = await discover(root, { followSymlinks: true });
    expect(r.files.map((f) => f.rel)).toEqual(['a.js', 'link-o/to-p/y.js', 'link-o/x.js']);
  });

  it('scans a file symlink inside the root once, at its real path', async () => {
    write(root, { 'src/real.js': '' });
    fs.symlinkSync('src/real.js', path.join(root, 'alias.js'));
    fs.mkdirSync(path.join(root, 'other'));
    fs.symlinkSync('../src', path.join(root, 'other', 'src-link'));
    for (const followSymlinks of [false, true]) {
      const r = await discover(root, { followSymlinks });
      expect(r.files.map((f) => f.rel)).toEqual(['src/real.js']);
      expect(r.skipped).toEqual([]);
    }
  });

  it('includes an in-root file symlink whose target is not scanned otherwise', async () => {
    write(root, { 'data/impl.txt': '', 'a.js': '' });
    fs.symlinkSync('data/impl.txt', path.join(root, 'impl.js'));
    const r = await discover(root);
    expect(r.files.map((f) => f.rel)).toEqual(['a.js', 'impl.js']);
  });
});

describe('discoverFiles: scale', () => {
  it('handles 7,000 files with many .gitignore files quickly', async () => {
    const tree: Record<string, string> = {};
    for (let p = 0; p < 70; p++) {
      tree[`packages/p${p}/.gitignore`] = 'generated/\n*.tmp.js\n!keep.tmp.js\n';
      for (let d = 0; d < 10; d++) {
        for (let f = 0; f < 10; f++) tree[`packages/p${p}/src/d${d}/f${f}.ts`] = '';
      }
      tree[`packages/p${p}/src/x.tmp.js`] = '';
      tree[`packages/p${p}/src/keep.tmp.js`] = '';
      tree[`packages/p${p}/generated/g.js`] = '';
      tree[`packages/p${p}/node_modules/dep/index.js`] = '';
    }
    write(root, tree);
    const t0 = performance.now();
    const r = await discover(root);
    const ms = performance.now() - t0;
    expect(r.files.length).toBe(70 * 101);
    expect(r.files.some((f) => f.rel.includes('generated') || f.rel.includes('x.tmp'))).toBe(false);
    expect(ms).toBeLessThan(15_000); // ~1 s on an idle machine; generous for loaded CI
  }, 60_000);
});

describe('commonRoot', () => {
  it('is the directory for a single directory and the parent for a single file', async () => {
    write(root, { 'src/a.js': '', 'lib/b/c.js': '' });
    expect(commonRoot(['src'], root)).toBe(path.join(root, 'src'));
    expect(commonRoot(['src/a.js'], root)).toBe(path.join(root, 'src'));
    expect(commonRoot([path.join(root, 'src', 'a.js')], '/')).toBe(path.join(root, 'src'));
  });

  it('is the deepest common directory of several paths', async () => {
    write(root, { 'src/a.js': '', 'src/x/y.js': '', 'lib/b/c.js': '' });
    expect(commonRoot(['src/a.js', 'src/x/y.js'], root)).toBe(path.join(root, 'src'));
    expect(commonRoot(['src/x', 'src/x/y.js'], root)).toBe(path.join(root, 'src', 'x'));
    expect(commonRoot(['src', 'lib/b/c.js'], root)).toBe(root);
    // "src" and "src-2" share a string prefix but not a directory.
    write(root, { 'src-2/z.js': '' });
    expect(commonRoot(['src', 'src-2'], root)).toBe(root);
  });

  it('is cwd without paths, and treats a missing path as a directory', () => {
    expect(commonRoot([], root)).toBe(root);
    expect(commonRoot(['nope'], root)).toBe(path.join(root, 'nope'));
  });
});

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
