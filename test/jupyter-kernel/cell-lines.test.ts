// Tracebacks point at the learner's cell line (issue 20): the cell runner with tslab's real converter and executor,
// as the kernel and the lesson runner use them, and the frame mapping on its own.
import { createRequire } from "node:module";
import type * as ConverterModule from "tslab/dist/converter.js";
import type * as ExecutorModule from "tslab/dist/executor.js";
import { afterAll, describe, expect, it } from "vitest";
import { cellLineOf, framesInCell } from "../../tools/jupyter-kernel/cell-lines.js";
import { CellRunner } from "../../tools/jupyter-kernel/cell-runner.js";

const requireHere = createRequire(import.meta.url);
const { createConverter } = requireHere("tslab/dist/converter.js") as typeof ConverterModule;
const { createExecutor } = requireHere("tslab/dist/executor.js") as typeof ExecutorModule;

const runner = new CellRunner(() => {});
const node = runner.watch(createConverter({ isJS: false, isBrowser: false }));
const converters = { node, browser: node, close: () => node.close() };
runner.attach(createExecutor(process.cwd(), converters, runner.executorConsole));
afterAll(() => node.close());

async function tracebackOf(code: string): Promise<string[]> {
  const outcome = await runner.run(code);
  if (outcome.status !== "error") throw new Error("the cell did not fail");
  return outcome.error.traceback;
}

describe("a cell's error names the cell line it came from", () => {
  it("a throw on the cell's second line, after a typed declaration", async () => {
    const traceback = await tracebackOf('const n: number = 2;\nthrow new RangeError(`bad ${n}`);');
    expect(traceback[0]).toBe("RangeError: bad 2");
    expect(traceback).toContain("    at cell line 2");
    expect(traceback[traceback.length - 1]).toBe("----> 2 throw new RangeError(`bad ${n}`);");
    expect(traceback.join("\n")).not.toContain("evalmachine");
  });

  it("inside a function of the cell, and the line that called it; top-level await wraps the cell differently", async () => {
    const code = [
      "await Promise.resolve();",
      "function fails(value: number): number {",
      "  return value.toFixed(-1).length;",
      "}",
      "const result = fails(3);",
    ].join("\n");
    const traceback = await tracebackOf(code);
    expect(traceback.some((frame) => /at fails \(cell line 3\)/.test(frame))).toBe(true);
    expect(traceback).toContain("    at cell line 5");
    expect(traceback[traceback.length - 1]).toBe("----> 3 return value.toFixed(-1).length;");
  });

  it("a function from an earlier cell keeps its compiled position; the calling line is named", async () => {
    await runner.run("function boom(): never {\n  throw new TypeError('boom');\n}");
    const traceback = await tracebackOf("const a = 1;\nboom();");
    expect(traceback.some((frame) => /at (Proxy\.)?boom \(evalmachine\.<anonymous>:/.test(frame)), traceback.join("\n")).toBe(true);
    expect(traceback[traceback.length - 1]).toBe("----> 2 boom();");
  });
});

describe("cellLineOf", () => {
  const cell = (source: string, output: string) => ({ source, output, hasToplevelAwait: false });
  it("looks through import aliases, (0, f)(…) calls and exports. prefixes", () => {
    const compiled = cell(
      'import { nn, corr2d } from "convlab";\nconst y = corr2d(x, k);\nnew nn.Conv2d(3, 6, 3);',
      'const convlab_1 = require("convlab");\nconst y = (0, convlab_1.corr2d)(exports.x, exports.k);\nnew convlab_1.nn.Conv2d(3, 6, 3);',
    );
    expect(cellLineOf(compiled, 2, 11)).toBe(2);
    expect(cellLineOf(compiled, 3, 1)).toBe(3);
  });
  it("names no line when the code appears twice or the match is too short", () => {
    expect(cellLineOf(cell("f(1);\nf(1);", "f(1);\nf(1);"), 2, 1)).toBe(null);
    expect(cellLineOf(cell("g();", "x;"), 1, 31)).toBe(null);
  });
  it("framesInCell leaves frames alone when the compiled cell is unknown", () => {
    const frames = ["    at evalmachine.<anonymous>:3:1"];
    expect(framesInCell(frames, null)).toEqual(frames);
  });
});
