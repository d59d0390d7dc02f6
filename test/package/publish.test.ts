// The published package as the ecosystem's own checkers see it: publint (manifest, exports, files) and
// Are the Types Wrong (types for every module resolution mode), both run on the `npm pack` tarball.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { usePackedConvlab } from "./pack.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = (name: string) => join(REPO, "node_modules", ".bin", name);

let packed: { folder: string; tarball: string };
usePackedConvlab(REPO, (made) => (packed = made));

function tarballFiles(): string[] {
  return spawnSync("tar", ["-tzf", packed.tarball], { encoding: "utf8", maxBuffer: 1 << 24 }).stdout.trim().split("\n");
}

describe("the npm package", () => {
  it("passes publint --strict", () => {
    const result = spawnSync(bin("publint"), ["run", packed.tarball, "--strict"], { encoding: "utf8" });
    expect(result.stdout).toContain("All good!");
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  });

  it("publint does fail a manifest with the old self-dependency", () => {
    // The same files with the manifest this package had before: the check above is one that can fail.
    const folder = join(packed.folder, "self-dependency");
    mkdirSync(folder);
    spawnSync("tar", ["-xzf", packed.tarball, "-C", folder]);
    const manifestPath = join(folder, "package", "package.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { dependencies: Record<string, string> };
    manifest.dependencies.convlab = "file:.";
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const result = spawnSync(bin("publint"), ["run", join(folder, "package"), "--pack", "false", "--strict"], { encoding: "utf8" });
    // publint colours its words when it sees CI=true (as .ci/run sets it): compare the text without the colour codes.
    expect(result.stdout.replace(/\u001b\[[0-9;]*m/g, "")).toContain(`The "convlab" dependency references "file:."`);
    expect(result.status).not.toBe(0);
  });

  it("has types that resolve under node10, node16 (ESM) and bundler: Are the Types Wrong finds no problem", () => {
    // cjs-resolves-to-esm is the one rule set aside: the package is ES modules only, and CommonJS `require("convlab")`
    // loads them on the Node versions it supports (engines >= 20.19), which test/package/consumer.test.ts runs.
    const result = spawnSync(bin("attw"), [packed.tarball, "--format", "json", "--ignore-rules", "cjs-resolves-to-esm"], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
      cwd: packed.folder,
    });
    const report = JSON.parse(result.stdout) as { analysis: { problems: { kind: string }[] } };
    const kinds = report.analysis.problems.map((problem) => problem.kind);
    expect(kinds.filter((kind) => kind !== "CJSResolvesToESM")).toEqual([]);
    expect(result.status, result.stderr).toBe(0);
  });

  it("ships the library, the built tools and the convlab command, and nothing of this repository's own", () => {
    const files = tarballFiles();
    for (const path of ["package/dist/src/index.js", "package/dist/src/index.d.ts", "package/dist/wasm/conv.wasm",
      "package/dist/tools/cli/main.js", "package/dist/tools/lessons/worker.js", "package/dist/tools/jupyter-kernel/main.js",
      "package/tools/nbrun/execute_notebooks.py"]) {
      expect(files).toContain(path);
    }
    expect(files.filter((path) => /^package\/(test|lessons|notebooks|bench|asm|artifacts|out)\//.test(path))).toEqual([]);
    const cli = spawnSync("tar", ["-xOzf", packed.tarball, "package/dist/tools/cli/main.js"], { encoding: "utf8" }).stdout;
    expect(cli.startsWith("#!/usr/bin/env node\n")).toBe(true);
    const manifest = JSON.parse(spawnSync("tar", ["-xOzf", packed.tarball, "package/package.json"], { encoding: "utf8" }).stdout) as {
      bin: Record<string, string>; dependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional: boolean }>;
    };
    expect(manifest.bin).toEqual({ convlab: "dist/tools/cli/main.js" });
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["cli-progress", "plotly.js-cartesian-dist-min"]);
    for (const tooling of ["tslab", "zeromq", "markdown-it", "katex", "highlight.js", "minisearch"]) expect(manifest.peerDependenciesMeta[tooling]).toEqual({ optional: true });
  });
});
