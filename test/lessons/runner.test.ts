// The runner, on small lessons made here: raises passes and fails as it should (the cell runs as the notebook
// holds it, the runner checks what it threw), a broken cell names its lesson line, a cell looping forever is killed and named, ci
// overrides apply only to quick runs, skip cells never run.

import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireBuild } from "../../tools/lessons/files.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import type { CodeCell, Lesson } from "../../tools/lessons/parse.js";
import { formatCellFailure, outputText } from "../../tools/lessons/report.js";
import { type CellResult, kernelThreadsPerWorker, runLesson, WorkerPool } from "../../tools/lessons/runner.js";

const root = repoRoot();
const pool = new WorkerPool();
const fence = "```";
/** Concurrent cases queue for the pool's workers; under load a worker takes ~10 s to load its compiler. */
const WAIT_FOR_POOL_MS = 300_000;

beforeAll(() => requireBuild(root));

function lessonOf(...cells: string[][]): Lesson {
  const text = cells.map((lines) => [`${fence}ts`, ...lines, fence].join("\n")).join("\n\nSome prose.\n\n");
  return parseLesson("lessons/99-fixture.md", text);
}

async function run(lesson: Lesson, quick = true, cellTimeoutSeconds?: number): Promise<CellResult[]> {
  return runLesson(lesson, { root, quick, cellTimeoutSeconds }, pool).done;
}

function failureOf(lesson: Lesson, result: CellResult): string {
  return formatCellFailure(lesson, lesson.cells[result.index] as CodeCell, result);
}

// Each case starts a worker (a TypeScript compiler load, seconds); cases run concurrently through the pool.
describe.concurrent("raises", { timeout: WAIT_FOR_POOL_MS }, () => {
  it("passes when the cell throws that class with a matching message, shows the error as Jupyter does, and goes on", async () => {
    const lesson = lessonOf(
      ["//| raises: RangeError /Invalid array length/", "const sizes = [3, -1];", "new Array(sizes[1]);"],
      ['console.log("after");'],
    );
    const results = await run(lesson);
    expect(results.map((result) => result.status)).toEqual(["ok", "ok"]);
    const [error] = results[0].outputs;
    expect(error).toMatchObject({ output_type: "error", ename: "RangeError", evalue: "Invalid array length" });
    expect(error.output_type === "error" && error.traceback[0]).toBe("RangeError: Invalid array length");
    expect(results[0].note).toBeUndefined();
    expect(outputText(results[1])).toBe("after\n");
  });

  it("passes for an error thrown after an await, and with a flag", async () => {
    const lesson = lessonOf([
      "//| raises: TypeError /NOT A FUNCTION/i",
      "const value: any = await Promise.resolve(1);",
      "value();",
    ]);
    expect((await run(lesson))[0].status).toBe("ok");
  });

  it("fails when the cell does not throw, naming lesson and cell; later cells are not run", async () => {
    const lesson = lessonOf(["//| raises: RangeError /Invalid/", "const fine = 1 + 1;"], ["const next = 2;"]);
    const results = await run(lesson);
    expect(results.map((result) => result.status)).toEqual(["error", "not-run"]);
    const message = failureOf(lesson, results[0]);
    expect(message).toContain("lessons/99-fixture.md:1: cell error");
    expect(message).toContain("expected RangeError with a message matching /Invalid/, but the cell ran without an error");
  });

  it("fails when the class differs, showing the error it threw", async () => {
    const lesson = lessonOf(["//| raises: RangeError /boom/", 'throw new TypeError("boom");']);
    const [result] = await run(lesson);
    expect(result.status).toBe("error");
    expect(outputText(result)).toContain("TypeError: boom");
    expect(result.note).toBe("expected RangeError with a message matching /boom/, but the cell failed with TypeError: boom");
  });

  it("fails when the message does not match", async () => {
    const lesson = lessonOf(["//| raises: RangeError /expected 3 channels/", 'throw new RangeError("got 4 channels");']);
    const [result] = await run(lesson);
    expect(result.status).toBe("error");
    expect(outputText(result)).toContain("RangeError: got 4 channels");
    expect(result.note).toContain("but the message does not match: RangeError: got 4 channels");
  });

  it("a raises cell that does not compile fails with the compiler's error", async () => {
    const lesson = lessonOf(["//| raises: RangeError /./", "const a: string = 1;"]);
    const [result] = await run(lesson);
    expect(result.status).toBe("error");
    expect(result.note).toContain("but the cell failed with TSError: 1:7 - Type 'number' is not assignable");
  });
});

describe.concurrent("failures point at the lesson", { timeout: WAIT_FOR_POOL_MS }, () => {
  it("a throwing cell fails with lessons/x.md:LINE and its code; later cells are not run", async () => {
    const lesson = lessonOf(["const a = 1;"], ["const b = a + 1;", 'throw new Error("broken on purpose");'], ["const c = 3;"]);
    const results = await run(lesson);
    expect(results.map((result) => result.status)).toEqual(["ok", "error", "not-run"]);
    const message = failureOf(lesson, results[1]);
    expect(message).toContain("lessons/99-fixture.md:7: cell error");
    expect(message).toContain(" 8 | const b = a + 1;");
    expect(message).toContain("Error: broken on purpose");
    expect(results[2].note).toBe("not run: the cell at lessons/99-fixture.md:7 failed (error)");
  });

  it("a TypeScript error is reported at its lesson line and column", async () => {
    const lesson = lessonOf(["const a = 1;", 'const b: string = a;']);
    const [result] = await run(lesson);
    expect(result.status).toBe("error");
    expect(failureOf(lesson, result)).toContain("lessons/99-fixture.md:3:7 - Type 'number' is not assignable to type 'string'.");
  });

  it("a TypeScript error inside a raises cell is reported at its lesson line", async () => {
    const lesson = lessonOf(["//| raises: Error /x/", "const a = 1;", 'const b: string = a;']);
    const [result] = await run(lesson);
    expect(failureOf(lesson, result)).toContain("lessons/99-fixture.md:4:7 - Type 'number' is not assignable");
  });

  it("a cell that loops forever is killed at its timeout and named", async () => {
    const lesson = lessonOf(["const a = 1;"], ["//| timeout: 1", "while (true) {}"], ["const c = 3;"]);
    const results = await run(lesson);
    expect(results.map((result) => result.status)).toEqual(["ok", "timeout", "not-run"]);
    expect(failureOf(lesson, results[1])).toContain("lessons/99-fixture.md:7: cell timeout");
    expect(results[1].note).toBe("timed out after 1 s (set `//| timeout: N` if it needs longer)");
    // Killed at its timeout, not before (libuv's timers may fire a fraction of a millisecond early against
    // performance.now(): a CI run measured 999.93 ms).
    expect(results[1].milliseconds).toBeGreaterThanOrEqual(990);
    expect(results[1].milliseconds).toBeLessThan(10_000);
  });

  it("the default cell timeout applies to cells without one", async () => {
    const lesson = lessonOf(["while (true) {}"]);
    const [result] = await run(lesson, true, 1);
    expect(result.status).toBe("timeout");
  });

  it("a cell that exits the process is reported as crashed", async () => {
    const lesson = lessonOf(["process.exit(3);"]);
    const [result] = await run(lesson);
    expect(result.status).toBe("crashed");
    expect(result.note).toContain("exited (code 3");
  });
});

describe.concurrent("options at run time", { timeout: WAIT_FOR_POOL_MS }, () => {
  it("ci overrides apply to quick runs only", async () => {
    const lesson = lessonOf(['//| ci: {"epochs": 2}', "const epochs = 10; // the full course", "console.log(`epochs=${epochs}`);"]);
    expect(outputText((await run(lesson, true))[0])).toBe("epochs=2\n");
    expect(outputText((await run(lesson, false))[0])).toBe("epochs=10\n");
  });

  it("a large display from the last cell arrives whole (outputs are flushed before the worker disconnects)", async () => {
    const lesson = lessonOf(['void (globalThis as any)[Symbol.for("convlab.kernel")].display({ "text/plain": "x".repeat(3_000_000) });']);
    const [result] = await run(lesson);
    expect(result.status).toBe("ok");
    expect(result.outputs).toHaveLength(1);
    const output = result.outputs[0];
    expect(output.output_type === "display_data" && String(output.data["text/plain"]).length).toBe(3_000_000);
  });

  // issue 18 item 6: this cell was reported as a 60 s timeout (output collection was quadratic).
  it("a cell printing 200,000 lines passes; its output keeps the first lines and says how much was cut", async () => {
    const lesson = lessonOf(['for (let i = 0; i < 200000; i++) console.log("flood line " + i);'], ['"after"']);
    const results = await run(lesson, true, 60);
    expect(results.map((result) => result.status)).toEqual(["ok", "ok"]);
    const printed = outputText(results[0]);
    expect(printed.startsWith("flood line 0\nflood line 1\n")).toBe(true);
    expect(printed).toMatch(/\[output truncated: \d+ more characters \(\d+ lines\) were printed and not kept; a cell keeps the first 1000000 characters of its output\]\n$/);
  });

  // issue 18 item 4: the run waited for the worker to exit, which a live timer prevents.
  it("a lesson that leaves an interval running ends after its last cell", async () => {
    const lesson = lessonOf(["setInterval(() => {}, 1000);"], ['"last"']);
    const run = runLesson(lesson, { root, quick: true }, pool);
    await run.cell(0);
    const started = performance.now();
    const results = await run.done;
    expect(results.map((result) => result.status)).toEqual(["ok", "ok"]);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("skip cells are never run; the cells after them are", async () => {
    const lesson = lessonOf(["//| skip", 'throw new Error("must not run");'], ['console.log("after");']);
    const results = await run(lesson);
    expect(results.map((result) => result.status)).toEqual(["skipped", "ok"]);
    expect(outputText(results[1])).toBe("after\n");
  });

  it("cells see `convlab` as a notebook in notebooks/ does, and the last value is an execute_result", async () => {
    const lesson = lessonOf(['import { check, CheckError } from "convlab";', "check([1, 2]).equals([1, 2]);", "typeof CheckError"]);
    const [result] = await run(lesson);
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([{ output_type: "execute_result", execution_count: 1, data: { "text/plain": "'function'" }, metadata: {} }]);
  });

  // npm start runs both editions' lesson 9 side by side: each worker's kernels get one thread on two cores.
  it("a worker's kernels use the thread count the run asks for, unless CONVLAB_NUM_THREADS is already set", async () => {
    const lesson = lessonOf(['import { getNumThreads } from "convlab";', "console.log(getNumThreads());"]);
    const threadsIn = async (threads: 1 | 2) => outputText((await runLesson(lesson, { root, quick: true, threads }, pool).done)[0]);
    // vitest.config.ts sets CONVLAB_NUM_THREADS for the tests; unset, as for a user who has not set it.
    const before = process.env.CONVLAB_NUM_THREADS;
    delete process.env.CONVLAB_NUM_THREADS;
    try {
      expect(await threadsIn(1)).toBe("1\n");
      expect(await threadsIn(2)).toBe("2\n");
      process.env.CONVLAB_NUM_THREADS = "1";
      expect(await threadsIn(2)).toBe("1\n");
    } finally {
      if (before === undefined) delete process.env.CONVLAB_NUM_THREADS;
      else process.env.CONVLAB_NUM_THREADS = before;
    }
  });
});

describe("kernelThreadsPerWorker", () => {
  it("gives two threads only where every worker running at once can have two cores", () => {
    expect(kernelThreadsPerWorker(2, 2)).toBe(1);
    expect(kernelThreadsPerWorker(2, 1)).toBe(2);
    expect(kernelThreadsPerWorker(4, 2)).toBe(2);
    expect(kernelThreadsPerWorker(3, 2)).toBe(1);
    expect(kernelThreadsPerWorker(1, 1)).toBe(1);
    expect(kernelThreadsPerWorker(8, 0)).toBe(2);
  });
});
