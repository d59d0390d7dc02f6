// `npm run hub:load -- --learners N [--lessons 2-9] [--full] [--seed DIR] [--out FILE] [--keep]`
// The class server's load test (not part of npm test; test/course/hub.test.ts is its short form): starts the hub of
// course/jupyterhub_config.py on loopback (test mode: dummy authenticator, homes in a temp folder), logs N learners
// in through the hub's REST API and has all of them run the lessons at once through the kernel protocol, lesson 9
// (and any cell with `ci` values) in its reduced setting unless --full. Prints the figures, writes them as JSON
// (default artifacts/hub-load-N.json) and exits 1 if any cell failed or went missing.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { repoRoot } from "../lessons/files.js";
import { ClassRun, defaultSeed, formatReport, lessonNotebooks, summarize } from "./class-run.js";

interface Options {
  learners: number;
  lessons: number[];
  quick: boolean;
  seed: string;
  data: string;
  out: string | null;
  keep: boolean;
}

function parseLessons(text: string): number[] {
  const lessons: number[] = [];
  for (const part of text.split(",")) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!range) throw new Error(`hub:load: --lessons takes numbers and ranges like 2-9 or 2,5,9, got ${JSON.stringify(text)}`);
    for (let n = Number(range[1]); n <= Number(range[2] ?? range[1]); n++) lessons.push(n);
  }
  return lessons;
}

function parseOptions(args: string[], root: string): Options {
  const options: Options = {
    learners: 3, lessons: parseLessons("2-9"), quick: true, seed: defaultSeed(root),
    data: process.env.CONVLAB_DATA ?? "/usr/share/datasets/fashion-mnist", out: null, keep: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`hub:load: ${arg} needs a value`);
      return next;
    };
    if (arg === "--learners") {
      const text = value();
      if (!/^[1-9]\d*$/.test(text)) throw new Error(`hub:load: --learners must be a whole number ≥ 1, got ${text}`);
      options.learners = Number(text);
    } else if (arg === "--lessons") options.lessons = parseLessons(value());
    else if (arg === "--full") options.quick = false;
    else if (arg === "--seed") options.seed = resolve(value());
    else if (arg === "--data") options.data = resolve(value());
    else if (arg === "--out") options.out = resolve(value());
    else if (arg === "--keep") options.keep = true;
    else throw new Error(`hub:load: unknown option ${arg}`);
  }
  return options;
}

async function main(): Promise<number> {
  const root = repoRoot();
  const options = parseOptions(process.argv.slice(2), root);
  const notebooks = lessonNotebooks(options.seed, options.lessons);
  const out = options.out ?? join(root, "artifacts", `hub-load-${options.learners}.json`);
  const loadAverageBefore = loadavg();
  console.log(`hub:load: ${options.learners} learners, ${notebooks.length} lessons from ${options.seed}, data ${options.data}`);
  const started = Date.now();
  const run = await ClassRun.start({ root, seed: options.seed, data: options.data });
  console.log(`hub:load: hub at ${run.hub.url} (log ${run.hub.logPath})`);
  let report;
  try {
    const names = Array.from({ length: options.learners }, (_, i) => `learner${String(i + 1).padStart(2, "0")}`);
    const runs = await Promise.all(names.map(async (name) => {
      const result = await run.learner(name, notebooks, options.quick);
      const failed = result.error ?? result.lessons.filter((l) => !l.passed).map((l) => l.lesson).join(", ");
      console.log(`hub:load: ${name} ${failed ? `FAILED (${failed})` : "done"} in ${result.seconds.toFixed(1)} s`);
      return result;
    }));
    const machine = { cores: cpus().length, memoryBytes: totalmem(), loadAverageBefore, loadAverageAfter: loadavg() };
    report = summarize(runs, notebooks, options.quick, run.sampler, machine, (Date.now() - started) / 1000);
  } finally {
    await run.stop();
    if (!options.keep) rmSync(run.hub.workDir, { recursive: true, force: true });
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  console.log("\n" + formatReport(report) + `\n\nJSON report: ${out}`);
  return report.passed ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
