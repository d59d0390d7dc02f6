// `npm run notebooks:exec [-- notebooks/x.ipynb ...] [--timeout S] [--kernel NAME] [--out DIR] [--quick]`
// Executes notebooks in the real "convlab" Jupyter kernel through nbclient (execute_notebooks.py,
// run with the project's .venv python, installed by tools/python/venv.sh on first use, with this checkout's kernel
// registered in the venv), prints a report naming each failing cell and exits 1 if any failed.
// `raises` cells must fail with their expected error; `--quick` runs cells with their `ci` overrides (the
// lessons' reduced CI settings) while the saved notebooks keep the lesson's code.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonEnv, registerKernel } from "../python/venv.js";

interface CellReport {
  index: number | null;
  number: number | null;
  cellCount: number;
  source: string | null;
  status: string;
  message?: string;
  seconds?: number | null;
}

interface NotebookReport {
  notebook: string;
  passed: boolean;
  seconds: number;
  cells: CellReport[];
  failures: CellReport[];
  artifact?: string;
}

interface Options {
  notebooks: string[];
  timeoutSeconds: string | null;
  kernel: string;
  outDir: string;
  quick: boolean;
}

/** The checkout this script belongs to: the nearest folder above it with tools/nbrun/execute_notebooks.py. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "tools", "nbrun", "execute_notebooks.py"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("nbrun: cannot find tools/nbrun/execute_notebooks.py above " + import.meta.url);
    dir = parent;
  }
  return dir;
}

function parseOptions(args: string[], root: string): Options {
  const options: Options = { notebooks: [], timeoutSeconds: null, kernel: "convlab", outDir: join(root, "artifacts", "notebooks"), quick: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`nbrun: ${arg} needs a value`);
      return next;
    };
    if (arg === "--timeout") options.timeoutSeconds = value();
    else if (arg === "--kernel") options.kernel = value();
    else if (arg === "--out") options.outDir = resolve(value());
    else if (arg === "--quick") options.quick = true;
    else if (arg.startsWith("--")) throw new Error(`nbrun: unknown option ${arg}`);
    else options.notebooks.push(resolve(arg));
  }
  if (options.timeoutSeconds !== null && !/^[1-9][0-9]*$/.test(options.timeoutSeconds)) {
    throw new Error(`nbrun: --timeout must be a whole number of seconds, got ${options.timeoutSeconds}`);
  }
  if (options.notebooks.length === 0) {
    const notebooksDir = join(root, "notebooks");
    const found = existsSync(notebooksDir) ? readdirSync(notebooksDir).filter((name) => name.endsWith(".ipynb")).sort() : [];
    options.notebooks = found.map((name) => join(notebooksDir, name));
  }
  return options;
}

function describeCell(cell: CellReport): string {
  const where = cell.number === null ? "notebook" : `cell ${cell.number} of ${cell.cellCount} (index ${cell.index})`;
  const source = cell.source ? ` [${cell.source}]` : "";
  const message = (cell.message ?? "").split("\n").join("\n      ");
  return `  ${where}${source}: ${cell.status}: ${message}`;
}

function main(): number {
  const root = repoRoot();
  const options = parseOptions(process.argv.slice(2), root);
  if (options.notebooks.length === 0) {
    process.stderr.write("nbrun: no notebooks given and none in notebooks/ (generate them first)\n");
    return 1;
  }
  const scriptArgs = [join(root, "tools", "nbrun", "execute_notebooks.py"), "--kernel", options.kernel, "--out", options.outDir];
  if (options.timeoutSeconds !== null) scriptArgs.push("--timeout", options.timeoutSeconds);
  if (options.quick) scriptArgs.push("--quick");
  const python = pythonEnv(root);
  if (!process.env.CONVLAB_JUPYTER) registerKernel(root, python.prefix);
  const run = spawnSync(python.python, [...scriptArgs, ...options.notebooks], { stdio: ["ignore", "inherit", "inherit"], env: python.env });
  if (run.error) {
    process.stderr.write(`nbrun: cannot start ${python.python}: ${run.error.message} (tools/python/venv.sh installs it)\n`);
    return 1;
  }
  const reportPath = join(options.outDir, "report.json");
  if (run.status === 2 || !existsSync(reportPath)) {
    process.stderr.write(`nbrun: execute_notebooks.py ended with status ${run.status} and no report\n`);
    return 1;
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8")) as { notebooks: NotebookReport[] };
  const lines: string[] = [];
  for (const notebook of report.notebooks) {
    const cellTimes = notebook.cells.length === 0 ? "" : `, ${notebook.cells.length} code cells`;
    lines.push(`${notebook.passed ? "PASS" : "FAIL"} ${notebook.notebook} (${notebook.seconds.toFixed(1)} s${cellTimes})`);
    for (const failure of notebook.failures) lines.push(describeCell(failure));
  }
  const failed = report.notebooks.filter((notebook) => !notebook.passed).length;
  lines.push(`${report.notebooks.length - failed} of ${report.notebooks.length} notebooks passed; executed copies in ${options.outDir}`);
  process.stdout.write(lines.join("\n") + "\n");
  return failed === 0 && run.status === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
