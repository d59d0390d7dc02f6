// The JupyterLite kernel's worker side (lite/kernel/src/protocol.ts, executor.ts) under Node, with the real
// TypeScript compiler and the real library for `import … from "convlab"`: the messages a cell produces —
// streams, display / update_display, execute_result, replies with errors naming the cell line — declarations
// kept from cell to cell, top-level await, and an interrupt set from another thread stopping a busy loop.
import typescript from "typescript";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, test } from "vitest";
import { KernelWorker, formatValue, type FromWorker } from "../../lite/kernel/src/protocol.js";
import { rewriteCell, lineMapOf } from "../../lite/kernel/src/executor.js";

// The kernel is typed against the TypeScript in lite/kernel/node_modules when that is installed; the compiler
// here is the repository's, the same API.
const ts = typescript as unknown as ConstructorParameters<typeof KernelWorker>[0];

const KERNEL_API_KEY = Symbol.for("convlab.kernel");

function kernel(interrupt: Int32Array | null = null) {
  const messages: FromWorker[] = [];
  const worker = new KernelWorker(ts, (message) => messages.push(message), {
    importModule: async (specifier) => {
      if (specifier === "convlab") return import("../../src/index.js");
      throw new Error(`Cannot find module '${specifier}'`);
    },
    interruptFlag: interrupt,
  });
  worker.installDisplayApi();
  let id = 0;
  /** Runs a cell; returns the messages it sent. */
  const run = async (code: string) => {
    const from = messages.length;
    await worker.execute(++id, code);
    return messages.slice(from);
  };
  return { worker, run };
}

afterAll(() => {
  delete (globalThis as Record<symbol, unknown>)[KERNEL_API_KEY];
});

describe("the JupyterLite kernel's worker", () => {
  test("declarations are kept from cell to cell; the last expression is the execute_result; imports resolve", async () => {
    const { run } = kernel();
    expect(await run(`import { tensor } from "convlab";\nconst x: number = 2;\nlet y = x * 3;\nfunction twice(n: number) { return 2 * n; }`))
      .toEqual([{ type: "reply", id: 1, status: "ok" }]);
    expect(await run("y = y + 1;\ntwice(y)")).toEqual([
      { type: "result", id: 2, data: { "text/plain": "14" } },
      { type: "reply", id: 2, status: "ok" },
    ]);
    const shown = await run("tensor([1, 2, 3]).sum().item()");
    expect(shown[0]).toEqual({ type: "result", id: 3, data: { "text/plain": "6" } });
    // An interface and a type-only import vanish; a class and an enum are kept.
    expect(await run(`import type { Tensor } from "convlab";\ninterface P { a: number }\nclass Box { constructor(public v: number) {} }\nenum Colour { Red, Green }`))
      .toEqual([{ type: "reply", id: 4, status: "ok" }]);
    expect((await run("new Box(Colour.Green).v"))[0]).toMatchObject({ data: { "text/plain": "1" } });
  });

  test("top-level await, console.log as a stdout stream, strings quoted as a REPL shows them", async () => {
    const { run } = kernel();
    const messages = await run(`const v = await Promise.resolve(21);\nconsole.log("half of", v * 2, [1, "a"]);\n"done"`);
    expect(messages).toEqual([
      { type: "stream", id: 1, name: "stdout", text: 'half of 42 [ 1, "a" ]\n' },
      { type: "result", id: 1, data: { "text/plain": '"done"' } },
      { type: "reply", id: 1, status: "ok" },
    ]);
  });

  test("a runtime error names its type, message and cell line; a library error keeps its class", async () => {
    const { run } = kernel();
    const [reply] = await run(`const a = 1;\n\ninterface Ignored { x: string }\nconst b = (a as any).missing.field;\nconst c = 3;`);
    expect(reply).toMatchObject({ type: "reply", status: "error", error: { ename: "TypeError" } });
    const error = (reply as Extract<FromWorker, { status: "error" }>).error;
    expect(error.evalue).toMatch(/Cannot read properties of undefined \(reading 'field'\)/);
    expect(error.traceback[1]).toBe("    at cell line 4: const b = (a as any).missing.field;");
    const [shapeReply] = await run(`import { zeros, matmul } from "convlab";\n// two lines of comment\n// before the call\nmatmul(zeros([2, 3]), zeros([4, 5]))`);
    const shapeError = (shapeReply as Extract<FromWorker, { status: "error" }>).error;
    expect(shapeError.ename).toBe("ShapeError");
    expect(shapeError.traceback[1]).toBe("    at cell line 4: matmul(zeros([2, 3]), zeros([4, 5]))");
    // A thrown non-Error says so.
    const [thrown] = await run("throw 42;");
    expect((thrown as Extract<FromWorker, { status: "error" }>).error).toMatchObject({ ename: "Error", evalue: "42 (a thrown number, not an Error)" });
  });

  test("a syntax error is reported with its line before anything runs", async () => {
    const { run } = kernel();
    const [reply] = await run(`console.log("never");\nconst x = ;\n`);
    expect(reply).toMatchObject({ type: "reply", status: "error", error: { ename: "SyntaxError", evalue: "Expression expected." } });
    expect((reply as Extract<FromWorker, { status: "error" }>).error.traceback[1]).toBe("    at cell line 2: const x = ;");
  });

  test("show() and liveFigure() send display_data and update_display_data through the display API", async () => {
    const { run } = kernel();
    const messages = await run(`import { show, liveFigure, viz, tensor } from "convlab";
const fig = viz.heatmap(tensor([[0, 1], [1, 0]]), { title: "h" });
show(fig);
const live = liveFigure(fig);
live.update(fig);`);
    const displays = messages.filter((m): m is Extract<FromWorker, { type: "display" }> => m.type === "display");
    // plotly.js once (its own output), the figure, the live figure, and its update in place.
    expect(displays.map((d) => d.update)).toEqual([false, false, false, true]);
    expect(String(displays[0].content.data["text/html"])).toContain("convlab: plotly.js");
    expect(Object.keys(displays[1].content.data).sort()).toEqual(["image/svg+xml", "text/html", "text/plain"]);
    expect(displays[3].content.transient.display_id).toBe(displays[2].content.transient.display_id);
    expect(messages.at(-1)).toEqual({ type: "reply", id: 1, status: "ok" });
  });

  test("an interrupt set from another thread stops a busy loop with KeyboardInterrupt; the kernel goes on", async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { run } = kernel(flag);
    const setter = new Worker("const { workerData } = require('node:worker_threads'); setTimeout(() => { Atomics.store(new Int32Array(workerData), 0, 1); }, 300);",
      { eval: true, workerData: flag.buffer });
    const [reply] = await run("let spins = 0;\nwhile (true) {\n  spins++;\n}");
    await setter.terminate();
    expect((reply as Extract<FromWorker, { status: "error" }>).error).toMatchObject({ ename: "KeyboardInterrupt", evalue: "the cell was interrupted" });
    expect(Atomics.load(flag, 0)).toBe(0);
    expect(await run("1 + 1")).toEqual([{ type: "result", id: 2, data: { "text/plain": "2" } }, { type: "reply", id: 2, status: "ok" }]);
  });

  test("unknown modules fail like an import; rewriting keeps every line where it was", async () => {
    const { run } = kernel();
    const [reply] = await run(`\nimport { x } from "nowhere";`);
    expect((reply as Extract<FromWorker, { status: "error" }>).error).toMatchObject({ ename: "Error", evalue: "Cannot find module 'nowhere'" });
    const source = `import a, { b as c, type D } from "m";\nimport * as ns from "n";\nimport "side";\nconst [p, { q }] = [1, { q: 2 }];\np + q`;
    const rewritten = rewriteCell(ts, source);
    expect(rewritten.code.split("\n")).toHaveLength(5);
    expect(rewritten.names).toEqual(["a", "c", "ns", "p", "q"]);
    expect(rewritten.hasResult).toBe(true);
    expect(rewritten.code.split("\n")[4]).toBe("__result.value = (p + q);");
    expect(lineMapOf("AAAA;AACA;;AAEA")).toEqual([1, 2, -1, 4]);
    expect(formatValue(new Float32Array([1, 2]))).toBe("Float32Array(2) [ 1, 2 ]");
  });
});
