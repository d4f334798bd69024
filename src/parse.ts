/**
 * typescript-estree wrapper. Loaded lazily by the scan (importing typescript costs ~0.5 s), so
 * `--version`, `--help`, `rules` and cache hits never pay for it.
 */
import { createRequire } from 'node:module';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Node as TsNode, SourceFile } from 'typescript';

export type Program = TSESTree.Program;

export interface ParseOk {
  ok: true;
  ast: Program;
  sourceType: 'module' | 'script';
}
export interface ParseError {
  ok: false;
  message: string;
  line?: number;
  column?: number;
  /** The parser overflowed the stack: nesting too deep to parse (not a syntax error). */
  tooDeep?: boolean;
}

type Estree = typeof import('@typescript-eslint/typescript-estree');
let estree: Estree | undefined;

export async function loadParser(): Promise<void> {
  if (!estree) estree = await import('@typescript-eslint/typescript-estree');
}

const JSX_EXT = /\.(jsx|tsx)$/i;
const TS_EXT = /\.(ts|cts|mts|tsx)$/i;

/**
 * Parse one file. `.js`/`.jsx`/`.cjs`/`.mjs` are parsed as JavaScript (JSX allowed in .js and .jsx,
 * as React projects put JSX in .js); TypeScript extensions with TS syntax, JSX only in .tsx.
 * Only what the rules need: ranges and locations; no tokens, no comments (unless asked), no JSDoc.
 */
export function parseSource(text: string, file: string, opts: { comments?: boolean } = {}): ParseOk | ParseError {
  if (!estree) throw new Error('parser not loaded: call loadParser() first');
  const isTs = TS_EXT.test(file);
  const jsx = JSX_EXT.test(file) || (!isTs && /\.js$/i.test(file));
  const attempt = (source: string, withJsx: boolean): ParseOk | ParseError => {
    try {
      const ast = estree!.parse(source, {
        filePath: isTs ? file : file.replace(/\.(c|m)?jsx?$/i, '.js'),
        jsx: withJsx,
        loc: true,
        range: true,
        comment: !!opts.comments,
        tokens: false,
        jsDocParsingMode: 'none',
        suppressDeprecatedPropertyWarnings: true,
        allowInvalidAST: false,
      } as any) as unknown as Program;
      const sourceType: 'module' | 'script' =
        /\.(mjs|mts)$/i.test(file) || hasModuleSyntax(ast) ? 'module' : 'script';
      return { ok: true, ast, sourceType };
    } catch (e: any) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) return { ok: false, tooDeep: true, message: 'nesting is too deep to parse' };
      const msg = String(e?.message ?? e).split('\n')[0];
      return { ok: false, message: msg, line: e?.lineNumber, column: e?.column != null ? e.column + 1 : undefined };
    }
  };
  // A .js file with `<T>x` casts or comparisons that look like JSX: retried without JSX.
  const parse = (source: string): ParseOk | ParseError => {
    const r = attempt(source, jsx);
    if (r.ok || r.tooDeep || !jsx || JSX_EXT.test(file)) return r;
    const r2 = attempt(source, false);
    return r2.ok ? r2 : r;
  };
  let r = parse(text);
  // Sloppy-mode legacy syntax (`0755`, '\033'): parse the file with it written the modern way.
  if (!r.ok && !r.tooDeep && !isTs && LEGACY_MESSAGE.test(r.message)) {
    const modern = withoutLegacySyntax(text, file, jsx);
    if (modern !== undefined) {
      const r2 = parse(modern);
      // Module code is strict, and so is a script that says 'use strict': there the syntax is an error.
      if (r2.ok && r2.sourceType === 'script' && !hasUseStrict(r2.ast)) r = r2;
    }
  }
  return r;
}

/**
 * Errors TypeScript's parser reports for syntax that sloppy-mode JavaScript allows (Annex B):
 * legacy octal literals (`0755`, common as file modes), decimals with leading zeros (`08`) and
 * octal escapes in strings ('\033', common in terminal colours).
 */
const LEGACY_CODES = new Set([1121, 1487, 1489]);
const LEGACY_MESSAGE = /^(Octal literals are not allowed|Octal escape sequences are not allowed|Decimals with leading zeros are not allowed)/;

type Ts = typeof import('typescript');
let ts: Ts | undefined;

/**
 * `text` with every piece of legacy sloppy-mode syntax replaced by modern syntax of the same
 * length, so every other offset, line and column stays where it was: `0755` becomes ` 493`, `08`
 * ` 8`, '\033' '\x1b'. An octal escape of one or two digits has no same-length form: it becomes
 * an escaped space per character (the string's value is approximated, its extent kept). Undefined
 * when the file has any other parse error, or an octal escape in a template (an error everywhere).
 */
export function withoutLegacySyntax(text: string, file: string, jsx: boolean): string | undefined {
  ts ??= createRequire(import.meta.url)('typescript') as Ts;
  const sf = ts.createSourceFile(
    file.replace(/\.(c|m)?jsx?$/i, '.js'),
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
    jsx ? ts.ScriptKind.JSX : ts.ScriptKind.JS,
  );
  const diags = (sf as unknown as { parseDiagnostics: Array<{ code: number; start: number; length: number }> }).parseDiagnostics;
  if (!diags.length || !diags.every((d) => LEGACY_CODES.has(d.code))) return undefined;
  let out = '';
  let at = 0;
  for (const d of [...diags].sort((a, b) => a.start - b.start)) {
    if (d.start < at) return undefined;
    const span = text.slice(d.start, d.start + d.length);
    const modern = d.code === 1487 ? modernEscape(span, inTemplate(sf, d.start)) : modernNumber(span, d.code);
    if (modern === undefined || modern.length !== span.length) return undefined;
    out += text.slice(at, d.start) + modern;
    at = d.start + d.length;
  }
  return out + text.slice(at);
}

/** `0755`, `-0755` (legacy octal, code 1121) or `08`, `019.5` (leading zeros) as a decimal, padded with spaces in front. */
function modernNumber(span: string, code: number): string | undefined {
  const m = /^(-?)0+([0-9]*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)$/.exec(span);
  if (!m) return undefined;
  const [, sign, rest] = m;
  let value: string;
  if (code === 1121) {
    if (!/^[0-7]*$/.test(rest!)) return undefined;
    value = String(parseInt(rest || '0', 8));
  } else value = rest!.startsWith('.') || !rest ? '0' + rest : rest!;
  const modern = sign + value;
  return modern.length <= span.length ? ' '.repeat(span.length - modern.length) + modern : undefined;
}

/** An octal escape (`\033`, `\7`) in a string literal; in a template it is an error in any mode. */
function modernEscape(span: string, template: boolean): string | undefined {
  const m = /^\\([0-7]{1,3})$/.exec(span);
  if (!m || template) return undefined;
  const value = parseInt(m[1]!, 8);
  if (span.length === 4 && value <= 0xff) return '\\x' + value.toString(16).padStart(2, '0');
  return '\\' + ' '.repeat(span.length - 1);
}

/** Whether offset `pos` lies in a template literal's text. */
function inTemplate(sf: SourceFile, pos: number): boolean {
  const k = ts!.SyntaxKind;
  let found = false;
  const visit = (node: TsNode): void => {
    if (found || pos < node.pos || pos >= node.end) return;
    if (
      node.kind === k.NoSubstitutionTemplateLiteral ||
      node.kind === k.TemplateHead ||
      node.kind === k.TemplateMiddle ||
      node.kind === k.TemplateTail
    ) {
      found = true;
      return;
    }
    ts!.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function hasUseStrict(ast: Program): boolean {
  for (const s of ast.body) {
    if (s.type !== 'ExpressionStatement' || !('directive' in s) || typeof s.directive !== 'string') return false;
    if (s.directive === 'use strict') return true;
  }
  return false;
}

function hasModuleSyntax(ast: Program): boolean {
  for (const s of ast.body) {
    const t = s.type;
    if (
      t === 'ImportDeclaration' ||
      t === 'ExportNamedDeclaration' ||
      t === 'ExportDefaultDeclaration' ||
      t === 'ExportAllDeclaration' ||
      t === 'TSExportAssignment'
    )
      return true;
  }
  return false;
}

