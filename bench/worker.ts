// One framework, one round, in its own process: `node dist/bench/worker.js '<WorkerSpec JSON>'`.
// A fresh process per measurement keeps frameworks from sharing a heap, JIT state or peak RSS; the result is
// the last stdout line, after RESULT_MARKER (libraries may print their own lines before it).
import { createRequire } from "node:module";
import { convlabSubject, setConvlabThreads } from "./convlab-subject.js";
import { loadBenchBatches } from "./data.js";
import { convlabBuildFingerprint } from "./fingerprint.js";
import { measure, type BenchSubject } from "./measure.js";
import { simdPeakGflops } from "./simd-peak.js";
import { tfjsSubject } from "./tfjs-subject.js";
import { loadTfjs, tfjsVersion } from "./tfjs/load.js";
import { RESULT_MARKER, type WorkerResult, type WorkerSpec } from "./workload.js";

const require = createRequire(import.meta.url);

async function run(spec: WorkerSpec): Promise<WorkerResult> {
  let subject: BenchSubject;
  let threads = 1; // TF.js's wasm backend runs single-threaded under Node, its cpu backend always
  if (spec.framework === "convlab") {
    threads = await setConvlabThreads(spec.threads);
    const { version } = require("convlab/package.json") as { version: string };
    subject = convlabSubject(spec, loadBenchBatches(spec), `convlab ${version}`);
  } else if (spec.framework === "tfjs-wasm" || spec.framework === "tfjs-cpu") {
    const backend = spec.framework === "tfjs-wasm" ? "wasm" : "cpu";
    const tf = await loadTfjs(backend);
    subject = tfjsSubject(tf, spec, loadBenchBatches(spec), await tfjsVersion(tf, backend));
  } else {
    throw new Error(`bench worker: no Node worker for framework '${spec.framework}'`);
  }
  // Hashed before measuring: the build this process loaded (a rebuild during the run would not change it).
  const build = spec.framework === "convlab" ? convlabBuildFingerprint() : undefined;
  const measured = measure(subject, spec);
  // After the workload, so its warm-up threads do not share the cores with it.
  const simdPeak = spec.framework === "convlab" ? { simdPeakGflops: await simdPeakGflops(threads) } : {};
  // maxRSS is in kilobytes (getrusage's ru_maxrss).
  return { framework: spec.framework, threads, ...measured, ...simdPeak, peakRssBytes: process.resourceUsage().maxRSS * 1024, build };
}

const spec = JSON.parse(process.argv[2] ?? "null") as WorkerSpec | null;
if (!spec) {
  console.error("usage: node dist/bench/worker.js '<WorkerSpec JSON>' (started by dist/bench/lenet.js)");
  process.exit(2);
}
console.log(RESULT_MARKER + JSON.stringify(await run(spec)));
