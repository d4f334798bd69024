/** Helpers for the end-to-end CLI tests (test/ci-*.test.ts): temp projects and a CLI runner. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export const REPO = path.resolve(__dirname, '..');
export const BIN = path.join(REPO, 'bin/nodesec.js');

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temp folder with these files (paths with "/" create folders). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nodesec-ci-'));
  made.push(dir);
  write(dir, files);
  return dir;
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node bin/nodesec.js ...args` in `cwd` (stdout and stderr are pipes, not terminals). */
export function nodesec(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', NODESEC_DEBUG: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function json(r: Run): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** An Express handler whose request data reaches child_process.exec (a critical finding on line 5). */
export const VULNERABLE_APP = [
  "const express = require('express');",
  "const { exec } = require('child_process');",
  'const app = express();',
  "app.get('/ping', (req, res) => {",
  "  exec('ping -c 1 ' + req.query.host);",
  '});',
  '',
].join('\n');
