// `npm run course` / `convlab course`: writes the course folder (tools/course/build.ts) from lessons/.
//
//   npm run course                        every lesson: notebooks of both editions, nbgrader's source/, and both
//                                         sites from a full run of the lessons
//   npm run course -- --quick             the run applies the cells' ci values (as the tests do)
//   npm run course -- --only 02,06        only these lessons
//   npm run course -- --no-site           notebooks and source/ only (no run: seconds)
//   npm run course -- --out DIR           another folder than out/course

import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../lessons/files.js";
import { lintLessons } from "../lessons/lint.js";
import type { CodeCell } from "../lessons/parse.js";
import { formatCellFailure } from "../lessons/report.js";
import { type CellResult, kernelThreadsPerWorker, runLesson, WorkerPool } from "../lessons/runner.js";
import { courseEditions, hasClassWork, writeCourse } from "./build.js";

interface Arguments {
  quick: boolean;
  site: boolean;
  only: string[] | null;
  out: string | null;
}

function valueOf(argv: string[], flag: string): string | null {
  const at = argv.indexOf(flag);
  if (at < 0) return null;
  const value = argv[at + 1];
  if (!value || value.startsWith("--")) throw new Error(`course: ${flag} needs a value`);
  return value;
}

function parseArguments(argv: string[]): Arguments {
  const known = new Set(["--quick", "--no-site", "--only", "--out"]);
  argv.forEach((arg, index) => {
    if (arg.startsWith("--") && !known.has(arg)) throw new Error(`course: unknown option ${arg} (known: ${[...known].join(", ")})`);
    if (!arg.startsWith("--") && !["--only", "--out"].includes(argv[index - 1])) throw new Error(`course: unexpected argument "${arg}"`);
  });
  const only = valueOf(argv, "--only");
  return { quick: argv.includes("--quick"), site: !argv.includes("--no-site"), only: only ? only.split(",") : null, out: valueOf(argv, "--out") };
}

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2));
  const root = repoRoot();
  const { lessons: all, problems } = lintLessons(root);
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.error(`\n${problems.length} problem(s) in lessons/ (see \`npm run lessons:lint\`); nothing written.`);
    return 1;
  }
  const lessons = args.only ? all.filter((lesson) => args.only!.some((prefix) => lesson.slug.startsWith(prefix))) : all;
  if (lessons.length === 0) {
    console.error(`course: no lesson matches --only ${args.only?.join(",")}`);
    return 1;
  }
  const out = args.out ? resolve(args.out) : join(root, "out", "course");
  const build = courseEditions(lessons);

  let results: CellResult[][] | undefined;
  if (args.site) {
    const pool = new WorkerPool();
    const threads = kernelThreadsPerWorker(availableParallelism(), Math.min(pool.size, lessons.length));
    console.log(`Running ${lessons.length} lesson(s) for the sites${args.quick ? " (quick: ci values)" : ""}, ${pool.size} at a time, ${threads} kernel thread(s) each...`);
    results = await Promise.all(lessons.map((lesson) => runLesson(lesson, { root, quick: args.quick, threads }, pool).done));
    const failed = lessons.filter((lesson, index) => {
      const failure = results![index].find((result) => result.status !== "ok" && result.status !== "skipped");
      if (failure) console.error(formatCellFailure(lesson, lesson.cells[failure.index] as CodeCell, failure));
      return failure !== undefined;
    });
    if (failed.length > 0) {
      // A site of a lesson that does not run would hand out wrong outputs: fix the lesson first (npm run test:lessons).
      console.error(`course: these lessons did not run cleanly: ${failed.map((lesson) => lesson.file).join(", ")}; nothing written.`);
      return 1;
    }
  }
  const kept = hasClassWork(out);
  writeCourse(out, build, { results });
  const graded = build.editions.map((edition, index) => {
    const auto = edition.exercises.filter((exercise) => exercise.kind === "tests").reduce((sum, exercise) => sum + exercise.points, 0);
    const manual = edition.exercises.filter((exercise) => exercise.kind === "answer").reduce((sum, exercise) => sum + exercise.points, 0);
    return `  ${lessons[index].slug}: ${auto} autograded + ${manual} hand-graded point(s)`;
  });
  console.log(graded.join("\n"));
  console.log(`\nCourse folder: ${out}${kept ? " (the class's submissions and gradebook there were kept)" : ""}`);
  console.log(`  hand out:   ${join(out, "student", "notebooks")}${results ? `  and  ${pathToFileURL(join(out, "student", "site", "index.html")).href}` : ""}`);
  console.log(`  instructor: ${join(out, "instructor")}`);
  const where = args.out ? `CONVLAB_COURSE_DIR=${out} ` : "";
  console.log(`  nbgrader:   ${where}npm run nbgrader -- generate_assignment <lesson>   (lessons/README.md, "Teaching a class")`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
