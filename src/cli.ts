/**
 * The command line: `nodesec scan [paths...]`, `nodesec rules`. Flags -> options, picks the
 * reporter, sets the exit code: 0 nothing at or above --fail-on, 1 findings at or above it,
 * 2 usage, config or internal error (one line on stderr, no stack trace).
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Rule, Severity, ThreatModel } from './rule.js';
import { SEVERITIES } from './rule.js';
import { TOOL } from './version.js';

const moduleApi = (globalThis as any).process?.versions && (await import('node:module'));
try {
  (moduleApi as any)?.enableCompileCache?.();
} catch {
  /* older Node: no compile cache */
}

function fail(message: string): never {
  process.stderr.write(`nodesec: ${message}\n`);
  process.exit(2);
}

function choice<T extends string>(name: string, allowed: readonly T[]) {
  return (v: string): T => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}`);
    return v as T;
  };
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

async function loadRules(): Promise<Rule[]> {
  const { rules } = await import('../rules/index.js');
  return rules;
}

function selectRules(all: Rule[], only?: string[], disable?: string[]): Rule[] {
  const ids = new Set(all.map((r) => r.meta.id));
  const split = (l?: string[]) => (l ?? []).flatMap((x) => x.split(',')).map((s) => s.trim()).filter(Boolean);
  const want = split(only);
  const off = split(disable);
  for (const id of [...want, ...off]) if (!ids.has(id)) fail(`unknown rule "${id}" (run \`nodesec rules\` to list them)`);
  return all.filter((r) => (want.length === 0 || want.includes(r.meta.id)) && !off.includes(r.meta.id));
}

const program = new Command();
program
  .name('nodesec')
  .description('Static security scanner for Node.js and TypeScript: real data flow, a path for every finding.')
  .version(TOOL.version, '-v, --version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`nodesec: ${s.replace(/^error: /, '')}`),
  });

program
  .command('scan')
  .description('scan files and folders (default: the current folder)')
  .argument('[paths...]', 'files or folders to scan', [])
  .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif']).default('text'))
  .option('-o, --output <file>', 'write the report to a file instead of stdout')
  .addOption(
    new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']).default('high'),
  )
  .addOption(new Option('--severity <min>', 'lowest severity reported').choices([...SEVERITIES]).default('medium'))
  .addOption(
    new Option('--threat-model <model>', 'what counts as attacker input: app (HTTP request data), library (also exported-function parameters), all')
      .choices(['app', 'library', 'all'])
      .default('app'),
  )
  .option('--rule <ids...>', 'run only these rules')
  .option('--disable <ids...>', 'do not run these rules')
  .option('--ignore <globs...>', 'extra paths to skip (gitignore syntax)')
  .option('--max-file-size <bytes>', 'skip files larger than this (default 2 MiB)', positiveInt)
  .option('--sarif-category <name>', 'SARIF automationDetails category (one per scanned root in a monorepo)')
  .option('--no-color', 'no colours (also NO_COLOR, and whenever stdout is not a terminal)')
  .option('-q, --quiet', 'print findings only: no summary, no diagnostics, no progress')
  .action(async (paths: string[], o: any) => {
    const rules = selectRules(await loadRules(), o.rule, o.disable);
    const { scan, UsageError, severityRank } = await import('./scan.js');
    const { reporters } = await import('./reporters/index.js');
    let result;
    try {
      result = await scan({
        paths,
        rules,
        threatModel: o.threatModel as ThreatModel,
        severity: o.severity as Severity,
        ignore: o.ignore,
        maxFileSize: o.maxFileSize,
        sarifCategory: o.sarifCategory,
      });
    } catch (e) {
      if (e instanceof UsageError) fail(e.message);
      throw e;
    }
    const color = !o.output && o.color !== false && !process.env.NO_COLOR && !!process.stdout.isTTY && o.format === 'text';
    if (o.quiet && o.format === 'text') result = { ...result, diagnostics: [], quiet: true } as typeof result;
    const out = reporters[o.format as 'text' | 'json' | 'sarif'](result, { color });
    if (o.output) {
      try {
        writeFileSync(o.output, out);
      } catch (e: any) {
        fail(`cannot write ${o.output}: ${e.code ?? e.message}`);
      }
    } else process.stdout.write(out);
    const failOn = o.failOn as Severity | 'none';
    const failing = failOn === 'none' ? 0 : result.findings.filter((f) => !f.suppressed && severityRank(f.severity) >= severityRank(failOn)).length;
    process.exitCode = failing ? 1 : 0;
  });

program
  .command('rules')
  .description('list every rule with id, severity, precision, CWE and description')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
  .action(async (o: { format: 'text' | 'json' | 'markdown' }) => {
    const { formatRules } = await import('./rules-list.js');
    process.stdout.write(formatRules((await loadRules()).map((r) => r.meta), o.format));
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
    process.exit(2);
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`nodesec: internal error: ${msg.split('\n')[0]}\n`);
  if (process.env.NODESEC_DEBUG) process.stderr.write(String((e as Error)?.stack) + '\n');
  process.exit(2);
}
