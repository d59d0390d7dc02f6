// `npm start`: runs every lesson headlessly, writes the executed notebooks to out/notebooks/ and the static
// course site to out/site/, and says where to open it. The Chinese edition (lessons/zh/) runs too: its notebooks
// go to out/notebooks/zh/ and its site, with the glossary (lessons/zh/glossary.md), to out/site/zh/; every page
// with a twin in the other edition links to it.
//
//   npm start                      full run (every epoch the lessons ask for)
//   npm start -- --quick           applies the cells' `//| ci` overrides, as the tests do
//   npm start -- --only 03,05      only lessons whose file name starts with one of these prefixes

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./lessons/files.js";
import { lintLessons } from "./lessons/lint.js";
import { executedNotebook, serializeNotebook } from "./lessons/notebook.js";
import type { CodeCell } from "./lessons/parse.js";
import { formatCellFailure } from "./lessons/report.js";
import { type CellResult, kernelThreadsPerWorker, runLesson, WorkerPool } from "./lessons/runner.js";
import { writeSite } from "./lessons/site/build.js";
import { GLOSSARY_FILE } from "./lessons/glossary.js";

interface Arguments {
  quick: boolean;
  only: string[] | null;
}

function parseArguments(argv: string[]): Arguments {
  const onlyAt = argv.indexOf("--only");
  return {
    quick: argv.includes("--quick"),
    only: onlyAt >= 0 && argv[onlyAt + 1] ? argv[onlyAt + 1].split(",") : null,
  };
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  const root = repoRoot();
  const { lessons: english, zhLessons, problems } = lintLessons(root);
  const allLessons = [...english, ...zhLessons];
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.error(`\n${problems.length} problem(s) in lessons/ (see \`npm run lessons:lint\`).`);
    return 1;
  }
  const lessons = args.only ? allLessons.filter((lesson) => args.only!.some((prefix) => lesson.slug.startsWith(prefix))) : allLessons;
  if (lessons.length === 0) {
    console.error("No lessons to run.");
    return 1;
  }
  // Checked before the lessons run (minutes): an unwritable out/ used to surface only afterwards, as a raw
  // ENOTDIR/EACCES, with every result lost.
  const outFolder = join(root, "out");
  const unwritable = outputProblem(outFolder);
  if (unwritable) {
    console.error(`npm start: cannot write the results to ${outFolder}: ${unwritable}; nothing was run.`);
    return 1;
  }
  const pool = new WorkerPool();
  // The two editions' lesson 9 train side by side for most of the run: two threads each would oversubscribe the cores.
  const threads = kernelThreadsPerWorker(availableParallelism(), Math.min(pool.size, lessons.length));
  console.log(`Running ${lessons.length} lesson(s)${args.quick ? " (quick: ci overrides applied)" : ""}, ${pool.size} at a time, ${threads} kernel thread(s) each...`);
  const started = performance.now();
  const runs = lessons.map((lesson) => runLesson(lesson, { root, quick: args.quick, threads }, pool));
  const results: CellResult[][] = await Promise.all(
    runs.map(async (run) => {
      const lessonResults = await run.done;
      const failures = lessonResults.filter((result) => result.status !== "ok" && result.status !== "skipped");
      const seconds = lessonResults.reduce((total, result) => total + result.milliseconds, 0) / 1000;
      if (failures.length === 0) console.log(`  ok    ${run.lesson.file}  (${lessonResults.length} cells, ${seconds.toFixed(1)} s)`);
      else {
        console.log(`  FAIL  ${run.lesson.file}`);
        const first = failures[0];
        console.log(formatCellFailure(run.lesson, run.lesson.cells[first.index] as CodeCell, first).replace(/^/gm, "        "));
      }
      return lessonResults;
    }),
  );

  const notebooksFolder = join(outFolder, "notebooks");
  const siteFolder = join(outFolder, "site");
  rmSync(notebooksFolder, { recursive: true, force: true });
  rmSync(siteFolder, { recursive: true, force: true });
  mkdirSync(notebooksFolder, { recursive: true });
  mkdirSync(siteFolder, { recursive: true });
  lessons.forEach((lesson, index) => {
    const folder = lesson.lang === "zh" ? join(notebooksFolder, "zh") : notebooksFolder;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${lesson.slug}.ipynb`), serializeNotebook(executedNotebook(lesson, results[index])));
  });
  const entries = lessons.map((lesson, index) => ({ lesson, results: results[index] }));
  const enEntries = entries.filter((entry) => entry.lesson.lang === "en");
  const zhEntries = entries.filter((entry) => entry.lesson.lang === "zh");
  const glossaryPath = join(root, GLOSSARY_FILE);
  const glossary = existsSync(glossaryPath) ? { name: "glossary.html", file: GLOSSARY_FILE, text: readFileSync(glossaryPath, "utf8") } : undefined;
  const withChinese = zhEntries.length > 0 || glossary !== undefined;
  const slugsOf = (list: typeof entries) => new Set(list.map((entry) => entry.lesson.slug));
  writeSite(siteFolder, enEntries, { lang: "en", twins: slugsOf(zhEntries), otherSite: withChinese ? "zh/" : undefined });
  if (withChinese) {
    const zhFolder = join(siteFolder, "zh");
    mkdirSync(zhFolder, { recursive: true });
    writeSite(zhFolder, zhEntries, { lang: "zh", twins: slugsOf(enEntries), otherSite: "../", glossary });
  }

  const failedLessons = results.filter((lessonResults) =>
    lessonResults.some((result) => result.status !== "ok" && result.status !== "skipped"),
  ).length;
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${lessons.length - failedLessons} of ${lessons.length} lesson(s) ran cleanly in ${seconds.toFixed(1)} s.`);
  console.log(`Executed notebooks: ${notebooksFolder}`);
  console.log(`Course site:        ${pathToFileURL(join(siteFolder, "index.html")).href}`);
  if (withChinese) console.log(`Chinese site:       ${pathToFileURL(join(siteFolder, "zh", "index.html")).href}`);
  console.log("Open the site in a browser (no network needed), or run `npm run lab` to edit and rerun the notebooks.");
  return failedLessons > 0 ? 1 : 0;
}

/** Why `folder` cannot take the results (created if missing, probed with a file), or null when it can. */
function outputProblem(folder: string): string | null {
  try {
    mkdirSync(folder, { recursive: true });
    const probe = join(folder, `.write-probe-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
