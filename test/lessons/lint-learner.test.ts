// Lint rules on learner cells: no test plumbing (check(...) in if/else branches outside `//| checks` cells), and no
// cell result that shows an internal object (manualSeed(0) ending a cell, an object's private fields, raw dumps).

import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { internalObjectResultProblems, learnerCellProblems } from "../../tools/lessons/lint.js";
import type { NotebookOutput } from "../../tools/lessons/notebook.js";
import { type CodeCell, parseLesson } from "../../tools/lessons/parse.js";
import { manualSeed } from "../../src/index.js";

const FILE = "lessons/01-example.md";
const fence = "```";
const problemsOf = (...cellLines: string[][]) =>
  learnerCellProblems(parseLesson(FILE, cellLines.flatMap((lines) => [`${fence}ts`, ...lines, fence, ""]).join("\n")));

describe("check(...) in a branch is test plumbing outside a checks cell", () => {
  it.each([
    ["if", ["const full = true;", "if (full) {", "  check(1).equals(1);", "}"], 4],
    ["else", ["const full = true;", "if (full) console.log(1);", "else check(1).atLeast(0);"], 4],
    ["else if", ["if (a) {", "} else if (b) {", "  check(x, 'x').closeTo(1);", "}"], 4],
    ["?:", ["const full = true;", "full ? check(1).equals(1) : check(2).equals(2);"], 3],
    ["nested in a helper", ["function verify(x: number) {", "  if (x > 0) { check(x).atLeast(1); }", "}"], 3],
  ])("%s", (_case, lines, line) => {
    const problems = problemsOf(lines);
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatch(new RegExp(`^lessons/01-example\\.md:${line}: check\\(\\.\\.\\.\\) inside an? .*branch of a learner cell`));
  });

  it("allowed: in a //| checks cell, in loops, in the condition, and other calls in branches", () => {
    expect(problemsOf(["//| checks", "if (full) {", "  check(1).equals(1);", "} else {", "  check(2).equals(2);", "}"])).toEqual([]);
    expect(problemsOf(["for (const d of [1, 2]) check(d).atLeast(1);"])).toEqual([]);
    expect(problemsOf(["if (step % 2 === 0) console.log(step);", "check(step).equals(3);"])).toEqual([]);
    expect(problemsOf(["if (layer.bias) layer.bias.fill(0);"])).toEqual([]);
  });
});

describe("a cell ending in manualSeed(...) shows the generator", () => {
  it("is an error at the last statement, with its lesson line", () => {
    expect(problemsOf(["const a = 1;", "manualSeed(0);"])).toEqual([
      "lessons/01-example.md:3: the cell ends in manualSeed(...), so the notebook shows the generator it returns as the cell's result; seed at the top of the cell that draws the numbers",
    ]);
    expect(problemsOf(["generator.manualSeed(3);"])).toHaveLength(1);
  });

  it("is fine when more code follows or the value is kept", () => {
    expect(problemsOf(["manualSeed(0);", "const x = randn([2]);"])).toEqual([]);
    expect(problemsOf(["const generator = manualSeed(0);"])).toEqual([]);
  });
});

describe("a cell's result must not be an internal object", () => {
  const [cell] = parseLesson(FILE, [`${fence}ts`, "x", fence].join("\n")).cells as CodeCell[];
  const result = (text: string): NotebookOutput[] => [
    { output_type: "execute_result", execution_count: 1, data: { "text/plain": text }, metadata: {} },
  ];
  class Opaque {
    state = new Uint32Array(624);
  }

  it.each([
    ["the generator manualSeed returns", inspect(manualSeed(0))],
    ["a class instance's fields", inspect(new Opaque())],
    ["a function", inspect(function corr2dByHand() {})],
    ["a raw long array", inspect(Array.from({ length: 500 }, (_, i) => i))],
  ])("%s", (_case, text) => {
    const problems = internalObjectResultProblems(parseLesson(FILE, `${fence}ts\nx\n${fence}`), cell, result(text));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^lessons\/01-example\.md:1: the cell's last expression shows /);
  });

  it.each([
    ["a tensor", "tensor([[19., 25.],\n        [37., 43.]])"],
    ["a shape", "[ 8, 8 ]"],
    ["a number", "0.5"],
    ["a string", "'loss 0.469'"],
    ["a plain object", "{ rows: [ 1, 3 ], pixels: 9 }"],
    ["a module", "Sequential(\n  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n)"],
  ])("allowed: %s", (_case, text) => {
    const lesson = parseLesson(FILE, `${fence}ts\nx\n${fence}`);
    expect(internalObjectResultProblems(lesson, cell, result(text))).toEqual([]);
    expect(internalObjectResultProblems(lesson, cell, [{ output_type: "stream", name: "stdout", text: ["<Generator seed=0>\n"] }])).toEqual([]);
  });
});
