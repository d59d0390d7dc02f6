// `npm run lessons:lint`  -> node dist/tools/lessons/cli.js lint
// `npm run notebooks`     -> node dist/tools/lessons/cli.js notebooks         (regenerates notebooks/ and, from
//                            lessons/zh/, notebooks/zh/; --check and --quick cover both editions)
//                            node dist/tools/lessons/cli.js notebooks --check (fails when notebooks/ is stale)
//                            node dist/tools/lessons/cli.js notebooks --quick DIR (CI copies with the `ci` values
//                            substituted, for runners that run a notebook's code as it is, e.g. pytest --nbmake;
//                            notebooks/ never carries them: our runners apply the values, `notebooks:exec -- --quick`)

import { resolve } from "node:path";
import { repoRoot } from "./files.js";
import { findStaleNotebooks, writeNotebooks, writeQuickNotebooks } from "./generate.js";
import { lintLessons } from "./lint.js";

function main(argv: string[]): number {
  const [command, ...flags] = argv;
  const root = repoRoot();
  const { lessons: english, zhLessons, problems } = lintLessons(root);
  const lessons = [...english, ...zhLessons];
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.error(`\n${problems.length} problem(s) in lessons/; nothing generated.`);
    return 1;
  }
  if (command === "lint") {
    console.log(`${english.length} lesson(s)${zhLessons.length > 0 ? ` and ${zhLessons.length} Chinese lesson(s)` : ""} lint clean.`);
    return 0;
  }
  if (command === "notebooks" && flags.includes("--check")) {
    const { outdated, orphaned } = findStaleNotebooks(root, lessons);
    for (const path of outdated) console.error(`${path} is out of date with its lesson`);
    for (const path of orphaned) console.error(`${path} has no lesson`);
    if (outdated.length + orphaned.length > 0) {
      console.error("Run `npm run notebooks` and commit notebooks/.");
      return 1;
    }
    console.log(`${english.length} notebook(s)${zhLessons.length > 0 ? ` and ${zhLessons.length} Chinese notebook(s)` : ""} up to date.`);
    return 0;
  }
  const quickAt = flags.indexOf("--quick");
  if (command === "notebooks" && quickAt >= 0) {
    const folder = flags[quickAt + 1];
    if (!folder) {
      console.error("usage: cli.js notebooks --quick DIR");
      return 2;
    }
    for (const path of writeQuickNotebooks(resolve(folder), lessons)) console.log(`wrote ${path}`);
    return 0;
  }
  if (command === "notebooks") {
    for (const path of writeNotebooks(root, lessons)) console.log(`wrote ${path}`);
    return 0;
  }
  console.error("usage: cli.js lint | notebooks [--check | --quick DIR]");
  return 2;
}

process.exitCode = main(process.argv.slice(2));
