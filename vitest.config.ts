import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two test files at a time on CI's two cores (vitest's default is one fewer worker than cores: one). Most of the
    // long files wait on a subprocess — a Jupyter server, a kernel, Chromium — so two overlap well.
    maxWorkers: 2,
    // The JSON report is what .ci/run turns into its closing "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "artifacts/vitest-report.json" }]],
  },
});
