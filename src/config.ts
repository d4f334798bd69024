/**
 * The configuration file: JSON only, never executed. Looked up from the scan root upward (stopping
 * at the top of the git work tree), first match wins, in this order per folder:
 * `nodesec.config.json`, `.nodesecrc.json`, the "nodesec" key of `package.json`. `--config <file>`
 * names one explicitly (a .json file, or a package.json with a "nodesec" key).
 *
 * Every key is optional; see README "Configuration" for the schema. Validation is hand-written
 * and strict: an unknown key or a wrong value is a ConfigError naming the key and what is allowed
 * (the CLI prints it on one line and exits 2). Paths in the file (ignore globs, module specifiers
 * of sources/sinks/sanitizers, plugins) are relative to the file's folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Severity, ThreatModel } from './rule.js';
import { SEVERITIES } from './rule.js';

export const CONFIG_FILE_NAMES = ['nodesec.config.json', '.nodesecrc.json'] as const;
export const THREAT_MODELS: readonly ThreatModel[] = ['app', 'library', 'all'];

export interface RuleSetting {
  enabled?: boolean;
  severity?: Severity;
  /** missing-helmet only: extra modules (or module#export) that set security headers. */
  headerMiddleware?: string[];
}

/** A function of the project (or a package) named by module specifier and export path. */
export interface ApiRef {
  /** "./lib/validate" (relative to the config file) or a package name ("my-validator"). */
  module: string;
  /** Export path: "safePath", "default", "helpers.safePath"; omitted or "" for the module itself. */
  export?: string;
}

export interface SourceConfig extends ApiRef {
  /** How traces name it; default "<export>() (configured source)". */
  label?: string;
}

export interface SinkConfig extends ApiRef {
  /** The taint rule this sink belongs to. */
  rule: string;
  /** Argument indexes that must not be attacker-controlled; default [0]. */
  args?: number[] | 'all';
  label?: string;
}

export interface SanitizerConfig extends ApiRef {
  /** Rule ids whose sinks the result is safe for. */
  for: string[];
}

export interface NodesecConfig {
  rules?: Record<string, RuleSetting>;
  ignore?: string[];
  threatModel?: ThreatModel;
  failOn?: Severity | 'none';
  severity?: Severity;
  sources?: SourceConfig[];
  sinks?: SinkConfig[];
  sanitizers?: SanitizerConfig[];
  plugins?: string[];
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  file: string;
  /** Absolute folder of the file: what relative paths in it are relative to. */
  dir: string;
  /** How messages name the file: `nodesec.config.json`, `package.json#nodesec`. */
  name: string;
  config: NodesecConfig;
}

export class ConfigError extends Error {}

const TOP_KEYS = ['$schema', 'rules', 'ignore', 'threatModel', 'failOn', 'severity', 'sources', 'sinks', 'sanitizers', 'plugins'] as const;
const RULE_VALUES = ['"off"', '"on"', ...SEVERITIES.map((s) => `"${s}"`), '{ "enabled": boolean, "severity": string }'];

function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

/** The config file that applies to a scan rooted at `root`, or undefined. */
export function findConfigFile(root: string): { file: string; packageJson: boolean } | undefined {
  let dir = path.resolve(root);
  for (;;) {
    for (const n of CONFIG_FILE_NAMES) {
      const f = path.join(dir, n);
      if (isFile(f)) return { file: f, packageJson: false };
    }
    const pj = path.join(dir, 'package.json');
    if (isFile(pj)) {
      try {
        const doc = JSON.parse(readFileSync(pj, 'utf8'));
        if (doc && typeof doc === 'object' && Object.prototype.hasOwnProperty.call(doc, 'nodesec')) return { file: pj, packageJson: true };
      } catch {
        /* a broken package.json is not our config */
      }
    }
    if (existsSync(path.join(dir, '.git'))) return undefined; // top of the work tree
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isFile(f: string): boolean {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
}

/** Find and load the config for a scan root (undefined when there is none). */
export function findConfig(root: string, cwd = process.cwd()): LoadedConfig | undefined {
  const found = findConfigFile(root);
  return found ? loadConfigFile(found.file, cwd, found.packageJson) : undefined;
}

/** Load and validate one config file. A package.json is read through its "nodesec" key. */
export function loadConfigFile(file: string, cwd = process.cwd(), packageJson?: boolean): LoadedConfig {
  const abs = path.resolve(cwd, file);
  const isPkg = packageJson ?? path.basename(abs) === 'package.json';
  const shown = displayPath(abs, cwd);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e: any) {
    throw new ConfigError(`cannot read config ${shown}: ${e?.code === 'ENOENT' ? 'no such file' : e?.code ?? e?.message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e: any) {
    throw new ConfigError(`${shown} is not valid JSON: ${jsonErrorWhere(String(e?.message ?? e), text)}`);
  }
  const name = isPkg ? `${shown}#nodesec` : shown;
  if (isPkg) {
    if (!doc || typeof doc !== 'object' || !Object.prototype.hasOwnProperty.call(doc, 'nodesec'))
      throw new ConfigError(`${shown} has no "nodesec" key`);
    doc = (doc as any).nodesec;
  }
  return { file: abs, dir: path.dirname(abs), name, config: validateConfig(doc, name) };
}

/** "Unexpected token } in JSON at position 42" -> "... (line 3, column 5)". */
function jsonErrorWhere(msg: string, text: string): string {
  const first = msg.split('\n')[0]!;
  const m = /position (\d+)/.exec(first);
  if (!m || /line \d+/.test(first)) return first;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${first.replace(/\s*\(line.*\)$/, '')} (line ${line}, column ${column})`;
}

function quote(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function suggest(key: string, allowed: readonly string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const hit = allowed.find((a) => norm(a) === norm(key));
  return hit ? ` (did you mean "${hit}"?)` : '';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Validate a parsed config document. `name` prefixes messages (the file). */
export function validateConfig(doc: unknown, name: string): NodesecConfig {
  const err = (key: string, what: string): never => {
    throw new ConfigError(`${name}: ${key ? `"${key}" ` : ''}${what}`);
  };
  if (!isPlainObject(doc)) err('', `must be a JSON object, not ${quote(doc)}`);
  const d = doc as Record<string, unknown>;
  const out: NodesecConfig = {};
  for (const key of Object.keys(d)) {
    if (!(TOP_KEYS as readonly string[]).includes(key))
      err(key, `is not a nodesec setting${suggest(key, TOP_KEYS)}; allowed keys: ${TOP_KEYS.filter((k) => k !== '$schema').join(', ')}`);
  }
  const oneOf = <T extends string>(key: string, v: unknown, allowed: readonly T[]): T => {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) err(key, `must be one of ${allowed.join(', ')} (got ${quote(v)})`);
    return v as T;
  };
  const str = (key: string, v: unknown): string => {
    if (typeof v !== 'string' || v.trim() === '') err(key, `must be a non-empty string (got ${quote(v)})`);
    return v as string;
  };
  const strList = (key: string, v: unknown): string[] => {
    if (!Array.isArray(v)) err(key, `must be an array of strings (got ${quote(v)})`);
    return (v as unknown[]).map((x, i) => str(`${key}[${i}]`, x));
  };
  const objKeys = (key: string, v: unknown, allowed: readonly string[], required: readonly string[]): Record<string, unknown> => {
    if (!isPlainObject(v)) err(key, `must be an object with ${required.map((r) => `"${r}"`).join(', ')} (got ${quote(v)})`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!allowed.includes(k)) err(`${key}.${k}`, `is not allowed here${suggest(k, allowed)}; allowed keys: ${allowed.join(', ')}`);
    for (const r of required) if (!(r in o)) err(`${key}.${r}`, 'is required');
    return o;
  };
  const apiRef = (key: string, o: Record<string, unknown>): ApiRef => {
    const ref: ApiRef = { module: str(`${key}.module`, o.module) };
    if (o.export !== undefined) {
      if (typeof o.export !== 'string' || !/^([A-Za-z_$][\w$]*)?(\.[A-Za-z_$][\w$]*)*$/.test(o.export))
        err(`${key}.export`, `must be an export name or dotted path such as "safePath", "default" or "helpers.safePath" (got ${quote(o.export)})`);
      ref.export = o.export as string;
    }
    return ref;
  };

  if (d.threatModel !== undefined) out.threatModel = oneOf('threatModel', d.threatModel, THREAT_MODELS);
  if (d.severity !== undefined) out.severity = oneOf('severity', d.severity, SEVERITIES);
  if (d.failOn !== undefined) out.failOn = oneOf('failOn', d.failOn, [...SEVERITIES, 'none'] as const);
  if (d.ignore !== undefined) out.ignore = strList('ignore', d.ignore);
  if (d.plugins !== undefined) out.plugins = strList('plugins', d.plugins);
  if (d.rules !== undefined) {
    if (!isPlainObject(d.rules)) err('rules', `must be an object of rule id -> setting (got ${quote(d.rules)})`);
    out.rules = {};
    for (const [id, v] of Object.entries(d.rules as Record<string, unknown>)) {
      const key = `rules.${id}`;
      let setting: RuleSetting;
      if (v === 'off') setting = { enabled: false };
      else if (v === 'on') setting = { enabled: true };
      else if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) setting = { enabled: true, severity: v as Severity };
      else if (isPlainObject(v)) {
        const o = objKeys(key, v, id === 'missing-helmet' ? ['enabled', 'severity', 'headerMiddleware'] : ['enabled', 'severity'], []);
        if (o.headerMiddleware !== undefined) {
          const hm = o.headerMiddleware;
          if (!Array.isArray(hm) || hm.length === 0 || hm.some((x) => typeof x !== 'string' || x.trim() === ''))
            err(`${key}.headerMiddleware`, `must be a non-empty array of module names or "module#export" strings (got ${quote(hm)})`);
        }
        setting = {};
        if (o.enabled !== undefined) {
          if (typeof o.enabled !== 'boolean') err(`${key}.enabled`, `must be true or false (got ${quote(o.enabled)})`);
          setting.enabled = o.enabled as boolean;
        }
        if (o.severity !== undefined) setting.severity = oneOf(`${key}.severity`, o.severity, SEVERITIES);
        if (o.headerMiddleware !== undefined) setting.headerMiddleware = (o.headerMiddleware as string[]).map((x) => x.trim());
      } else err(key, `must be one of ${RULE_VALUES.join(', ')} (got ${quote(v)})`);
      out.rules[id] = setting!;
    }
  }
  const list = (key: string, v: unknown): unknown[] => {
    if (!Array.isArray(v)) err(key, `must be an array (got ${quote(v)})`);
    return v as unknown[];
  };
  if (d.sources !== undefined) {
    out.sources = list('sources', d.sources).map((v, i) => {
      const key = `sources[${i}]`;
      const o = objKeys(key, v, ['module', 'export', 'label'], ['module']);
      const s: SourceConfig = apiRef(key, o);
      if (o.label !== undefined) s.label = str(`${key}.label`, o.label);
      return s;
    });
  }
  if (d.sinks !== undefined) {
    out.sinks = list('sinks', d.sinks).map((v, i) => {
      const key = `sinks[${i}]`;
      const o = objKeys(key, v, ['module', 'export', 'rule', 'args', 'label'], ['module', 'rule']);
      const s: SinkConfig = { ...apiRef(key, o), rule: str(`${key}.rule`, o.rule) };
      if (o.args !== undefined) {
        if (o.args === 'all') s.args = 'all';
        else if (Array.isArray(o.args) && o.args.length > 0 && o.args.every((n) => Number.isInteger(n) && (n as number) >= 0)) s.args = o.args as number[];
        else err(`${key}.args`, `must be "all" or a non-empty array of argument indexes such as [0, 1] (got ${quote(o.args)})`);
      }
      if (o.label !== undefined) s.label = str(`${key}.label`, o.label);
      return s;
    });
  }
  if (d.sanitizers !== undefined) {
    out.sanitizers = list('sanitizers', d.sanitizers).map((v, i) => {
      const key = `sanitizers[${i}]`;
      const o = objKeys(key, v, ['module', 'export', 'for'], ['module', 'for']);
      const f = strList(`${key}.for`, o.for);
      if (f.length === 0) err(`${key}.for`, 'must list at least one rule id');
      return { ...apiRef(key, o), for: f };
    });
  }
  return out;
}

/**
 * Checks that need the rule set (after plugins are loaded): rule ids in "rules", the rule of each
 * sink (a taint rule), the rules sanitizers are for (taint rules with a sanitizer class).
 */
export function checkRuleReferences(
  loaded: LoadedConfig,
  known: { all: readonly string[]; taint: readonly string[]; sanitizable: readonly string[]; pluginsHeld?: boolean },
): void {
  const c = loaded.config;
  // The config's plugins were not loaded (no --allow-plugins): their rule ids cannot be checked.
  if (known.pluginsHeld) return;
  const err = (key: string, what: string): never => {
    throw new ConfigError(`${loaded.name}: "${key}" ${what}`);
  };
  const list = (ids: readonly string[]) => (ids.length ? ids.join(', ') : '(none)');
  for (const id of Object.keys(c.rules ?? {}))
    if (!known.all.includes(id)) err(`rules.${id}`, `is not a rule (run \`nodesec rules\`); rules: ${list(known.all)}`);
  (c.sinks ?? []).forEach((s, i) => {
    if (!known.taint.includes(s.rule)) err(`sinks[${i}].rule`, `must be a taint rule, one of ${list(known.taint)} (got ${quote(s.rule)})`);
  });
  (c.sanitizers ?? []).forEach((s, i) => {
    s.for.forEach((id, j) => {
      if (!known.sanitizable.includes(id)) err(`sanitizers[${i}].for[${j}]`, `must be a taint rule with sanitizers, one of ${list(known.sanitizable)} (got ${quote(id)})`);
    });
  });
}
