// Tests and benchmarks are code too: `npm run build` type-checks src/ and tools/ (tsconfig.json), and this file
// type-checks test/ and bench/ against them (test/tsconfig.json: strict, no emit, DOM types for the code that
// browser tests run in the page). vitest only strips types, so without this a test could call the library with
// an argument its signature refuses (as a fuzz program once filled a tensor through `fill(value: number)`).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../tools/lessons/files.js";

const root = repoRoot();

describe("type-checking test/ and bench/", () => {
  it("tsc -p test/tsconfig.json reports no error", () => {
    const run = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "test/tsconfig.json"), "--pretty", "false"],
      { cwd: root, encoding: "utf8", timeout: 300_000 });
    const errors = `${run.stdout}${run.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  }, 300_000);
});
