#!/usr/bin/env node
// `convlab`: the command for course authors (package.json "bin"), in any repository that depends on convlab and
// has a lessons/ folder — and in this one, whose npm scripts call it too, so there is one code path.
// Each command runs the same tools module this repository always used (tools/lessons/cli.ts, tools/main.ts,
// tools/jupyter-kernel/install.ts, tools/train.ts), pointed at the course through $CONVLAB_COURSE_ROOT; `convlab test`
// is tools/cli/test.ts. The tooling's packages (tslab, zeromq, markdown-it, katex, highlight.js, minisearch) are optional peer dependencies,
// checked before anything loads them.
import { pathToFileURL } from "node:url";
import { join } from "node:path";
// Nothing imported here may load a tooling package: they are checked first (requirePeers).
import { CliError, convlabRoot, findCourseRoot, type Peer, requirePeers } from "./course.js";

const USAGE = `usage: convlab <command> [options]   (run inside a course repository: a folder with lessons/)

  convlab lessons lint              check every lessons/*.md; problems as lessons/x.md:LINE
  convlab notebooks                 regenerate notebooks/*.ipynb from lessons/ (and notebooks/zh/ from
                                    lessons/zh/) (--check: fail when stale; --quick DIR: with the cells'
                                    ci overrides, for CI)
  convlab test                      every lesson in-process, then every notebook in the real Jupyter kernel
                                    when Jupyter is installed; ends with "N passed, N failed"
                                    (--only 01,03  --lang en|zh  --full  --no-kernel)
  convlab site                      run every lesson; write out/notebooks/ (executed) and out/site/ (HTML)
                                    (--quick  --only 01,03)
  convlab course                    the course folder out/course/: student and instructor editions (notebooks,
                                    site), nbgrader's source/ (--quick  --only 02,06  --no-site  --out DIR)
  convlab kernel install            register the Jupyter kernel "TypeScript (convlab)" (--prefix DIR)
  convlab train                     train LeNet on Fashion-MNIST (--help for its options)

Lesson tooling needs optional packages in the course:
  npm install --save-dev tslab markdown-it katex            (lint, notebooks, test)
  npm install --save-dev highlight.js minisearch            (and these for site)`;

interface Command {
  /** The built tools module that implements it, under dist/tools/. */
  script: string;
  /** Arguments put before the user's. */
  leading: string[];
  peers: Peer[];
  /** Works on a course (needs lessons/). */
  course: boolean;
}

const COMMANDS: Record<string, Command> = {
  "lessons lint": { script: "lessons/cli.js", leading: ["lint"], peers: ["markdown-it", "katex"], course: true },
  "notebooks": { script: "lessons/cli.js", leading: ["notebooks"], peers: ["markdown-it", "katex"], course: true },
  "site": { script: "main.js", leading: [], peers: ["markdown-it", "katex", "highlight.js", "minisearch", "tslab", "zeromq"], course: true },
  "course": { script: "course/main.js", leading: [], peers: ["markdown-it", "katex", "highlight.js", "minisearch", "tslab", "zeromq"], course: true },
  "kernel install": { script: "kernel/install.js", leading: [], peers: ["tslab", "zeromq"], course: false },
  "train": { script: "train.js", leading: [], peers: [], course: false },
};
const TEST_PEERS: Peer[] = ["markdown-it", "katex", "tslab", "zeromq"];

/** The command named by the first one or two words, and the rest of the arguments. */
function commandOf(argv: string[]): { name: string; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    if (name in COMMANDS || name === "test") return { name, rest: argv.slice(words) };
  }
  return null;
}

/** Runs a tools entry module in this process as if it had been started with `node script ...args`. */
async function runScript(script: string, args: string[]): Promise<void> {
  const path = join(convlabRoot(), "dist", "tools", script);
  process.argv = [process.argv[0], path, ...args];
  // The module runs on import and sets process.exitCode itself (an async one does so when it finishes).
  await import(pathToFileURL(path).href);
}

async function main(argv: string[]): Promise<void> {
  if (argv.length === 0 || ["help", "--help", "-h"].includes(argv[0])) {
    console.log(USAGE);
    if (argv.length === 0) process.exitCode = 2;
    return;
  }
  if (argv[0] === "--version") {
    const { readFileSync } = await import("node:fs");
    console.log((JSON.parse(readFileSync(join(convlabRoot(), "package.json"), "utf8")) as { version: string }).version);
    return;
  }
  const command = commandOf(argv);
  if (!command) throw new CliError(`convlab: unknown command '${argv.join(" ")}'\n\n${USAGE}`);
  if (command.name === "test") {
    const root = findCourseRoot(process.cwd());
    requirePeers("test", TEST_PEERS);
    process.env.CONVLAB_COURSE_ROOT = root;
    const { testCourse } = await import("./test.js");
    process.exitCode = await testCourse(root, command.rest);
    return;
  }
  const spec = COMMANDS[command.name];
  if (spec.course) process.env.CONVLAB_COURSE_ROOT = findCourseRoot(process.cwd());
  requirePeers(command.name, spec.peers);
  await runScript(spec.script, [...spec.leading, ...command.rest]);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) console.error(error.message);
  else console.error(error);
  process.exitCode = 1;
});
