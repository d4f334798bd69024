import { defineRule } from '../src/rule.js';
import type { SinkHelpers } from '../src/rule.js';
import { propName, unwrap } from '../src/analysis/walk.js';

const FS_MODULES = ['fs', 'graceful-fs', 'fs-extra', 'original-fs', 'mz/fs', 'fs-promise', 'jsonfile', 'mkdirp', 'rimraf', 'del'];

const ONE_PATH = [
  'readFile', 'readFileSync', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync',
  'createReadStream', 'createWriteStream', 'open', 'openSync', 'unlink', 'unlinkSync',
  'rm', 'rmSync', 'rmdir', 'rmdirSync', 'mkdir', 'mkdirSync', 'readdir', 'readdirSync', 'opendir',
  'opendirSync', 'readlink', 'readlinkSync', 'truncate', 'truncateSync', 'chmod', 'chmodSync',
  'chown', 'chownSync', 'utimes', 'utimesSync', 'watch', 'watchFile', 'mkdtemp', 'mkdtempSync',
  // fs-extra / jsonfile / mkdirp / rimraf
  'outputFile', 'outputFileSync', 'outputJson', 'outputJsonSync', 'outputJSON', 'readJson',
  'readJsonSync', 'readJSON', 'writeJson', 'writeJsonSync', 'writeJSON', 'readJsonFile', 'writeJsonFile',
  'remove', 'removeSync', 'emptyDir', 'emptyDirSync', 'ensureDir', 'ensureDirSync', 'ensureFile',
  'ensureFileSync', 'mkdirs', 'mkdirsSync', 'mkdirp', 'mkdirpSync', 'sync', 'readFileAsync', 'writeFileAsync',
];
const TWO_PATHS = [
  'copyFile', 'copyFileSync', 'rename', 'renameSync', 'link', 'linkSync', 'symlink', 'symlinkSync',
  'cp', 'cpSync', 'copy', 'copySync', 'move', 'moveSync', 'ensureLink', 'ensureSymlink',
];

function fsPaths(names: string[]): string[][] {
  return [...names.map((n) => [n]), ...names.map((n) => ['promises', n]), [] /* mkdirp(path) / rimraf(path) */];
}

/** res.sendFile(path, { root }) is confined to root: only the no-root form is a sink. */
function sendFileWithoutRoot(call: any, h: SinkHelpers): number[] | null {
  const opts = call.arguments[1] && unwrap(call.arguments[1]);
  if (opts && opts.type === 'ObjectExpression') {
    for (const p of opts.properties) if (p.type === 'Property' && propName(p) === 'root') return null;
  }
  void h;
  return [0];
}

export default defineRule({
  meta: {
    id: 'path-traversal',
    name: 'Path traversal',
    description: 'Attacker-controlled data chooses a file system path, so `../` can read or write files outside the intended folder.',
    severity: 'high',
    precision: 'high',
    cwe: ['CWE-22', 'CWE-23'],
    owasp: ['A01:2021'],
    help: [
      'A path built from user input can contain `../` or be absolute, and then reads, writes or deletes any file',
      'the process can reach. `path.join()` and `path.resolve()` do not prevent this.',
      '',
      '**Fix:** take only the file name (`path.basename()`), or resolve the path and check that it stays inside',
      'the intended root; for Express use `res.sendFile(name, { root })`.',
      '',
      '```js',
      "const root = path.resolve('public');",
      'const file = path.resolve(root, req.params.name);',
      "if (!file.startsWith(root + path.sep)) return res.sendStatus(403);",
      'res.sendFile(file);',
      '```',
    ].join('\n'),
    references: ['https://cwe.mitre.org/data/definitions/22.html', 'https://owasp.org/www-community/attacks/Path_Traversal'],
  },
  sinks: [
    { modules: FS_MODULES, paths: fsPaths(ONE_PATH), args: [0], label: 'a file system call', paramNeedsPrefix: true },
    { modules: FS_MODULES, paths: fsPaths(TWO_PATHS), args: [0, 1], label: 'a file system call', paramNeedsPrefix: true },
    { modules: ['<global>'], paths: [['require']], args: [0], label: 'require()', paramNeedsPrefix: true },
    { modules: [], paths: [], methodNames: ['sendFile'], args: [0], filter: sendFileWithoutRoot, label: 'res.sendFile()' },
    { modules: [], paths: [], methodNames: ['download'], receiverNames: ['res', 'response', 'reply'], args: [0], label: 'res.download()' },
    { modules: [], paths: [], methodNames: ['render'], receiverNames: ['res', 'response'], args: [0], label: 'res.render() view name' },
  ],
  flowMessage: (source, sink) => `This file path depends on ${source} and reaches ${sink}.`,
  auditMessage: (sink) => `A non-constant path reaches ${sink}; no attacker-controlled source was proven (audit).`,
});
