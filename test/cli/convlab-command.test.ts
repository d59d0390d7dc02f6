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

describe("convlab test --lang zh: one lesson of the Chinese edition (lessons/zh/), as a translator runs it", () => {
  const zhLesson = () => join(course, "lessons", "zh", "01-sums.md");
  afterAll(() => rmSync(join(course, "lessons", "zh"), { recursive: true, force: true }));

  it("runs the Chinese twin from notebooks/zh/ (and not the English lessons), checking the twin rule first", () => {
    mkdirSync(join(course, "lessons", "zh"), { recursive: true });
    writeFileSync(zhLesson(), "# 求和\n\n说明。\n\n```ts\nimport { check } from \"convlab\"; // 导入\ncheck(19 + 25).equals(44);\n```\n");
    const result = convlab(course, "test", "--no-kernel", "--lang", "zh", "--only", "01");
    expect(result.stdout).toMatch(/ok {4}lessons\/zh\/01-sums\.md/);
    expect(result.stdout).not.toContain("lessons/01-sums.md");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("1 passed, 0 failed");
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(existsSync(join(course, "notebooks", "zh"))).toBe(true);
  });

  it("fails a Chinese lesson whose code drifted from its English twin, naming lessons/zh/NN-slug.md:LINE and the cell", () => {
    writeFileSync(zhLesson(), "# 求和\n\n```ts\nimport { check } from \"convlab\";\ncheck(19 + 25).equals(44.0);\n```\n");
    const result = convlab(course, "test", "--no-kernel", "--lang", "zh");
    expect(result.stdout).toMatch(/FAIL {2}lessons\/zh\/01-sums\.md:5: cell 1 \(`import \{ check \} from "convlab";`\): the code differs: English has `44`/);
    expect(result.stdout.trim().split("\n").at(-1)).toBe("1 passed, 1 failed");
    expect(result.status).toBe(1);
  });

  it("refuses an unknown edition", () => {
    const result = convlab(course, "test", "--no-kernel", "--lang", "fr");
    expect(result.stdout).toContain("--lang fr: expected en");
    expect(result.status).toBe(2);
  });
});
