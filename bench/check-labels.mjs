#!/usr/bin/env node
// Sanity-check the ground-truth labels against the fetched packages: does each label's file
// (and each alt file) exist, and does the labelled line roughly match the label's `text`?
//
//   node bench/check-labels.mjs [--labels FILE] [--verbose]
//
// Run `node bench/fetch.mjs` first. Exits 0; prints the mismatches.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LABELS, loadLabels, packageDir } from './fetch.mjs';

const norm = (s) => String(s ?? '').replace(/\s+/g, '').toLowerCase();

/** How the label text relates to the line: 'exact' | 'near' (+-3 lines) | 'partial' | 'none'. */
export function matchText(lines, line, text) {
  const want = norm(text);
  const at = (n) => norm(lines[n - 1]);
  if (!want) return { kind: 'exact' };
  const here = at(line);
  if (here && (here === want || here.includes(want) || want.includes(here) && here.length >= 8)) return { kind: 'exact' };
  for (let d = 1; d <= 3; d++) {
    for (const n of [line - d, line + d]) {
      const t = at(n);
      if (t && (t === want || t.includes(want))) return { kind: 'near', at: n };
    }
  }
  // Longest common prefix as a rough measure.
  let k = 0;
  while (k < want.length && k < here.length && want[k] === here[k]) k++;
  if (k >= Math.min(12, want.length)) return { kind: 'partial' };
  // Search the whole file for the text.
  const idx = lines.findIndex((l) => norm(l).includes(want));
  return idx >= 0 ? { kind: 'elsewhere', at: idx + 1 } : { kind: 'none' };
}

function readLines(file) {
  try {
    return readFileSync(file, 'utf8').split(/\r\n|\r|\n/);
  } catch {
    return null;
  }
}

function main() {
  const args = process.argv.slice(2);
  const labelsFile = args.includes('--labels') ? path.resolve(args[args.indexOf('--labels') + 1]) : DEFAULT_LABELS;
  const verbose = args.includes('--verbose');
  const labels = loadLabels(labelsFile);
  const problems = [];
  let missingPkg = 0;
  const counts = { exact: 0, near: 0, partial: 0, elsewhere: 0, none: 0, missingFile: 0, badLine: 0 };
  for (const l of labels) {
    const dir = packageDir(l.package, l.version);
    if (!existsSync(dir)) {
      missingPkg++;
      continue;
    }
    const places = [[l.file, l.line], ...(Array.isArray(l.alt) ? l.alt : [])];
    places.forEach(([file, line], i) => {
      const where = `${l.package}@${l.version} ${l.class} ${i ? 'alt ' : ''}${file}:${line}`;
      const lines = readLines(path.join(dir, file));
      if (!lines) {
        counts.missingFile++;
        problems.push(`${where}: FILE MISSING`);
        return;
      }
      if (!(line >= 1 && line <= lines.length)) {
        counts.badLine++;
        problems.push(`${where}: line out of range (file has ${lines.length} lines)`);
        return;
      }
      const m = matchText(lines, line, l.text);
      counts[m.kind]++;
      const actual = (lines[line - 1] ?? '').trim();
      if (m.kind === 'near') {
        if (verbose) problems.push(`${where}: text is at line ${m.at}\n    label: ${l.text}`);
      } else if (m.kind !== 'exact') {
        problems.push(
          `${where}: text ${m.kind === 'elsewhere' ? `found at line ${m.at}` : m.kind === 'partial' ? 'partly matches' : 'DOES NOT MATCH'}\n` +
            `    label: ${String(l.text).slice(0, 160)}\n    line:  ${actual.slice(0, 160)}`,
        );
      }
    });
  }
  console.log(`labels: ${labels.length}; packages missing from the cache: ${missingPkg} labels`);
  console.log(
    `places checked: exact ${counts.exact}, within 3 lines ${counts.near}, partial ${counts.partial}, ` +
      `elsewhere in file ${counts.elsewhere}, no match ${counts.none}, file missing ${counts.missingFile}, line out of range ${counts.badLine}`,
  );
  if (problems.length) {
    console.log(`\n${problems.length} to look at:`);
    for (const p of problems) console.log(`  ${p}`);
  }
}

main();
