// The Chinese edition's pipeline on a small fixture course (out/, git-ignored, inside this repository so that
// `import … from "convlab"` resolves from its node_modules as it does for notebooks/zh/): lessons/zh/ compiles to
// notebooks/zh/ (checked, orphans found, CI copies in a zh/ subfolder), and its cells run with notebooks/zh/ as
// their working folder, importing the library and reading its bundled data from there.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notebookFile, repoRoot, requireBuild } from "../../tools/lessons/files.js";
import { findStaleNotebooks, writeNotebooks, writeQuickNotebooks } from "../../tools/lessons/generate.js";
import { lintLessons } from "../../tools/lessons/lint.js";
import { runLesson, WorkerPool } from "../../tools/lessons/runner.js";

const fence = "```";
const ROOT = join(repoRoot(), "out", "zh-edition-test");

const lesson = (title: string, printed: string) =>
  [
    `# ${title}`,
    "",
    `${fence}ts`,
    `//| ci: {"n": 2}`,
    `import { loadFashionMnist, tensor } from "convlab";`,
    "const n = 4;",
    `console.log(process.cwd());`,
    `console.log(${printed}, tensor([1, 2, 3]).sum().item(), n);`,
    `${fence}`,
    "",
    `${fence}ts`,
    "const data = await loadFashionMnist({ source: \"subset\", split: \"test\" });",
    "console.log(data.length > 0);",
    `${fence}`,
    "",
  ].join("\n");

function write(path: string, text: string): void {
  mkdirSync(dirname(join(ROOT, path)), { recursive: true });
  writeFileSync(join(ROOT, path), text);
}

describe("the Chinese edition on a fixture course", () => {
  beforeAll(() => {
    rmSync(ROOT, { recursive: true, force: true });
    write("lessons/01-sum.md", lesson("Sum", `"sum"`));
    write("lessons/zh/01-sum.md", lesson("求和", `"求和"`));
  });
  afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

  it("npm run notebooks writes notebooks/zh/, tagged zh-CN, and --check covers it", () => {
    const { lessons, zhLessons, problems } = lintLessons(ROOT);
    expect(problems).toEqual([]);
    const all = [...lessons, ...zhLessons];
    expect(writeNotebooks(ROOT, all)).toEqual(["notebooks/01-sum.ipynb", "notebooks/zh/01-sum.ipynb"]);
    const zh = JSON.parse(readFileSync(join(ROOT, "notebooks/zh/01-sum.ipynb"), "utf8"));
    expect(zh.metadata.convlab).toEqual({ lang: "zh-CN", source: "lessons/zh/01-sum.md" });
    expect(zh.cells[1].metadata.convlab.source).toBe("lessons/zh/01-sum.md:3");
    const en = JSON.parse(readFileSync(join(ROOT, "notebooks/01-sum.ipynb"), "utf8"));
    expect(en.metadata.convlab).toEqual({ source: "lessons/01-sum.md" });
    expect(findStaleNotebooks(ROOT, all)).toEqual({ outdated: [], orphaned: [] });

    // A stale or orphaned Chinese notebook is found like an English one.
    write("lessons/zh/01-sum.md", lesson("求和", `"和"`));
    write("notebooks/zh/02-gone.ipynb", "{}");
    const edited = [...lessons, ...lintLessons(ROOT).zhLessons];
    expect(findStaleNotebooks(ROOT, edited)).toEqual({ outdated: ["notebooks/zh/01-sum.ipynb"], orphaned: ["notebooks/zh/02-gone.ipynb"] });
    writeNotebooks(ROOT, edited);
    expect(existsSync(join(ROOT, "notebooks/zh/02-gone.ipynb"))).toBe(false);
    expect(findStaleNotebooks(ROOT, edited)).toEqual({ outdated: [], orphaned: [] });
    // Checking the English edition alone would call every Chinese notebook an orphan: callers pass both.
    expect(findStaleNotebooks(ROOT, lessons).orphaned).toEqual(["notebooks/zh/01-sum.ipynb"]);
  });

  it("CI copies (--quick DIR) put the Chinese notebooks in DIR/zh/, ci values applied", () => {
    const { lessons, zhLessons } = lintLessons(ROOT);
    const written = writeQuickNotebooks(join(ROOT, "quick"), [...lessons, ...zhLessons]);
    expect(written).toEqual([join(ROOT, "quick", "01-sum.ipynb"), join(ROOT, "quick", "zh", "01-sum.ipynb")]);
    const zh = JSON.parse(readFileSync(written[1], "utf8"));
    expect(zh.cells[1].source.join("")).toContain("const n = 2;");
    expect(notebookFile(zhLessons[0])).toBe("notebooks/zh/01-sum.ipynb");
  });

  it("a Chinese lesson's cells run in notebooks/zh/, import convlab and load the bundled data from there", async () => {
    requireBuild(repoRoot());
    const { zhLessons } = lintLessons(ROOT);
    const results = await runLesson(zhLessons[0], { root: ROOT, quick: true }, new WorkerPool(1)).done;
    const failures = results.filter((result) => result.status !== "ok");
    expect(failures, JSON.stringify(failures)).toEqual([]);
    const text = results.flatMap((result) => result.outputs).map((output) => ("text" in output ? String(output.text) : "")).join("");
    expect(text).toContain(join(ROOT, "notebooks", "zh"));
    expect(text).toContain("和 6 2");
    expect(text).toContain("true");
  }, 120_000);
});
