// `npm run bench`: d2l's LeNet on Fashion-MNIST — convlab against TF.js (wasm, cpu) and PyTorch (Debian's 1.13 and
// 2.13 from .venv; convlab and both PyTorches at 1 and 2 threads), alternating in rounds so that machine noise
// falls on all of them; a table of medians, convlab/peer ratios, forward convolution GFLOP/s and peak RSS, issue
// 15's targets, and JSON in artifacts/bench/. `--soak` runs issue 8's memory check instead, `--book-run` issue 15's
// timed 10-epoch train.
// Timings are reported, never asserted: test/bench/ checks only that the machinery works.
import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname } from "node:path";
import { loadFashionMnistSync } from "convlab";
import { parseOptions, USAGE, type BenchOptions } from "./options.js";
import { ceilings, formatCeilings, formatTable, formatTargets, ratios, summarise, targets, type FrameworkSummary } from "./report.js";
import { pythonFor, runWorker, torchUnavailableReason } from "./spawn.js";
import { ensureTorch2 } from "./torch2.js";
import { bookRun } from "./book-run.js";
import { soak } from "./soak.js";
import { convlabBuildFingerprint } from "./fingerprint.js";
import { browserBench, formatBrowserTable } from "./browser.js";
import { BATCH_SIZE, FRAMEWORKS, LEARNING_RATE, PYTORCHES, THREADED, type Framework, type WorkerResult, type WorkerSpec } from "./workload.js";

/** TF.js's cpu backend trains ≈16 examples/s, so it gets one batch in the first round, not the full workload. */
const TFJS_CPU_LIMITS = { warmupBatches: 0, trainBatches: 1, evalBatches: 2, convRepeats: 3 };

function machine(): Record<string, unknown> {
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch { /* not a git checkout */ }
  // Uncommitted changes under src/ or asm/ mean the build measured is not exactly `commit`.
  let dirty: boolean | null = null;
  try {
    dirty = execSync("git status --porcelain -- src asm", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
  } catch { /* not a git checkout */ }
  return { date: new Date().toISOString(), commit, sourceHasUncommittedChanges: dirty, node: process.version, cpu: cpus()[0]?.model, cores: cpus().length };
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n");
}

function skipReason(framework: Framework, options: BenchOptions): string {
  if (framework === "tfjs-cpu" && options.mode === "short") return "not run in --short (≈16 train examples/s); pass --with-tfjs-cpu";
  return `left out by --no-${framework}`;
}

function bench(options: BenchOptions): void {
  const startedOn = machine();
  if (options.withTorch2) ensureTorch2((line) => console.log(line));
  const testSet = loadFashionMnistSync({ split: "test" });
  const dataDir = testSet.source.path;
  console.log(`bench: LeNet (sigmoid, avg pool), SGD lr ${LEARNING_RATE}, batch ${BATCH_SIZE}; ${testSet.message}`);
  if (testSet.source.kind === "subset") console.log("bench: the bundled subset has 1000 test images; install dataset-fashion-mnist for the full set");

  const skipped = new Map<Framework, string>();
  for (const f of FRAMEWORKS) if (!options.frameworks.includes(f)) skipped.set(f, skipReason(f, options));
  for (const f of PYTORCHES) {
    if (!options.frameworks.includes(f)) continue;
    const reason = torchUnavailableReason(f as "torch" | "torch2");
    if (reason) {
      skipped.set(f, reason);
      console.log(`bench: SKIPPING ${f === "torch" ? "Debian's PyTorch 1.13" : "PyTorch 2.13"}: ${reason}`);
    }
  }
  const running = options.frameworks.filter((f) => !skipped.has(f));
  // One row per framework and thread count: convlab and both PyTorches at every --threads count, TF.js on one.
  const singleThread = Math.min(...options.threads);
  const rows: { framework: Framework; threads: number }[] = [];
  for (const threads of options.threads) {
    for (const framework of running) {
      if (THREADED.includes(framework) || threads === singleThread) rows.push({ framework, threads: THREADED.includes(framework) ? threads : 1 });
    }
  }
  const key = (r: { framework: Framework; threads: number }) => `${r.framework}@${r.threads}`;
  const results = new Map<string, WorkerResult[]>(rows.map((r) => [key(r), []]));
  const loadBefore = loadavg();
  for (let round = 1; round <= options.rounds; round++) {
    for (const row of rows) {
      const { framework, threads } = row;
      if (framework === "tfjs-cpu" && round > 1) continue;
      const spec: WorkerSpec = {
        framework, dataDir, seed: options.seed, threads,
        warmupBatches: options.warmupBatches, trainBatches: options.trainBatches,
        evalBatches: options.evalBatches, convRepeats: options.convRepeats,
        ...(framework === "tfjs-cpu" && options.mode !== "short" ? TFJS_CPU_LIMITS : {}),
        ...(framework === "tfjs-cpu" && options.mode === "short" ? { trainBatches: 1, warmupBatches: 0, evalBatches: 1, convRepeats: 1 } : {}),
      };
      const started = performance.now();
      const r = runWorker(spec);
      results.get(key(row))!.push(r);
      console.log(`round ${round}/${options.rounds} ${key(row).padEnd(11)}: ${Math.round(r.trainExamplesPerSec)} train ex/s `
        + `(loss ${r.trainLoss.toFixed(3)}), ${Math.round(r.evalExamplesPerSec)} eval ex/s, `
        + `conv1 ${r.conv.conv1.gflops.toFixed(1)} / conv2 ${r.conv.conv2.gflops.toFixed(1)} GFLOP/s, `
        + `peak RSS ${Math.round(r.peakRssBytes / 2 ** 20)} MiB, ${r.version}${r.build ? `, build ${r.build}` : ""} [${((performance.now() - started) / 1000).toFixed(1)} s]`);
    }
  }
  const builds = [...new Set(rows.filter((r) => r.framework === "convlab").flatMap((r) => results.get(key(r))!.map((x) => x.build)))];
  if (builds.length > 1) {
    console.log(`bench: WARNING: dist/ was rebuilt during the run — convlab's rounds ran different builds (${builds.join(", ")}); `
      + "its median mixes them");
  }
  const summaries: FrameworkSummary[] = FRAMEWORKS.flatMap((f) => (skipped.has(f)
    ? [{ framework: f, status: "skipped" as const, reason: skipped.get(f), rounds: [] }]
    : rows.filter((r) => r.framework === f).map((r) => summarise(f, results.get(key(r))!))));
  const ratioByRow = ratios(summaries);
  const targetList = targets(summaries);
  const ceilingList = ceilings(summaries, targetList);
  const pytorch = summaries.filter((s) => PYTORCHES.includes(s.framework) && s.status === "measured")
    .map((s) => ({ framework: s.framework, python: pythonFor(s.framework as "torch" | "torch2"), version: s.version, threads: s.threads }));
  console.log(`\n${formatTable(summaries, ratioByRow)}\n\nissue 15 targets (convlab/peer, median of per-round ratios; `
    + `the anchor is the best PyTorch measured at ≤ convlab's thread count):\n${formatTargets(targetList)}`);
  if (ceilingList.length > 0) {
    console.log("\nceiling (LeNet's multiply-adds all at convlab's matrix-product rate in this run, then at the engine's SIMD peak; nothing else timed):\n"
      + formatCeilings(ceilingList));
  }
  if (options.mode === "short") console.log("(--short: a check that the bench runs, not a measurement)");
  writeJson(options.out, {
    ...startedOn, finished: new Date().toISOString(), convlabBuilds: builds, loadAverageBefore: loadBefore, loadAverageAfter: loadavg(),
    mode: options.mode, options, dataSource: testSet.source, workload: { model: "d2l LeNet (sigmoid, avg pool)", batchSize: BATCH_SIZE, lr: LEARNING_RATE },
    pytorch, frameworks: summaries, ratios: ratioByRow, targets: targetList, ceilings: ceilingList,
  });
  console.log(`bench: wrote ${options.out}`);
}

/** --browser: convlab in Chromium (isolated, plain) next to Node. */
async function runBrowserBench(options: BenchOptions): Promise<void> {
  const startedOn = machine();
  const testSet = loadFashionMnistSync({ split: "test" });
  console.log(`bench --browser: LeNet (sigmoid, avg pool), SGD lr ${LEARNING_RATE}, batch ${BATCH_SIZE}; ${testSet.message}`);
  const loadBefore = loadavg();
  const rows = await browserBench(options, testSet.source.path, (line) => console.log(line));
  console.log(`\n${formatBrowserTable(rows)}`);
  if (options.mode === "short") console.log("(--short: a check that the bench runs, not a measurement)");
  writeJson(options.out, { ...startedOn, finished: new Date().toISOString(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg(),
    mode: `${options.mode} --browser`, options, dataSource: testSet.source, runners: rows });
  console.log(`bench: wrote ${options.out}`);
}

function runSoak(options: BenchOptions): number {
  const startedOn = { ...machine(), convlabBuild: convlabBuildFingerprint() };
  const result = soak(options.epochs, options.seed, options.maxBatches, (line) => console.log(line));
  console.log(result.summary);
  writeJson(options.out, { ...startedOn, finished: new Date().toISOString(), mode: "soak", options, ...result });
  console.log(`bench: wrote ${options.out}`);
  return result.peakUnderLimit && result.flat ? 0 : 1;
}

let options: BenchOptions | "help";
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
if (options === "help") {
  console.log(USAGE);
} else if (options.mode === "book") {
  const result = await bookRun((line) => console.log(line));
  writeJson(options.out, { ...machine(), finished: new Date().toISOString(), mode: "book", ...result });
  console.log(`bench: wrote ${options.out}`);
  process.exitCode = result.exitStatus === 0 ? 0 : 1;
} else if (options.browser) {
  await runBrowserBench(options);
} else if (options.mode === "soak") {
  process.exitCode = runSoak(options);
} else {
  bench(options);
}
