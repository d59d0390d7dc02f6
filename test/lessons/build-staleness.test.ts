// The lesson runner's "changed since the last build" warning (tools/lessons/files.ts): it names library and runner
// sources edited after their build, and never the browser build's own modules, which tsconfig.json leaves out of
// dist/ (every run used to warn about those eleven files, on a fresh clone too).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, sourcesNewerThanBuild } from "../../tools/lessons/files.js";

const dir = mkdtempSync(join(tmpdir(), "convlab-staleness-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, secondsAgo: number): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), "export {};\n");
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(dir, path), when, when);
}

describe("sources newer than the build", () => {
  it("names an edited or unbuilt library file, not a built one, not a browser-only module", () => {
    write("src/built.ts", 100); write("dist/src/built.js", 50);
    write("src/edited.ts", 10); write("dist/src/edited.js", 50);
    write("src/unbuilt.ts", 100);
    write("tools/lessons/runner.ts", 10); write("dist/tools/lessons/runner.js", 50);
    write("src/browser.ts", 10); write("src/platform/files.browser.ts", 10);
    write("src/types.d.ts", 10);
    expect(sourcesNewerThanBuild(dir).sort()).toEqual(["src/edited.ts", "src/unbuilt.ts", "tools/lessons/runner.ts"]);
  });

  it("leaves out exactly the files tsconfig.json excludes from the build", () => {
    const config = readFileSync(join(repoRoot(), "tsconfig.json"), "utf8");
    expect(JSON.parse(config).exclude).toEqual(["src/**/*.browser.ts", "src/browser.ts"]);
  });
});
