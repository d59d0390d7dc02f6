// The `convlab` command as built in this checkout, on a course repository outside it (its node_modules/convlab a
// link to this checkout, as `npm install` of a local path makes it): where it finds the course, what a lesson that
// does not lint does to the run, the tally line and the exit code. The packed package is tested in test/package/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = join(REPO, "dist", "tools", "cli", "main.js");

let course = "";

function convlab(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", timeout: 300_000 });
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  course = mkdtempSync(join(tmpdir(), "convlab-course-"));
  mkdirSync(join(course, "node_modules"));
  symlinkSync(REPO, join(course, "node_modules", "convlab"));
  mkdirSync(join(course, "lessons"));
  writeFileSync(join(course, "lessons", "01-sums.md"), "# Sums\n\n```ts\nimport { check } from \"convlab\";\ncheck(19 + 25).equals(44);\n```\n");
  // An unknown cell option: a lint problem on line 4.
  writeFileSync(join(course, "lessons", "02-typo.md"), "# Typo\n\n```ts\n//| timeot: 5\n1 + 1\n```\n");
});

afterAll(() => {
  if (course) rmSync(course, { recursive: true, force: true });
});

describe("convlab (the command) in a course repository", () => {
  it("refuses to run outside a course, saying what a course is", () => {
    const result = convlab(tmpdir(), "lessons", "lint");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("no lessons/ folder in");
  });

  it("lint names the lesson file and line of each problem", () => {
    const result = convlab(course, "lessons", "lint");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^lessons\/02-typo\.md:4: .*timeot/m);
  });

  it("test, started in a subfolder, runs the lesson that lints, fails the one that does not, and tallies both", () => {
    const result = convlab(join(course, "lessons"), "test", "--no-kernel");
    expect(result.stdout).toMatch(/ok {4}lessons\/01-sums\.md/);
    expect(result.stdout).toMatch(/FAIL {2}lessons\/02-typo\.md:4: /);
    expect(result.stdout.trim().split("\n").at(-1)).toBe("1 passed, 1 failed");
    expect(result.status).toBe(1);
  });

  it("test passes, exit code 0, when every lesson passes", () => {
    const result = convlab(course, "test", "--no-kernel", "--only", "01");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("1 passed, 0 failed");
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
