// Lint cases the adversarial run found passing or misreported (issue 18 item 14), on lesson folders made here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lintLessons } from "../../tools/lessons/lint.js";

const fence = "```";
let roots: string[] = [];

function lessonsFolder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "convlab-lint-"));
  roots.push(root);
  mkdirSync(join(root, "lessons"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, "lessons", name), text);
  return root;
}

afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});

const GOOD = `# A lesson\n\nProse.\n\n${fence}ts\nconst a = 1;\n${fence}\n`;

describe("lessons:lint", () => {
  it("an empty lesson is a problem, named with its file", () => {
    const { problems } = lintLessons(lessonsFolder({ "01-empty.md": "", "02-blank.md": "\n  \n\n", "03-good.md": GOOD }));
    expect(problems).toEqual([
      "lessons/01-empty.md:1: the lesson is empty (a lesson needs a `# Title`, prose and code cells)",
      "lessons/02-blank.md:1: the lesson is empty (a lesson needs a `# Title`, prose and code cells)",
    ]);
  });

  it("a closed text fence inside a blockquote is not reported as unclosed", () => {
    const quoted = `# Quoted\n\n> A note:\n>\n> ${fence}text\n> [1, 6, 28, 28]\n> ${fence}\n\n${fence}ts\nconst a = 1;\n${fence}\n`;
    const { problems, lessons } = lintLessons(lessonsFolder({ "01-quoted.md": quoted }));
    expect(problems).toEqual([]);
    expect(lessons).toHaveLength(1);
  });

  it("an unclosed fence inside a blockquote is still reported", () => {
    const open = `# Quoted\n\n> ${fence}text\n> [1, 6, 28, 28]\n`;
    expect(lintLessons(lessonsFolder({ "01-open.md": open })).problems).toEqual(["lessons/01-open.md:3: unclosed code fence ```text"]);
  });

  it("two lessons with the same number are flagged, each later one naming the first", () => {
    const { problems } = lintLessons(lessonsFolder({ "03-padding.md": GOOD, "03-stride.md": GOOD, "03-again.md": GOOD, "04-next.md": GOOD }));
    expect(problems).toEqual([
      "lessons/03-padding.md:1: lesson number 03 is already used by lessons/03-again.md; give each lesson its own number",
      "lessons/03-stride.md:1: lesson number 03 is already used by lessons/03-again.md; give each lesson its own number",
    ]);
  });
});
