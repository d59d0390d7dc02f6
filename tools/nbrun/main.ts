// `npm run notebooks:exec [-- notebooks/x.ipynb ...] [--timeout S] [--kernel NAME] [--out DIR] [--quick]`
// Executes notebooks in the real "convlab" Jupyter kernel through nbclient (execute_notebooks.py,
// run with the project's .venv python, installed by tools/python/venv.sh on first use, with this checkout's kernel
// registered in the venv), prints a report naming each failing cell and exits 1 if any failed.
// `raises` cells must fail with their expected error; `--quick` runs cells with their `ci` overrides (the
// lessons' reduced CI settings) while the saved notebooks keep the lesson's code.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packageRoot } from "../lessons/files.js";
import { pythonEnv, registerKernel } from "../python/venv.js";
import type { CellReport, NotebookReport, RunReport } from "./report.js";

interface Options {
  notebooks: string[];
  timeoutSeconds: string | null;
  kernel: string;
  outDir: string;
  quick: boolean;
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
  // This package's checkout (its execute_notebooks.py, .venv and notebooks/), found as every tool finds it.
  const root = packageRoot();
  const options = parseOptions(process.argv.slice(2), root);
  if (options.notebooks.length === 0) {
    process.stderr.write("nbrun: no notebooks given and none in notebooks/ (generate them first)\n");
    return 1;
  }
  // Only a report written by this run counts: OUT/report.json from an earlier run is removed first, the script
  // writes to a fresh folder of its own and stamps the report with this run's id (a crashed or killed script
  // used to leave the old report to be printed as this run's PASS).
  const runId = randomUUID();
  const reportDir = mkdtempSync(join(tmpdir(), "convlab-nbrun-"));
  const freshReport = join(reportDir, "report.json");
  const reportPath = join(options.outDir, "report.json");
  rmSync(reportPath, { force: true });
  const scriptArgs = [join(root, "tools", "nbrun", "execute_notebooks.py"), "--kernel", options.kernel, "--out", options.outDir];
  scriptArgs.push("--report", freshReport, "--run-id", runId);
  if (options.timeoutSeconds !== null) scriptArgs.push("--timeout", options.timeoutSeconds);
  if (options.quick) scriptArgs.push("--quick");
  const python = pythonEnv(root);
  if (!process.env.CONVLAB_JUPYTER) registerKernel(root, python.prefix);
  const run = spawnSync(python.python, [...scriptArgs, ...options.notebooks], { stdio: ["ignore", "inherit", "inherit"], env: python.env });
  try {
    if (run.error) {
      process.stderr.write(`nbrun: cannot start ${python.python}: ${run.error.message} (tools/python/venv.sh installs it)\n`);
      return 1;
    }
    const ended = run.signal ? `was killed by ${run.signal}` : `ended with status ${run.status}`;
    if (run.signal || (run.status !== 0 && run.status !== 1) || !existsSync(freshReport)) {
      process.stderr.write(`nbrun: execute_notebooks.py ${ended} and wrote no report; no notebook result can be trusted\n`);
      return 1;
    }
    let report: RunReport;
    try {
      report = JSON.parse(readFileSync(freshReport, "utf8")) as typeof report;
    } catch (error) {
      process.stderr.write(`nbrun: cannot read the report execute_notebooks.py wrote (${freshReport}): ${(error as Error).message}\n`);
      return 1;
    }
    if (report.runId !== runId) {
      process.stderr.write(`nbrun: the report in ${freshReport} is not this run's (run id ${report.runId}, expected ${runId})\n`);
      return 1;
    }
    mkdirSync(options.outDir, { recursive: true });
    copyFileSync(freshReport, reportPath);
    return printReport(report.notebooks, options.outDir, run.status === 0);
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

/** Prints PASS/FAIL per notebook and each failing cell; the exit status is 0 only if all passed. */
function printReport(notebooks: NotebookReport[], outDir: string, scriptSucceeded: boolean): number {
  const lines: string[] = [];
  for (const notebook of notebooks) {
    const cellTimes = notebook.cells.length === 0 ? "" : `, ${notebook.cells.length} code cells`;
    lines.push(`${notebook.passed ? "PASS" : "FAIL"} ${notebook.notebook} (${notebook.seconds.toFixed(1)} s${cellTimes})`);
    for (const failure of notebook.failures) lines.push(describeCell(failure));
  }
  const failed = notebooks.filter((notebook) => !notebook.passed).length;
  lines.push(`${notebooks.length - failed} of ${notebooks.length} notebooks passed; executed copies in ${outDir}`);
  process.stdout.write(lines.join("\n") + "\n");
  return failed === 0 && scriptSucceeded ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
