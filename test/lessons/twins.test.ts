// The Chinese edition's twin rule (ZH-SPEC.md, tools/lessons/twins.ts): lessons/zh/NN-slug.md has the cells of
// lessons/NN-slug.md, with the same options and the same code token for token, except comments and strings that
// were translated (contain Chinese). Unit tests on small fixture pairs, then the rule over this repository.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lessonFiles, repoRoot } from "../../tools/lessons/files.js";
import { lintLessons } from "../../tools/lessons/lint.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { cellTokens, containsCjk, missingTwins, twinProblems, twinReport } from "../../tools/lessons/twins.js";

const fence = "```";

/** An English fixture lesson; line numbers below count from its first line. */
const ENGLISH = [
  "# Pooling", //                                                   1
  "", //                                                            2
  "Prose in English.", //                                           3
  "", //                                                            4
  `${fence}ts`, //                                                  5  cell 1
  `import { zeros, F, viz, show, check } from "convlab";`, //      6
  `${fence}`, //                                                    7
  "", //                                                            8
  "More prose.", //                                                 9
  "", //                                                           10
  `${fence}ts`, //                                                 11  cell 2
  `//| ci: {"epochs": 1}`, //                                      12
  "const epochs = 10; // ten passes", //                           13
  "const X = zeros(1, 1, 4, 4);", //                               14
  `const Y = F.maxPool2d(X, 2, { mode: "max" });`, //              15
  `show(viz.lineFigure([1, 2], { title: "Loss" }));`, //           16
  "console.log(`mean ${Y.mean().item()} after ${epochs} epochs`);", // 17
  `${fence}`, //                                                   18
  "", //                                                           19
  `${fence}ts`, //                                                 20  cell 3
  "//| checks", //                                                 21
  "check(Y.shape).equals([1, 1, 2, 2]);", //                       22
  `${fence}`, //                                                   23
  "",
].join("\n");

/** The Chinese twin as a translator writes it: prose, comments, a figure title and a message translated. */
const CHINESE = ENGLISH.replace("# Pooling", "# 汇聚层")
  .replace("Prose in English.", "中文的说明。")
  .replace("More prose.", "更多说明。")
  .replace("// ten passes", "// 十个迭代周期")
  .replace(`{ title: "Loss" }`, `{ title: "损失" }`)
  .replace("`mean ${Y.mean().item()} after ${epochs} epochs`", "`平均值 ${Y.mean().item()}，共 ${epochs} 个迭代周期`");

const en = (text = ENGLISH) => ({ lesson: parseLesson("lessons/08-pooling.md", text), text });
const zh = (text: string) => ({ lesson: parseLesson("lessons/zh/08-pooling.md", text), text });
const problemsOf = (chinese: string, english = ENGLISH) => twinProblems(en(english), zh(chinese));

describe("twinProblems: what may differ between a lesson and its Chinese twin", () => {
  it("identical cells are twins", () => {
    expect(problemsOf(ENGLISH)).toEqual([]);
  });

  it("translated prose, comments, a figure title and a template's text are allowed", () => {
    expect(problemsOf(CHINESE)).toEqual([]);
  });

  it("whitespace and line breaks inside the code do not matter; a block comment may be added", () => {
    const reflowed = CHINESE.replace(`const Y = F.maxPool2d(X, 2, { mode: "max" });`, `/* 最大汇聚 */ const Y = F.maxPool2d(\n  X,\n  2,\n  { mode: "max" }\n);`);
    expect(problemsOf(reflowed)).toEqual([]);
  });

  it("a changed string without Chinese fails, naming the zh line, the cell and both strings", () => {
    const problems = problemsOf(CHINESE.replace(`{ mode: "max" }`, `{ mode: "avg" }`));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith("lessons/zh/08-pooling.md:15: cell 2 (`const epochs = 10; // 十个迭代周期`): a string differs")).toBe(true);
    expect(problems[0]).toContain('English has `"max"` (lessons/08-pooling.md:15), this has `"avg"`');
    expect(problems[0]).toContain("its twin is English cell 2 at lessons/08-pooling.md:11");
  });

  it("a string translated into anything but Chinese is not a translation (it must stay as in English)", () => {
    expect(problemsOf(CHINESE.replace(`{ title: "损失" }`, `{ title: "Loss!" }`))).toHaveLength(1);
  });

  it("a changed ${} expression in a template literal fails, even when its text was translated", () => {
    const problems = problemsOf(CHINESE.replace("共 ${epochs} 个", "共 ${epochs + 1} 个"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^lessons\/zh\/08-pooling\.md:17: cell 2 /);
    expect(problems[0]).toContain("the code differs: English has `}");
  });

  it("a template's text without Chinese must stay as in English", () => {
    const problems = problemsOf(ENGLISH.replace("`mean ${", "`average ${"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("the text of a template literal differs");
  });

  it("changed code (a number, a name) fails", () => {
    expect(problemsOf(CHINESE.replace("zeros(1, 1, 4, 4)", "zeros(1, 1, 6, 6)"))[0]).toContain("English has `4`");
    expect(problemsOf(CHINESE.replace("check(Y.shape)", "check(X.shape)"))[0]).toMatch(/^lessons\/zh\/08-pooling\.md:22: cell 3 /);
  });

  it("a changed, added or removed option line fails", () => {
    const changed = problemsOf(CHINESE.replace(`//| ci: {"epochs": 1}`, `//| ci: {"epochs": 2}`));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^lessons\/zh\/08-pooling\.md:11: cell 2 .*the cell options differ/);
    expect(changed[0]).toContain('English has `//| ci: {"epochs": 1}`, this has `//| ci: {"epochs": 2}`');
    const removed = problemsOf(CHINESE.replace("//| checks\n", ""));
    expect(removed[0]).toContain("English has `//| checks`, this has no option lines");
    const added = problemsOf(CHINESE.replace("//| checks\n", "//| checks\n//| timeout: 30\n"));
    expect(added).toHaveLength(1);
  });

  it("an extra cell without zh-only fails; with //| zh-only it is skipped when pairing", () => {
    const extraCell = `\n> **常见误区**：……\n\n${fence}ts\ncheck(X.shape).equals([1, 1, 4, 4]);\n${fence}\n`;
    const extra = problemsOf(CHINESE + extraCell);
    expect(extra).toHaveLength(1);
    expect(extra[0]).toMatch(/^lessons\/zh\/08-pooling\.md:27: cell 4 \(`check\(X\.shape\)/);
    expect(extra[0]).toContain("has no English twin");
    expect(extra[0]).toContain("//| zh-only");
    const marked = CHINESE + extraCell.replace(`${fence}ts\n`, `${fence}ts\n//| zh-only\n`);
    expect(problemsOf(marked)).toEqual([]);
    // In the middle of the lesson too: the cells after it still pair with their English twins.
    const middle = CHINESE.replace("更多说明。", `更多说明。\n\n${fence}ts\n//| zh-only\ncheck(1).equals(1);\n${fence}\n`);
    expect(problemsOf(middle)).toEqual([]);
  });

  it("a cell missing from the Chinese lesson fails, naming the English cell", () => {
    const withoutChecks = CHINESE.slice(0, CHINESE.indexOf(`${fence}ts\n//| checks`));
    const problems = problemsOf(withoutChecks);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("English cell 3 at lessons/08-pooling.md:20 (`check(Y.shape).equals([1, 1, 2, 2]);`) has no twin here");
  });

  it("tokens come from TypeScript's scanner: regex literals, templates and comments", () => {
    expect(cellTokens("const r = /a\"b/g; // note").map((token) => token.text)).toEqual(["const", "r", "=", '/a"b/g', ";"]);
    expect(cellTokens("`a ${x} b ${y} c`").map((token) => token.text)).toEqual(["`a ${", "x", "} b ${", "y", "} c`"]);
    expect(cellTokens("/** doc */ f(); /* x */").map((token) => token.text)).toEqual(["f", "(", ")", ";"]);
  });

  it("containsCjk sees Han characters and full-width punctuation, not Latin, Greek or math symbols", () => {
    expect(containsCjk("损失")).toBe(true);
    expect(containsCjk("loss：")).toBe(true);
    expect(containsCjk("input ⋆ kernel = output, σ², ×")).toBe(false);
  });
});

describe("the linter and the course folder", () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  const course = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), "convlab-twins-"));
    made.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };

  it("zh-only is a lint error in an English lesson, and known to the linter in a Chinese one", () => {
    const marked = ENGLISH.replace("//| checks", "//| checks\n//| zh-only");
    const root = course({ "lessons/08-pooling.md": marked, "lessons/zh/08-pooling.md": CHINESE.replace("//| checks", "//| checks\n//| zh-only") });
    expect(lintLessons(root).problems).toEqual([
      'lessons/08-pooling.md:22: cell option "zh-only" marks a cell of the Chinese edition; it is only allowed in lessons/zh/',
    ]);
  });

  it("a Chinese lesson without an English twin is a lint error; README.md and glossary.md are not lessons", () => {
    const root = course({
      "lessons/08-pooling.md": ENGLISH,
      "lessons/zh/08-pooling.md": CHINESE,
      "lessons/zh/09-lenet.md": CHINESE,
      "lessons/zh/README.md": "# 说明",
      "lessons/zh/glossary.md": "# 术语表",
    });
    const { lessons, zhLessons, problems } = lintLessons(root);
    expect(problems).toEqual([
      "lessons/zh/09-lenet.md:1: no English twin lessons/09-lenet.md: a lesson of the Chinese edition translates the English lesson of the same file name",
    ]);
    expect(lessons.map((lesson) => lesson.file)).toEqual(["lessons/08-pooling.md"]);
    expect(zhLessons.map((lesson) => [lesson.file, lesson.lang])).toEqual([
      ["lessons/zh/08-pooling.md", "zh"],
      ["lessons/zh/09-lenet.md", "zh"],
    ]);
    expect(lessonFiles(root, "zh")).toEqual(["lessons/zh/08-pooling.md", "lessons/zh/09-lenet.md"]);
  });

  it("twinReport checks every Chinese lesson against its English twin; missingTwins lists the untranslated", () => {
    const root = course({
      "lessons/07-channels.md": ENGLISH,
      "lessons/08-pooling.md": ENGLISH,
      "lessons/zh/08-pooling.md": CHINESE.replace("zeros(1, 1, 4, 4)", "zeros(1, 1, 5, 5)"),
    });
    expect(twinReport(root).map((problem) => problem.split(": ")[0])).toEqual(["lessons/zh/08-pooling.md:14"]);
    expect(missingTwins(root)).toEqual(["lessons/07-channels.md"]);
  });
});

describe("this course's Chinese edition", () => {
  const root = repoRoot();

  it("every lesson of lessons/zh/ has the cells of its English twin (same options, same code)", () => {
    const problems = twinReport(root);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  // Issue 14 is done when all nine lessons are translated: from then on a new English lesson, or a deleted
  // Chinese one, fails here. (Until the translations are merged this names the lessons still to translate.)
  it("every English lesson has its Chinese twin in lessons/zh/", () => {
    const missing = missingTwins(root);
    expect(missing, `English lessons without a lessons/zh/ twin:\n${missing.join("\n")}`).toEqual([]);
  });
});
