// `convlab test`: a course's lessons as tests, for CI. Every lesson runs in-process (tools/lessons/runner.ts,
// the same runner as this repository's vitest lesson tests), then, when Jupyter is there, every notebook runs
// in the real "TypeScript (convlab)" kernel through nbclient (tools/nbrun). One test is one lesson or one
// notebook; a failure names lessons/x.md:LINE and the cell; the last line is "N passed, N failed".
//
//   convlab test [--only 01,03] [--lang en|zh] [--full] [--no-kernel]
//     --only     lessons whose file name starts with one of these prefixes
//     --lang     one edition only: en (lessons/*.md) or zh (lessons/zh/*.md); default both
//     --full     run the cells' full values (default: their `//| ci: {...}` overrides, as CI should)
//     --no-kernel  the in-process tier only, even when Jupyter is installed
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { findStaleNotebooks, writeQuickNotebooks } from "../lessons/generate.js";
import { lintLessons } from "../lessons/lint.js";
import { type CodeCell, type Lesson, langOfLessonFile } from "../lessons/parse.js";
import { formatCellFailure } from "../lessons/report.js";
import { runLesson, WorkerPool } from "../lessons/runner.js";
import { twinReport } from "../lessons/twins.js";
import { lessonWorkingFolder, notebookPath, packageRoot } from "../lessons/files.js";

interface Tally {
  passed: number;
  failed: number;
}

/** How the kernel tier reaches Jupyter; `register`: the kernel must be put in a Jupyter path of ours first. */
type JupyterChoice = { env: NodeJS.ProcessEnv; register: boolean } | { missing: string };

/**
 * The Jupyter that tools/nbrun will use: $CONVLAB_JUPYTER; else, in a convlab checkout, its own .venv (nbrun
 * makes it from requirements.txt and registers the kernel there); else, in a course, a `jupyter` on PATH whose
 * Python has nbclient.
 */
function findJupyter(): JupyterChoice {
  if (process.env.CONVLAB_JUPYTER) return { env: process.env, register: true };
  if (existsSync(join(packageRoot(), "tools", "python", "venv.sh"))) return { env: process.env, register: false };
  for (const folder of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const jupyter = join(folder, "jupyter");
    if (!existsSync(jupyter)) continue;
    const python = ["python3", "python"].map((name) => join(folder, name)).find((path) => existsSync(path));
    if (python && spawnSync(python, ["-c", "import nbclient, nbformat, jupyter_client"]).status === 0) {
      return { env: { ...process.env, CONVLAB_JUPYTER: jupyter }, register: true };
    }
  }
  return {
    missing: "no `jupyter` on PATH whose Python imports nbclient (pip install nbclient nbformat jupyter_client, " +
      "or apt-get install python3-nbclient jupyter-core), and CONVLAB_JUPYTER is not set",
  };
}

async function runLessons(root: string, lessons: Lesson[], quick: boolean, tally: Tally): Promise<void> {
  // Cells run with notebooks/ (notebooks/zh/) as their working folder, as the notebooks do; a new course may not have it yet.
  for (const lesson of lessons) mkdirSync(lessonWorkingFolder(root, lesson), { recursive: true });
  const pool = new WorkerPool();
  console.log(`lessons: running ${lessons.length} lesson(s) in-process${quick ? " (ci overrides applied)" : ""}, ${pool.size} at a time`);
  const runs = lessons.map((lesson) => runLesson(lesson, { root, quick }, pool));
  await Promise.all(
    runs.map(async (run) => {
      const results = await run.done;
      const failures = results.filter((result) => result.status !== "ok" && result.status !== "skipped");
      const seconds = results.reduce((total, result) => total + result.milliseconds, 0) / 1000;
      if (failures.length === 0) {
        tally.passed++;
        console.log(`  ok    ${run.lesson.file}  (${results.length} cells, ${seconds.toFixed(1)} s)`);
        return;
      }
      tally.failed++;
      const first = failures[0];
      const cell = run.lesson.cells[first.index] as CodeCell;
      console.log(`  FAIL  ${run.lesson.file}`);
      console.log(formatCellFailure(run.lesson, cell, first).replace(/^/gm, "        "));
    }),
  );
}

interface NotebookReport {
  notebook: string;
  passed: boolean;
}

/** Every lesson's notebook (ci overrides applied) in the real kernel, through tools/nbrun and nbclient. */
function runNotebooks(root: string, lessons: Lesson[], quick: boolean, jupyter: { env: NodeJS.ProcessEnv; register: boolean }, tally: Tally): void {
  const work = join(root, "out", "convlab-test");
  const notebooksFolder = join(work, "notebooks");
  const executed = join(work, "executed");
  rmSync(work, { recursive: true, force: true });
  const notebooks = quick ? writeQuickNotebooks(notebooksFolder, lessons) : lessons.map((lesson) => notebookPath(root, lesson));
  const tools = join(packageRoot(), "dist", "tools");
  const env = { ...jupyter.env };
  // A Jupyter of the user's: the kernel goes in a throwaway folder that only this run's JUPYTER_PATH names.
  const prefix = jupyter.register ? mkdtempSync(join(tmpdir(), "convlab-kernelspec-")) : null;
  try {
    if (prefix) {
      const install = spawnSync(process.execPath, [join(tools, "jupyter-kernel", "install.js"), "--prefix", prefix], { encoding: "utf8" });
      if (install.status !== 0) throw new Error(`registering the convlab kernel failed:\n${install.stderr}`);
      env.JUPYTER_PATH = [join(prefix, "share", "jupyter"), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter);
    }
    // One nbrun per edition: executed copies are named by file name, and en and zh share their slugs.
    for (const lang of ["en", "zh"] as const) {
      const edition = notebooks.filter((path) => (lang === "zh") === (basename(dirname(path)) === "zh"));
      if (edition.length === 0) continue;
      const out = lang === "zh" ? join(executed, "zh") : executed;
      console.log(`notebooks: executing ${edition.length} ${lang === "zh" ? "Chinese " : ""}notebook(s) in the real kernel (nbclient)`);
      spawnSync(process.execPath, [join(tools, "nbrun", "main.js"), "--out", out, ...edition], {
        env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      const reportPath = join(out, "report.json");
      const reports = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, "utf8")) as { notebooks: NotebookReport[] }).notebooks : [];
      const passed = reports.filter((report) => report.passed).length;
      tally.passed += passed;
      // A notebook without a report (nbrun stopped early) is a failure too.
      tally.failed += edition.length - passed;
    }
  } finally {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  }
}

export async function testCourse(root: string, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: "string" }, lang: { type: "string" }, full: { type: "boolean" }, "no-kernel": { type: "boolean" } },
  });
  if (values.lang !== undefined && values.lang !== "en" && values.lang !== "zh") {
    console.log(`--lang ${values.lang}: expected en (lessons/*.md) or zh (lessons/zh/*.md)`);
    return 2;
  }
  const tally: Tally = { passed: 0, failed: 0 };
  const prefixes = values.only?.split(",");
  const inEdition = (file: string) => !values.lang || langOfLessonFile(file) === values.lang;
  const chosen = (file: string) => inEdition(file) && (!prefixes || prefixes.some((prefix) => basename(file).startsWith(prefix)));
  const { lessons: english, zhLessons, problems: allProblems } = lintLessons(root);
  const parsed = [...english, ...zhLessons];
  // A lesson that does not parse cannot run: it fails, once, and each problem line names it.
  const problems = allProblems.filter((problem) => chosen(problem.split(":")[0]));
  for (const problem of problems) console.log(`  FAIL  ${problem}`);
  const brokenFiles = new Set(problems.map((problem) => problem.split(":")[0]));
  tally.failed += brokenFiles.size;
  const lessons = parsed.filter((lesson) => chosen(lesson.file));
  if (lessons.length === 0 && brokenFiles.size === 0) {
    console.log(`no lessons${prefixes ? ` matching --only ${values.only}` : ""} in ${join(root, "lessons")}`);
    console.log("0 passed, 0 failed");
    return 1;
  }

  // Committed notebooks must match their lessons (a course may also keep none and generate them in CI).
  const notebooksFolder = join(root, "notebooks");
  const committed = existsSync(notebooksFolder) && readdirSync(notebooksFolder).some((name) => name.endsWith(".ipynb"));
  if (committed && !prefixes && !values.lang && problems.length === 0) {
    const { outdated, orphaned } = findStaleNotebooks(root, lessons);
    for (const path of outdated) console.log(`  FAIL  ${path} is out of date with its lesson (run \`npx convlab notebooks\` and commit notebooks/)`);
    for (const path of orphaned) console.log(`  FAIL  ${path} has no lesson in lessons/`);
    tally.failed += outdated.length + orphaned.length;
  }

  // The Chinese edition's twin rule (tools/lessons/twins.ts): one failure per zh lesson whose cells drifted.
  const twins = twinReport(root, chosen);
  for (const problem of twins) console.log(`  FAIL  ${problem}`);
  tally.failed += new Set(twins.map((problem) => problem.split(":")[0])).size;

  const quick = !values.full;
  await runLessons(root, lessons, quick, tally);

  const jupyter = values["no-kernel"] ? null : findJupyter();
  if (!jupyter) console.log("notebooks: the real-kernel tier was not asked for (--no-kernel)");
  else if ("missing" in jupyter) console.log(`notebooks: SKIPPED the real-kernel tier: ${jupyter.missing}`);
  else if (!quick && !committed) console.log("notebooks: SKIPPED the real-kernel tier: --full runs the committed notebooks and notebooks/ has none");
  else runNotebooks(root, lessons, quick, jupyter, tally);

  console.log(`\n${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}
