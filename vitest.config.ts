import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report is what .ci/run turns into its closing "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "artifacts/vitest-report.json" }]],
  },
});
