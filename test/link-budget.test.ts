/**
 * The project link's time budget (--max-link-time): a link that runs out of time ends with a
 * stated, partial result and a 'link-timeout' diagnostic, never a hang. Exercised without
 * depending on the machine's speed: a budget of 0, and an injected clock that counts its reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../dist/src/engine.js';
import { loadParser, parseSource } from '../dist/src/parse.js';
import { link } from '../dist/src/analysis/summaries.js';
import { scan } from '../dist/src/scan.js';
import { rules } from '../dist/rules/index.js';

const REPO = path.resolve(__dirname, '..');
const FIXTURES = path.join(REPO, 'fixtures');

/** Per-file facts of every fixture (several rules, cross-file flows), in a stable order. */
function factsOf(root: string, threatModel: 'app' | 'library'): any[] {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (/\.[cm]?[jt]sx?$/.test(e.name) && !/\.d\.ts$/.test(e.name)) files.push(r);
    }
  };
  walk('');
  const facts: any[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const p = parseSource(text, file);
    if (!p.ok) continue;
    const res = analyzeFile({ file, text, ast: p.ast, sourceType: p.sourceType, rules, threatModel });
    if (res.facts) facts.push(res.facts);
  }
  return facts;
}

const key = (f: any) => `${f.sink.loc.file}:${f.sink.loc.line}:${f.sink.loc.column}:${f.sink.ruleId}`;

describe('link time budget', () => {
  let facts: any[];
  let sinks: number;
  beforeAll(async () => {
    await loadParser();
    facts = factsOf(FIXTURES, 'library');
    sinks = facts.reduce((n, f) => n + f.sinks.length, 0);
  });

  it('without a budget, and with a budget never reached, the result is complete and identical', () => {
    const opts = { threatModel: 'library' as const, root: FIXTURES };
    const full = link(facts, opts);
    expect(full.incomplete).toBeUndefined();
    expect(full.flows.length).toBeGreaterThan(10);
    let reads = 0;
    const counted = link(facts, { ...opts, deadline: Number.MAX_SAFE_INTEGER, now: () => reads++ });
    expect(counted).toEqual(full);
    expect(reads).toBeGreaterThan(sinks); // the clock is read at least once per sink
  });

  it('a budget of 0 stops at the first check: no flow, every sink stated as not checked', () => {
    let t = 1000;
    const r = link(facts, { threatModel: 'library', root: FIXTURES, deadline: 1000, now: () => t++ });
    expect(r.flows).toEqual([]);
    expect(r.audits).toEqual([]);
    expect(r.incomplete).toEqual({ callGraph: true, summaries: false, sinksChecked: 0, sinks });
  });

  it('stopped at any check, the result is partial, stated, deterministic, and grows with the budget', () => {
    const opts = { threatModel: 'library' as const, root: FIXTURES };
    const full = link(facts, opts);
    const fullKeys = new Set(full.flows.map(key));
    let reads = 0;
    link(facts, { ...opts, deadline: Number.MAX_SAFE_INTEGER, now: () => reads++ });
    // A clock that stands still for m reads after the start, then jumps past the deadline: the link
    // stops at its (m+1)-th check, whatever the phase.
    const stopAt = (m: number) => {
      let n = 0;
      return link(facts, { ...opts, deadline: 1, now: () => (n++ <= m ? 0 : 10) });
    };
    let lastChecked = -1;
    let lastFlows = -1;
    const seen = { callGraph: false, summaries: false, sinks: false };
    for (let m = 0; m <= reads; m++) {
      const r = stopAt(m);
      expect(stopAt(m)).toEqual(r); // the same budget gives the same result
      if (!r.incomplete) {
        expect(m).toBeGreaterThanOrEqual(reads - 1);
        expect(r).toEqual(full);
        continue;
      }
      const inc = r.incomplete;
      expect(inc.sinks).toBe(sinks);
      if (inc.callGraph) {
        seen.callGraph = true;
        expect(r.flows).toEqual([]);
        expect(inc.sinksChecked).toBe(0);
      } else if (inc.summaries) seen.summaries = true;
      else seen.sinks = true;
      expect(inc.sinksChecked).toBeGreaterThanOrEqual(lastChecked);
      expect(inc.sinksChecked).toBeLessThanOrEqual(sinks);
      lastChecked = inc.sinksChecked;
      // A partial result states nothing new: each flow is at a sink the full link reports, and at
      // most one flow or audit per sink checked.
      for (const f of r.flows) expect(fullKeys.has(key(f)), key(f)).toBe(true);
      expect(r.flows.length + r.audits.length).toBeLessThanOrEqual(inc.sinksChecked);
      if (!inc.callGraph && !inc.summaries) {
        expect(r.flows.length).toBeGreaterThanOrEqual(lastFlows);
        lastFlows = r.flows.length;
      }
    }
    expect(seen).toEqual({ callGraph: true, summaries: true, sinks: true });
    expect(stopAt(reads)).toEqual(full);
  });

  it('scan(): a link over budget is a link-timeout diagnostic on the project, per-file findings stay', async () => {
    const dir = path.join(FIXTURES, 'command-injection');
    const full = await scan({ paths: [dir], rules, threatModel: 'library', severity: 'low' });
    expect(full.diagnostics.filter((d) => d.kind === 'link-timeout')).toEqual([]);
    const cut = await scan({ paths: [dir], rules, threatModel: 'library', severity: 'low', maxLinkTime: 0 });
    const d = cut.diagnostics.filter((x) => x.kind === 'link-timeout');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file: '.', kind: 'link-timeout' });
    expect(d[0]!.message).toMatch(/took longer than 0 ms .*none of the \d+ sinks was checked.*--max-link-time/);
    expect(cut.findings.filter((f) => f.ruleId === 'command-injection')).toEqual([]);
    // Not a file skip: every file is still scanned.
    expect(cut.stats.filesScanned).toBe(full.stats.filesScanned);
    expect(cut.stats.filesSkipped).toBe(full.stats.filesSkipped);
  });
});
