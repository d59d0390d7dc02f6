// The protocol gaps of stock tslab 1.0.22, checked against the real convlab kernel process.
import { describe, expect, it } from "vitest";
import { type KernelClient, useKernel } from "./kernel-client.js";

const KERNEL = '(globalThis as any)[Symbol.for("convlab.kernel")]';

let kernel: KernelClient;
useKernel((started) => (kernel = started));

function streamText(outputs: { header: { msg_type: string }; content: Record<string, any> }[], name: string): string {
  return outputs
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => m.content.text)
    .join("");
}

describe("error replies", () => {
  it("throw new RangeError -> reply and one iopub error with ename, evalue, traceback", async () => {
    const { reply, outputs } = await kernel.execute('const limit = 3;\nthrow new RangeError("index 7 is out of bounds");');
    expect(reply.content.status).toBe("error");
    expect(reply.content.ename).toBe("RangeError");
    expect(reply.content.evalue).toBe("index 7 is out of bounds");
    expect(reply.content.traceback[0]).toBe("RangeError: index 7 is out of bounds");
    expect(outputs.map((m) => m.header.msg_type)).toEqual(["error"]);
    expect(outputs[0].content).toEqual({
      ename: "RangeError",
      evalue: "index 7 is out of bounds",
      traceback: reply.content.traceback,
    });
  });

  it("an Error subclass without its own name is reported by its class name", async () => {
    const { reply } = await kernel.execute('class ShapeMismatch extends Error {}\nthrow new ShapeMismatch("expected [2, 3]");');
    expect(reply.content.ename).toBe("ShapeMismatch");
    expect(reply.content.evalue).toBe("expected [2, 3]");
  });

  it("a type error is a TSError carrying the compiler's message and position", async () => {
    const { reply, outputs } = await kernel.execute('const epochs: number = "ten";');
    expect(reply.content.status).toBe("error");
    expect(reply.content.ename).toBe("TSError");
    expect(reply.content.evalue).toBe("1:7 - Type 'string' is not assignable to type 'number'.");
    expect(outputs.map((m) => m.header.msg_type)).toEqual(["error"]);
  });

  it("a rejected top-level await is an error with the rejection's message", async () => {
    const { reply } = await kernel.execute('await Promise.reject(new TypeError("not a tensor"));');
    expect([reply.content.status, reply.content.ename, reply.content.evalue]).toEqual(["error", "TypeError", "not a tensor"]);
  });
});

describe("execute_result and execution_count", () => {
  it("6 * 7 -> execute_result text/plain '42' with the reply's execution_count", async () => {
    const { reply, outputs, executeInput } = await kernel.execute("6 * 7");
    const results = outputs.filter((m) => m.header.msg_type === "execute_result");
    expect(results).toHaveLength(1);
    expect(results[0].content.data).toEqual({ "text/plain": "42" });
    expect(results[0].content.execution_count).toBe(reply.content.execution_count);
    expect(executeInput?.content.execution_count).toBe(reply.content.execution_count);
    expect(streamText(outputs, "stdout")).toBe("");
  });

  it("a value with a convlab.mimeBundle method ends a cell as its rich bundle", async () => {
    const code = '({ [Symbol.for("convlab.mimeBundle")]() { return { "text/html": "<b>fig</b>" }; }, toString() { return "fig"; } })';
    const { outputs } = await kernel.execute(code);
    const result = outputs.find((m) => m.header.msg_type === "execute_result");
    expect(result?.content.data["text/html"]).toBe("<b>fig</b>");
    expect(typeof result?.content.data["text/plain"]).toBe("string");
  });

  it("a statement with no value sends no execute_result", async () => {
    const { outputs } = await kernel.execute("let unused = 1;");
    expect(outputs).toEqual([]);
  });

  it("counts cells 1 by 1, errors included, silent cells not", async () => {
    const first = (await kernel.execute("1")).reply.content.execution_count;
    const failing = (await kernel.execute('throw new Error("x")')).reply.content.execution_count;
    const silent = await kernel.execute("2", { silent: true });
    const after = (await kernel.execute("3")).reply.content.execution_count;
    expect(failing).toBe(first + 1);
    expect(silent.reply.content.execution_count).toBe(first + 1);
    expect(silent.outputs).toEqual([]);
    expect(after).toBe(first + 2);
  });
});

describe("rich display", () => {
  it("display() sends one display_data with html, svg and text, and updateDisplay replaces it by id", async () => {
    const code = [
      `const kernelApi = ${KERNEL};`,
      'const figureId = kernelApi.display({ "text/html": "<p>epoch 1</p>", "image/svg+xml": "<svg/>", "text/plain": "epoch 1" });',
      'kernelApi.updateDisplay(figureId, { "text/html": "<p>epoch 2</p>", "image/svg+xml": "<svg/>", "text/plain": "epoch 2" });',
      "figureId",
    ].join("\n");
    const { reply, outputs } = await kernel.execute(code);
    expect(reply.content.status).toBe("ok");
    const displays = outputs.filter((m) => m.header.msg_type === "display_data");
    const updates = outputs.filter((m) => m.header.msg_type === "update_display_data");
    expect(displays).toHaveLength(1);
    expect(displays[0].content.data).toEqual({ "text/html": "<p>epoch 1</p>", "image/svg+xml": "<svg/>", "text/plain": "epoch 1" });
    expect(updates).toHaveLength(1);
    expect(updates[0].content.data["text/plain"]).toBe("epoch 2");
    const figureId = displays[0].content.transient.display_id;
    expect(updates[0].content.transient.display_id).toBe(figureId);
    const result = outputs.find((m) => m.header.msg_type === "execute_result");
    expect(result?.content.data["text/plain"]).toBe(`'${figureId}'`);
  });

  it("an update from a timer after the cell finished still reaches the display", async () => {
    const code = [
      `const lateApi = ${KERNEL};`,
      'const lateId = lateApi.display({ "text/plain": "loss 1.0" });',
      'setTimeout(() => lateApi.updateDisplay(lateId, { "text/plain": "loss 0.5" }), 50);',
    ].join("\n");
    const { outputs } = await kernel.execute(code);
    const displayId = outputs.find((m) => m.header.msg_type === "display_data")?.content.transient.display_id;
    const update = await kernel.nextIopub((m) => m.header.msg_type === "update_display_data");
    expect(update.content.transient.display_id).toBe(displayId);
    expect(update.content.data).toEqual({ "text/plain": "loss 0.5" });
  });

  it("tslab's own display API works through the kernel", async () => {
    const { outputs } = await kernel.execute('import * as tslab from "tslab";\ntslab.display.html("<em>tslab</em>");');
    expect(outputs.map((m) => [m.header.msg_type, m.content.data])).toEqual([["display_data", { "text/html": "<em>tslab</em>" }]]);
  });
});

describe("stream output", () => {
  it("2000 console.log lines from one synchronous loop all arrive, in order, coalesced", async () => {
    const { reply, outputs } = await kernel.execute('for (let i = 0; i < 2000; i++) console.log("line " + i);');
    expect(reply.content.status).toBe("ok");
    const lines = streamText(outputs, "stdout").split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(2000);
    expect(lines[0]).toBe("line 0");
    expect(lines[1999]).toBe("line 1999");
    expect(lines.every((line, i) => line === `line ${i}`)).toBe(true);
    // Coalesced once the burst allowance (50 messages) is spent: far fewer messages than lines.
    const streamMessages = outputs.filter((m) => m.header.msg_type === "stream").length;
    expect(streamMessages).toBeLessThan(100);
  });

  it("3000 display_data messages from one synchronous loop all arrive (past zeromq's ~512 synchronous sends)", async () => {
    const code = `for (let i = 0; i < 3000; i++) ${KERNEL}.display({ "text/plain": "item " + i });`;
    const { reply, outputs } = await kernel.execute(code);
    expect(reply.content.status).toBe("ok");
    const texts = outputs.filter((m) => m.header.msg_type === "display_data").map((m) => m.content.data["text/plain"]);
    expect(texts).toHaveLength(3000);
    expect(texts.every((text, i) => text === `item ${i}`)).toBe(true);
  });

  it("1000 updates of one display in a synchronous loop collapse to a few messages ending on the last value", async () => {
    const code = [
      `const progressApi = ${KERNEL};`,
      'const progressId = progressApi.display({ "text/plain": "step -1" });',
      'for (let step = 0; step < 1000; step++) progressApi.updateDisplay(progressId, { "text/plain": "step " + step });',
    ].join("\n");
    const { outputs } = await kernel.execute(code);
    const updates = outputs.filter((m) => m.header.msg_type === "update_display_data");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThan(100);
    expect(updates[updates.length - 1].content.data).toEqual({ "text/plain": "step 999" });
  });

  it("output printed before a long synchronous computation arrives while it still runs", async () => {
    const code = 'console.log("epoch 1 done");\nconst t0 = Date.now(); while (Date.now() - t0 < 1500) {}\nconsole.log("epoch 2 done");';
    const { reply, outputs } = await kernel.execute(code);
    const first = outputs.find((m) => m.header.msg_type === "stream" && m.content.text.startsWith("epoch 1"));
    expect(first).toBeDefined();
    expect(streamText(outputs, "stdout")).toBe("epoch 1 done\nepoch 2 done\n");
    const lead = (kernel.arrivals.get(reply) ?? 0) - (kernel.arrivals.get(first!) ?? Infinity);
    expect(lead).toBeGreaterThan(1000);
  });

  it("a cell queued right behind one that spent the whole burst allowance still shows its first line live", async () => {
    // Both cells are sent before either runs, so the second starts the moment the first ends: no time
    // for the token bucket to refill. Each cell starts with the full allowance.
    const spender = await kernel.submit('for (let i = 0; i < 200; i++) console.log("spend " + i);');
    const slow = await kernel.submit(
      'console.log("epoch 1 done");\nconst t1 = Date.now(); while (Date.now() - t1 < 1500) {}\nconsole.log("epoch 2 done");',
    );
    await kernel.collect(spender);
    const { reply, outputs } = await kernel.collect(slow);
    const first = outputs.find((m) => m.header.msg_type === "stream" && m.content.text.startsWith("epoch 1"));
    expect(first).toBeDefined();
    const lead = (kernel.arrivals.get(reply) ?? 0) - (kernel.arrivals.get(first!) ?? Infinity);
    expect(lead).toBeGreaterThan(1000);
  });

  it("stdout and stderr keep their relative order", async () => {
    const { outputs } = await kernel.execute('console.log("a"); console.error("b"); console.log("c");');
    expect(outputs.map((m) => [m.content.name, m.content.text])).toEqual([
      ["stdout", "a\n"],
      ["stderr", "b\n"],
      ["stdout", "c\n"],
    ]);
  });
});

describe("stop on error", () => {
  it("cells queued behind a failing cell are answered 'aborted'; a cell sent afterwards runs", async () => {
    const failing = await kernel.submit('const start = Date.now(); while (Date.now() - start < 300) {}\nthrow new Error("stop here");');
    const queued1 = await kernel.submit('console.log("must not run 1")');
    const queued2 = await kernel.submit('console.log("must not run 2")');
    expect((await kernel.collect(failing)).reply.content.status).toBe("error");
    const aborted = [await kernel.collect(queued1), await kernel.collect(queued2)];
    for (const { reply, outputs, executeInput } of aborted) {
      expect(reply.content.status).toBe("aborted");
      expect(outputs).toEqual([]);
      expect(executeInput).toBeNull();
    }
    const later = await kernel.execute('console.log("runs")');
    expect(later.reply.content.status).toBe("ok");
    expect(streamText(later.outputs, "stdout")).toBe("runs\n");
  });

  it("with stop_on_error false, queued cells still run", async () => {
    const failing = await kernel.submit('throw new Error("tolerated")', { stop_on_error: false });
    const next = await kernel.submit('console.log("still runs")');
    expect((await kernel.collect(failing)).reply.content.status).toBe("error");
    const { reply, outputs } = await kernel.collect(next);
    expect(reply.content.status).toBe("ok");
    expect(streamText(outputs, "stdout")).toBe("still runs\n");
  });
});

describe("interrupt", () => {
  it("SIGINT stops a synchronous infinite loop with an error reply, and the kernel keeps its state", async () => {
    await kernel.execute("const survivor = 41;");
    const loop = await kernel.submit("while (true) {}");
    await new Promise((resolve) => setTimeout(resolve, 500));
    kernel.interrupt();
    const { reply } = await kernel.collect(loop, 10_000);
    expect(reply.content.status).toBe("error");
    expect(reply.content.evalue).toMatch(/interrupted/i);
    const after = await kernel.execute("survivor + 1");
    expect(after.outputs.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"]).toBe("42");
  });

  // issue 18 item 7: such a loop never returns to the event loop; three interrupts used to be ignored at 100% CPU.
  it("SIGINT stops a loop that yields only to microtasks (`await null`), says why, and the kernel keeps its state", async () => {
    await kernel.execute("const keeper = 6;");
    const loop = await kernel.submit("for (let j = 0;; j++) { if (j % 100000 === 0) await null; }");
    await new Promise((resolve) => setTimeout(resolve, 500));
    kernel.interrupt();
    const { reply, outputs } = await kernel.collect(loop, 15_000);
    expect([reply.content.status, reply.content.evalue]).toEqual(["error", "Interrupted asynchronously"]);
    expect(streamText(outputs, "stderr")).toContain("Interrupted: JavaScript that never returned to the event loop");
    const after = await kernel.execute("keeper * 7");
    expect(after.outputs.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"]).toBe("42");
    // Every kind of interrupt still works afterwards: a synchronous loop, and the microtask loop again.
    for (const code of ["while (true) {}", "for (;;) await null;"]) {
      const again = await kernel.submit(code);
      await new Promise((resolve) => setTimeout(resolve, 500));
      kernel.interrupt();
      expect((await kernel.collect(again, 15_000)).reply.content.status).toBe("error");
    }
  });

  it("SIGINT stops a timer callback that loops forever after its cell finished; the kernel answers again", async () => {
    await kernel.execute("setTimeout(() => { for (;;) {} }, 100);");
    await new Promise((resolve) => setTimeout(resolve, 600));
    kernel.interrupt();
    const after = await kernel.execute("1 + 1", {});
    expect(after.outputs.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"]).toBe("2");
    const timers = await kernel.execute("await new Promise((resolve) => setTimeout(() => resolve(3), 50))");
    expect(timers.outputs.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"]).toBe("3");
  });

  it("a cell's own process.on(\"SIGINT\") listener neither stops the kernel on the next interrupt nor goes unheard", async () => {
    await kernel.execute('let heard = 0; process.on("SIGINT", () => { heard++; });');
    const loop = await kernel.submit("while (true) {}");
    await new Promise((resolve) => setTimeout(resolve, 500));
    kernel.interrupt();
    expect((await kernel.collect(loop, 15_000)).reply.content.status).toBe("error");
    const waiting = await kernel.submit("await new Promise(() => {});");
    await new Promise((resolve) => setTimeout(resolve, 500));
    kernel.interrupt();
    expect((await kernel.collect(waiting, 15_000)).reply.content.status).toBe("error");
    const after = await kernel.execute("heard");
    expect(after.outputs.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"]).toBe("1");
  });

  it("SIGINT stops an awaited promise that never settles", async () => {
    const pending = await kernel.submit("await new Promise(() => {});");
    await new Promise((resolve) => setTimeout(resolve, 500));
    kernel.interrupt();
    const { reply } = await kernel.collect(pending, 10_000);
    expect([reply.content.status, reply.content.evalue]).toEqual(["error", "Interrupted asynchronously"]);
  });
});
