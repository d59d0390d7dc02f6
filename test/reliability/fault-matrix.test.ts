// The shared fault matrix (fault-matrix.ts) against both runners and the kernel: the lesson runner (a worker
// process per lesson, as `npm test` and `npm start` run lessons), nbrun (nbclient driving the real convlab
// kernel, as `npm run notebooks:exec` runs the generated notebooks), and the kernel driven cell by cell by the
// tests' own minimal Jupyter client. Each case must get the same verdict from all three: pass, or fail at the
// same cell with the same status and the same error named; and none may hang.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireBuild } from "../../tools/lessons/files.js";
import { lessonToNotebook, serializeNotebook } from "../../tools/lessons/notebook.js";
import { outputText } from "../../tools/lessons/report.js";
import { type CellResult, runLesson, WorkerPool } from "../../tools/lessons/runner.js";
import { runnableSource } from "../../tools/lessons/transform.js";
import { jupyterEnv } from "../helpers/jupyter.js";
import { installKernelSpec, jupyterPathOf, KernelClient } from "../jupyter-kernel/kernel-client.js";
import { FAULT_MATRIX, indexOfCodeCell, lessonOfCase } from "./fault-matrix.js";

const root = repoRoot();
const NBRUN = join(root, "dist/tools/nbrun/main.js");
const RUN_LIMIT_MS = 240_000;
const lessons = FAULT_MATRIX.map((testCase, at) => lessonOfCase(testCase, at + 1));

// nbrun runs nbclient from the project's .venv: made now if needed (fails loudly, never skips).
jupyterEnv();

interface Verdict {
  /** lesson.cells index of the first failing cell, its status, and everything said about it. */
  failure: { index: number; status: string; text: string } | null;
  /** Statuses of the cells before the first failure (all must be ok). */
  before: string[];
}

function expectVerdict(name: string, verdict: Verdict): void {
  const at = FAULT_MATRIX.findIndex((testCase) => testCase.name === name);
  const expected = FAULT_MATRIX[at].firstFailure;
  if (expected === null) {
    expect(verdict.failure, `${name} must pass`).toBeNull();
    return;
  }
  expect(verdict.failure, `${name} must fail`).not.toBeNull();
  expect([verdict.failure!.index, verdict.failure!.status]).toEqual([indexOfCodeCell(lessons[at], expected.codeCell), expected.status]);
  for (const fragment of expected.says) expect(verdict.failure!.text).toContain(fragment);
  expect(verdict.before.every((status) => status === "ok"), `${name}: cells before the failure: ${verdict.before}`).toBe(true);
}

describe("fault matrix: the lesson runner", () => {
  const pool = new WorkerPool();
  const verdicts = new Map<string, Verdict>();
  const seconds = new Map<string, number>();

  beforeAll(async () => {
    requireBuild(root);
    await Promise.all(
      lessons.map(async (lesson, at) => {
        const run = runLesson(lesson, { root, quick: true, cellTimeoutSeconds: 60 }, pool);
        // From the first cell's result (the worker is running by then; the pool may queue it before) to the end.
        const firstCellAt = await run.cell(indexOfCodeCell(lesson, 1)).then(() => performance.now());
        const results: CellResult[] = await run.done;
        seconds.set(FAULT_MATRIX[at].name, (performance.now() - firstCellAt) / 1000);
        const firstBad = results.findIndex((result) => result.status !== "ok");
        const failed = firstBad >= 0 ? results[firstBad] : null;
        verdicts.set(FAULT_MATRIX[at].name, {
          failure: failed && { index: failed.index, status: failed.status, text: `${outputText(failed)}\n${failed.note ?? ""}` },
          before: results.slice(0, firstBad >= 0 ? firstBad : results.length).map((result) => result.status),
        });
        // Cells after a failure never run in the lesson runner.
        if (firstBad >= 0) expect(results.slice(firstBad + 1).every((result) => result.status === "not-run")).toBe(true);
      }),
    );
  }, RUN_LIMIT_MS);

  for (const testCase of FAULT_MATRIX) {
    it(testCase.name, () => expectVerdict(testCase.name, verdicts.get(testCase.name)!));
  }

  it("a lesson that leaves a timer running ends with its last cell (plus the settle time), not never", () => {
    // The second cell, 0.5 s of settling, the worker's goodbye; before the fix the run never ended.
    expect(seconds.get("interval-left-running")).toBeLessThan(20);
  });
});

describe("fault matrix: nbrun in the real kernel", () => {
  const verdicts = new Map<string, Verdict>();
  let dir = "";
  let prefix = "";
  let run: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    mkdirSync(join(root, "out"), { recursive: true });
    // Inside the checkout, so `require("convlab")` in a cell finds the built library through node_modules.
    dir = mkdtempSync(join(root, "out", "fault-matrix-"));
    prefix = installKernelSpec();
    const paths = lessons.map((lesson) => {
      const path = join(dir, `${lesson.slug}.ipynb`);
      writeFileSync(path, serializeNotebook(lessonToNotebook(lesson)));
      return path;
    });
    const outDir = join(dir, "out");
    run = spawnSync(process.execPath, [NBRUN, ...paths, "--out", outDir, "--timeout", "60"], {
      env: { ...process.env, JUPYTER_PATH: jupyterPathOf(prefix) },
      encoding: "utf8",
      timeout: RUN_LIMIT_MS,
    });
    const reportFile = String(run.stdout).match(/^report: (.+)$/m)?.[1] ?? join(outDir, "report.json");
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as {
      notebooks: { notebook: string; cells: { index: number; status: string; message?: string }[] }[];
    };
    report.notebooks.forEach((notebook, at) => {
      const firstBad = notebook.cells.findIndex((cell) => cell.status !== "ok");
      const failed = firstBad >= 0 ? notebook.cells[firstBad] : null;
      verdicts.set(FAULT_MATRIX[at].name, {
        failure: failed && { index: failed.index, status: failed.status, text: failed.message ?? "" },
        before: notebook.cells.slice(0, firstBad >= 0 ? firstBad : notebook.cells.length).map((cell) => cell.status),
      });
    });
  }, RUN_LIMIT_MS + 10_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it("the run ends by itself and fails", () => {
    expect(run.signal, "nbrun hung past the test's limit").toBeNull();
    expect(run.status, String(run.stderr)).toBe(1);
  });

  for (const testCase of FAULT_MATRIX) {
    it(testCase.name, () => expectVerdict(testCase.name, verdicts.get(testCase.name)!));
  }
});

// The kernel itself, driven cell by cell by a minimal client: every fault must reach the client as a failed
// reply, a dead kernel, or a late error on the cell's stderr (what nbrun checks); no fault may stay silent.
describe("fault matrix: the kernel, cell by cell", () => {
  const verdicts = new Map<string, Verdict>();
  let prefix = "";
  const LATE_ERROR = /^(Uncaught exception:|Unhandled promise rejection:).*/m;

  async function kernelVerdict(lesson: (typeof lessons)[number]): Promise<Verdict> {
    const kernel = await KernelClient.start(prefix, join(root, "notebooks"));
    const exited = kernel.exited().then(() => "exited" as const);
    // What each cell that ran showed, late output included (a client like nbclient keeps it by parent).
    const ran: { index: number; requestId: string; status: string; text: string }[] = [];
    const drainLate = async (waitMs: number) => {
      for (;;) {
        const ids = new Set(ran.map((cell) => cell.requestId));
        const message = await kernel.nextIopub((m) => ids.has(m.parentHeader.msg_id ?? ""), waitMs).catch(() => null);
        if (!message) return;
        const cell = ran.find((entry) => entry.requestId === message.parentHeader.msg_id)!;
        if (message.header.msg_type === "stream") cell.text += message.content.text;
      }
    };
    let stopped: { index: number; status: string; text: string } | null = null;
    try {
      const codeCells = lesson.cells.flatMap((cell, index) => (cell.kind === "code" ? [{ cell, index }] : []));
      for (const { cell, index } of codeCells) {
        const request = await kernel.submit(runnableSource(cell, true));
        const seconds = cell.options.timeoutSeconds ?? 60;
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), seconds * 1000)));
        const outcome = await Promise.race([kernel.collect(request, (seconds + 5) * 1000), exited, limit]);
        clearTimeout(timer);
        if (outcome === "exited") {
          stopped = { index, status: "crashed", text: "" };
          break;
        }
        if (outcome === "timeout") {
          kernel.interrupt();
          stopped = { index, status: "timeout", text: `timed out after ${seconds} s` };
          break;
        }
        const text = outcome.outputs
          .map((m) => (m.header.msg_type === "stream" ? m.content.text : m.header.msg_type === "error" ? m.content.traceback.join("\n") : ""))
          .join("");
        ran.push({ index, requestId: request.header.msg_id, status: outcome.reply.content.status === "ok" ? "ok" : "error", text });
        await drainLate(0);
        if (outcome.reply.content.status !== "ok") break;
      }
      // After the last cell, as long as nbrun's settle request and the lesson runner wait.
      if (stopped === null) await drainLate(600);
    } finally {
      await kernel.shutdown();
    }
    const before: string[] = [];
    for (const cell of ran) {
      if (cell.status !== "ok" || LATE_ERROR.test(cell.text)) return { failure: { index: cell.index, status: "error", text: cell.text }, before };
      before.push("ok");
    }
    return { failure: stopped, before };
  }

  beforeAll(async () => {
    prefix = installKernelSpec();
    // One kernel at a time: each case gets a fresh one, as a notebook does.
    for (const [at, lesson] of lessons.entries()) verdicts.set(FAULT_MATRIX[at].name, await kernelVerdict(lesson));
  }, RUN_LIMIT_MS);

  afterAll(() => {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  for (const testCase of FAULT_MATRIX) {
    it(testCase.name, () => expectVerdict(testCase.name, verdicts.get(testCase.name)!));
  }
});
