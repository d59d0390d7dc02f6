import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Three test files at a time on CI's two cores (vitest's default is one fewer worker than cores: one). Most of the
// long files wait on a subprocess — a Jupyter server, a kernel, Chromium — so they overlap: with two at a time a
// clean-clone .ci/run kept the cores only 146 % busy of 200 % (/usr/bin/time, 2026-12-04).
const maxWorkers = 3;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers,
    env: {
      // The rule npm start uses for lessons side by side (kernelThreadsPerWorker in tools/lessons/runner.ts): two
      // kernel threads per test file only where every file running at once can have two cores. Two files each
      // training at two threads on two cores ran 1.34–1.42× slower than at one thread each. The tests of the
      // two-thread paths call setNumThreads(2) themselves; a CONVLAB_NUM_THREADS set by the caller wins.
      CONVLAB_NUM_THREADS: process.env.CONVLAB_NUM_THREADS ?? (availableParallelism() >= 2 * maxWorkers ? "2" : "1"),
    },
    // The JSON report is what .ci/run turns into its closing "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "artifacts/vitest-report.json" }]],
  },
});
