// The import rules of ARCHITECTURE.md, checked: its "Folders and what each may import" table is read here, every
// relative import in src/ and tools/ is resolved to the folder (or top-level file) it lands in, and an import
// the table does not allow fails, naming the file, the import and the rule. The library imports no package but
// node: modules and its own dependencies. Then every module of the built library is imported first, each in a
// fresh process, so the one kept cycle (tensor ⇄ ops) cannot turn into an import-order bug.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/root.js";

interface Rule {
  unit: string;
  mayImport: string[];
}

/** The table's rows: first cell the unit(s) (`src/ops` or `src/errors.ts`), last cell what it may import. */
function readRules(markdown: string): Rule[] {
  const section = markdown.slice(markdown.indexOf("## Folders and what each may import"));
  const rules: Rule[] = [];
  for (const line of section.split("\n")) {
    if (!line.startsWith("| `")) continue;
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
    // The first cell names one unit or several that share the row (`src/index.ts`, `src/browser.ts`).
    const units = [...cells[0].matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    const mayImport = [...cells[cells.length - 1].matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    for (const unit of units) rules.push({ unit, mayImport });
  }
  return rules;
}

function sourceFiles(dir: string, pattern = /\.(ts|mjs)$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path, pattern);
    return pattern.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Module specifiers of a file's imports and exports found by TypeScript's parser; `lazy`: an `import("…")` call. */
function imports(path: string): { specifier: string; lazy: boolean }[] {
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, false);
  const found: { specifier: string; lazy: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, lazy: false });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, lazy: true });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, lazy: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The unit a repository path belongs to: the longest table entry that is the path or a folder above it. */
function unitOf(path: string, rules: Rule[]): Rule | undefined {
  return rules
    .filter((rule) => path === rule.unit || path.startsWith(rule.unit + "/"))
    .sort((a, b) => b.unit.length - a.unit.length)[0];
}

/** `src/*` in a may-import list allows any unit under src/. */
function allows(rule: Rule, target: string): boolean {
  return rule.mayImport.some((allowed) => allowed === target || (allowed.endsWith("/*") && target.startsWith(allowed.slice(0, -1))));
}

const rules = readRules(readFileSync(join(REPO_ROOT, "ARCHITECTURE.md"), "utf8"));
const files = ["src", "tools"].flatMap((dir) => sourceFiles(join(REPO_ROOT, dir))).map((path) => relative(REPO_ROOT, path));

describe("ARCHITECTURE.md's import rules", () => {
  it("the table lists the library's and the tools' folders", () => {
    expect(rules.length).toBeGreaterThan(20);
    expect(rules.map((rule) => rule.unit)).toEqual(expect.arrayContaining(["src/ops", "src/tensor", "tools/lessons"]));
  });

  it("every source file is in a folder the table lists", () => {
    expect(files.filter((path) => !unitOf(path, rules)).map((path) => `${path}: add its folder to ARCHITECTURE.md's table`)).toEqual([]);
  });

  it("every import between folders is one the table allows", () => {
    const broken: string[] = [];
    for (const path of files) {
      const from = unitOf(path, rules);
      if (!from) continue;
      for (const { specifier } of imports(join(REPO_ROOT, path))) {
        if (!specifier.startsWith(".")) continue;
        const target = relative(REPO_ROOT, resolve(dirname(join(REPO_ROOT, path)), specifier)).replace(/\.js$/, ".ts");
        const to = unitOf(target, rules);
        if (!to) {
          broken.push(`${path}: imports ${specifier}, which is outside every folder of the table`);
        } else if (to.unit !== from.unit && !allows(from, to.unit)) {
          broken.push(`${path}: imports ${specifier} (${to.unit}), but ${from.unit} may import only ${from.mayImport.join(", ") || "nothing else"}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("the library imports only node: modules and its dependencies; an optional peer dependency only lazily", () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
    const optionalPeers = new Set(Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name));
    const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
    const broken = files.filter((path) => path.startsWith("src/")).flatMap((path) =>
      imports(join(REPO_ROOT, path))
        .filter(({ specifier }) => !specifier.startsWith(".") && !specifier.startsWith("node:"))
        .filter(({ specifier, lazy }) => !dependencies.has(packageOf(specifier)) && !(lazy && optionalPeers.has(packageOf(specifier))))
        .map(({ specifier, lazy }) => `${path}: imports ${specifier}${lazy ? " lazily" : ""}, which is not ${lazy ? "a dependency or an optional peer dependency" : "one of the package's dependencies"}`));
    expect(broken).toEqual([]);
  });

  it("a rule that is broken is reported (the checker itself works)", () => {
    const table = "## Folders and what each may import\n\n| folder | holds | may import |\n|---|---|---|\n| `src/ops` | ops | `src/tensor` |\n| `src/nn` | modules | `src/ops` |\n";
    const parsed = readRules(table);
    expect(parsed).toEqual([{ unit: "src/ops", mayImport: ["src/tensor"] }, { unit: "src/nn", mayImport: ["src/ops"] }]);
    expect(allows(parsed[0], "src/nn")).toBe(false);
    expect(allows(parsed[1], "src/ops")).toBe(true);
    expect(unitOf("src/ops/conv.ts", parsed)?.unit).toBe("src/ops");
  });
});

describe("every module of the built library can be imported first", () => {
  const dist = join(REPO_ROOT, "dist", "src");
  const modules = sourceFiles(dist, /\.js$/).sort();
  it(`${modules.length} modules, each in a fresh process`, () => {
    expect(modules.length).toBeGreaterThan(50);
    // One driver process that starts a fresh node for each module (as many at a time as there are cores) and
    // collects what failed.
    const script = `const { spawn } = require("node:child_process");
const queue = JSON.parse(process.argv[1]), failures = [];
const next = () => {
  const path = queue.shift();
  if (path === undefined) return Promise.resolve();
  const child = spawn(process.execPath, ["--input-type=module", "-e", "await import(" + JSON.stringify("file://" + path) + ")"]);
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((done) => child.on("close", (status) => {
    if (status !== 0) failures.push(path + ": " + stderr.split("\\n").filter(Boolean).slice(0, 3).join(" | "));
    done();
  })).then(next);
};
Promise.all(Array.from({ length: require("node:os").availableParallelism() }, next)).then(() => console.log(JSON.stringify(failures)));`;
    const run = spawnSync(process.execPath, ["-e", script, JSON.stringify(modules)], { encoding: "utf8", timeout: 170_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout) as string[]).toEqual([]);
  }, 180_000);
});
