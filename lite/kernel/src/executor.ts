// The TypeScript cell runner of convlab's JupyterLite kernel, used inside its Web Worker (worker.ts) and, in
// tests, under Node: both hand it the real TypeScript compiler. A cell is
//   1. parsed, and its top-level imports rewritten in place (same line) to `const { a, b: c } = await
//      __import("m")`, its last expression statement to `__result.value = (…)`;
//   2. transpiled with TypeScript's own transpileModule (types stripped; a transformer adds an interrupt check
//      at the top of every loop body), with a source map;
//   3. run as the body of an async function inside `with (scope)`, so names declared by earlier cells resolve,
//      and its own top-level declarations are copied into the scope when it ends (kept from cell to cell, like
//      tslab), top-level await allowed;
//   4. an error becomes {ename, evalue, traceback}, the traceback naming the cell line (through the source map).
import type * as TS from "typescript";

export type Ts = typeof TS;

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type CellOutcome = { status: "ok"; value?: { value: unknown } } | { status: "error"; error: CellError };

/** Raised in a loop of the cell when the kernel's interrupt flag is set. */
export class KeyboardInterrupt extends Error {
  constructor() {
    super("the cell was interrupted");
    this.name = "KeyboardInterrupt";
  }
}

interface Rewritten {
  code: string;
  names: string[];
  hasResult: boolean;
}

/** Binding names of a declaration's name: identifiers, and those inside object and array patterns. */
function bindingNames(ts: Ts, name: TS.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(ts, element.name, into);
}

/** Step 1: imports and the last expression, rewritten on their own lines so that line numbers stay the cell's. */
export function rewriteCell(ts: Ts, source: string): Rewritten {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const names: string[] = [];
  let hasResult = false;
  const statements = file.statements;
  for (const [index, statement] of statements.entries()) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const module = (statement.moduleSpecifier as TS.StringLiteral).text;
      if (!clause || clause.isTypeOnly) {
        edits.push({ start: statement.getStart(file), end: statement.end, text: clause ? "" : `await __import(${JSON.stringify(module)});` });
        continue;
      }
      const parts: string[] = [];
      const load = `await __import(${JSON.stringify(module)})`;
      if (clause.name) { parts.push(`const ${clause.name.text} = (${load}).default;`); names.push(clause.name.text); }
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) { parts.push(`const ${bindings.name.text} = ${load};`); names.push(bindings.name.text); }
      if (bindings && ts.isNamedImports(bindings)) {
        const specifiers = bindings.elements.filter((s) => !s.isTypeOnly);
        if (specifiers.length > 0) {
          parts.push(`const { ${specifiers.map((s) => (s.propertyName ? `${s.propertyName.text}: ${s.name.text}` : s.name.text)).join(", ")} } = ${load};`);
          names.push(...specifiers.map((s) => s.name.text));
        }
      }
      edits.push({ start: statement.getStart(file), end: statement.end, text: parts.join(" ") });
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bindingNames(ts, declaration.name, names);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
      names.push(statement.name.text);
    } else if (ts.isExpressionStatement(statement) && index === statements.length - 1) {
      hasResult = true;
      edits.push({ start: statement.getStart(file), end: statement.end, text: `__result.value = (${statement.expression.getText(file)});` });
    }
  }
  let code = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) code = code.slice(0, edit.start) + edit.text + code.slice(edit.end);
  return { code, names: [...new Set(names)], hasResult };
}

/** Step 2's transformer: `__interrupt();` first in every loop body, so a running loop can be stopped. */
function interruptChecks(ts: Ts): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const f = context.factory;
    const check = () => f.createExpressionStatement(f.createCallExpression(f.createIdentifier("__interrupt"), undefined, []));
    const guard = (body: TS.Statement): TS.Statement => f.createBlock([check(), body], true);
    const visit = (node: TS.Node): TS.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      if (ts.isWhileStatement(visited)) return f.updateWhileStatement(visited, visited.expression, guard(visited.statement));
      if (ts.isDoStatement(visited)) return f.updateDoStatement(visited, guard(visited.statement), visited.expression);
      if (ts.isForStatement(visited)) return f.updateForStatement(visited, visited.initializer, visited.condition, visited.incrementor, guard(visited.statement));
      if (ts.isForOfStatement(visited)) return f.updateForOfStatement(visited, visited.awaitModifier, visited.initializer, visited.expression, guard(visited.statement));
      if (ts.isForInStatement(visited)) return f.updateForInStatement(visited, visited.initializer, visited.expression, guard(visited.statement));
      return visited;
    };
    return (file) => ts.visitNode(file, visit) as TS.SourceFile;
  };
}

interface Compiled {
  js: string;
  /** For each generated line (0-based), the cell line (1-based) of its first mapping. */
  lineMap: number[];
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Generated line → source line from a source map's mappings (VLQ), enough to name a cell line. */
export function lineMapOf(mappings: string): number[] {
  const lines: number[] = [];
  let sourceLine = 0;
  for (const [generated, segments] of mappings.split(";").entries()) {
    let first: number | undefined;
    for (const segment of segments.split(",")) {
      if (segment === "") continue;
      const values: number[] = [];
      let value = 0, shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) { shift += 5; continue; }
        values.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0; shift = 0;
      }
      if (values.length >= 4) {
        sourceLine += values[2];
        first ??= sourceLine;
      }
    }
    lines[generated] = first === undefined ? -1 : first + 1;
  }
  return lines;
}

export class CompileError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

export function compileCell(ts: Ts, code: string): Compiled {
  const output = ts.transpileModule(code, {
    fileName: "cell.ts",
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true, inlineSources: false, removeComments: false },
    transformers: { before: [interruptChecks(ts)] },
  });
  const diagnostic = output.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostic) {
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 1;
    throw new CompileError(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"), line);
  }
  const js = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  const map = JSON.parse(output.sourceMapText ?? '{"mappings":""}') as { mappings: string };
  return { js, lineMap: lineMapOf(map.mappings) };
}

/** Lines new Function puts before its body ("function anonymous(…\n) {\n"), measured once, not assumed. */
let functionHeaderLines: number | null = null;
function headerLines(): number {
  if (functionHeaderLines === null) {
    try {
      new Function("throw new Error('probe')")();
    } catch (error) {
      const match = /<anonymous>:(\d+):\d+/.exec(String((error as Error).stack));
      functionHeaderLines = match ? Number(match[1]) - 1 : 2;
    }
  }
  return functionHeaderLines!;
}

/** The prefix the body gets in front of the compiled cell, on one line. */
const PREFIX = "with (__scope) { return (async () => {";

export interface RunnerOptions {
  /** Loads a module for an import in a cell ("convlab" and whatever else the kernel allows). */
  importModule(specifier: string): Promise<unknown>;
  /** Int32 slot 0 set to non-zero by the kernel to interrupt (shared memory), or null where there is none. */
  interruptFlag?: Int32Array | null;
}

export class CellRunner {
  /** Everything the cells declared, by name. */
  readonly scope: Record<string, unknown> = Object.create(null) as Record<string, unknown>;

  constructor(private readonly ts: Ts, private readonly options: RunnerOptions) {}

  /** Throws KeyboardInterrupt when the flag is set, and clears it. */
  private readonly checkInterrupt = (): void => {
    const flag = this.options.interruptFlag;
    if (flag && Atomics.load(flag, 0) !== 0) {
      Atomics.store(flag, 0, 0);
      throw new KeyboardInterrupt();
    }
  };

  async run(source: string): Promise<CellOutcome> {
    const lines = source.split("\n");
    let compiled: Compiled;
    let rewritten: Rewritten;
    try {
      rewritten = rewriteCell(this.ts, source);
      compiled = compileCell(this.ts, rewritten.code);
    } catch (error) {
      if (error instanceof CompileError) return { status: "error", error: cellError(error, error.line, lines) };
      throw error;
    }
    // The declared names are copied into the scope when the cell completes (a failed cell declares nothing).
    const keep = rewritten.names.map((n) => `__scope[${JSON.stringify(n)}] = ${n};`).join(" ");
    const body = `${PREFIX}\n${compiled.js}\n${keep}\n})(); }`;
    const result: { value?: unknown } = {};
    try {
      // Sloppy-mode Function (no "use strict"), which `with` needs; the cell's own code is what it is.
      const run = new Function("__scope", "__import", "__result", "__interrupt", body) as
        (scope: object, load: (s: string) => Promise<unknown>, result: object, interrupt: () => void) => Promise<void>;
      await run(this.scope, (specifier) => this.options.importModule(specifier), result, this.checkInterrupt);
    } catch (error) {
      return { status: "error", error: cellError(error, this.cellLine(error, compiled.lineMap), lines) };
    }
    return rewritten.hasResult && "value" in result ? { status: "ok", value: { value: result.value } } : { status: "ok" };
  }

  /** The cell line of the innermost stack frame in the cell's code, or null. */
  private cellLine(error: unknown, lineMap: number[]): number | null {
    const stack = error instanceof Error ? String(error.stack ?? "") : "";
    for (const frame of stack.split("\n")) {
      const match = /<anonymous>:(\d+):(\d+)\)?\s*$/.exec(frame);
      if (!match) continue;
      // Body line 1 is PREFIX; the compiled cell starts on body line 2.
      const generated = Number(match[1]) - headerLines() - 2;
      const line = lineMap[generated];
      if (line !== undefined && line > 0) return line;
    }
    return null;
  }
}

function cellError(error: unknown, line: number | null, lines: string[]): CellError {
  const ename = error instanceof Error ? error.name || "Error" : "Error";
  const evalue = error instanceof Error ? error.message : `${String(error)} (a thrown ${typeof error}, not an Error)`;
  const traceback = [`${ename}: ${evalue}`];
  if (line !== null && line >= 1 && line <= lines.length) traceback.push(`    at cell line ${line}: ${lines[line - 1].trim()}`);
  return { ename, evalue, traceback };
}
