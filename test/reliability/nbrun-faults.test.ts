// Faults in the notebook tooling, provoked in the real convlab kernel through `npm run notebooks:exec`
// (dist/tools/nbrun/main.js → nbclient): a kernel killed from outside its cell's control, an output flood,
// a training loop cut off by its cell timeout, an error thrown later by a timer, an unhandled rejection.
// Each must end in a report that names the notebook and a cell, within its timeout, and never as success.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv } from "../helpers/jupyter.js";
import { type NbrunRun, type NotebookReport, readReport, runNbrun, writeNotebook } from "../helpers/nbrun.js";
import { installKernelSpec, jupyterPathOf, REPO_ROOT } from "../jupyter-kernel/kernel-client.js";
import { LATE_TIMER, NEXT_CELL_STARTS } from "./fault-matrix.js";

const RUN_LIMIT_MS = 150_000;

// The venv with nbclient (installed now if needed; fails loudly, never skips, when it cannot be made).
jupyterEnv();

// Kills the kernel's whole process group when the kernel leads one (jupyter_client starts kernels in a
// new session), as an OOM killer or a `kill -9 -PGID` from a terminal would; otherwise only the kernel,
// so the test runner itself is never in the blast radius.
const KILL_OWN_GROUP = `
const { execSync } = require("node:child_process");
const groupId = Number(execSync("ps -o pgid= -p " + process.pid).toString().trim());
process.kill(groupId === process.pid ? -groupId : process.pid, "SIGKILL");
`;

// 200,000 lines in one synchronous loop, then a last line that must survive.
const FLOOD = `for (let i = 0; i < 200000; i++) console.log("flood line " + i);\nconsole.log("LAST LINE after the flood");`;

// A long synchronous train() on the bundled subset; the cell timeout (3 s) cuts it off long before its end.
const TRAIN_SETUP = `
const { data, DataLoader, lenet, loadFashionMnistSync, manualSeed, train } = require("convlab");
manualSeed(0);
const trainSet = loadFashionMnistSync({ split: "train", dir: data.bundledSubsetDir(), limit: 2048 });
const testSet = loadFashionMnistSync({ split: "test", dir: data.bundledSubsetDir(), limit: 256 });
`;
const TRAIN_FOREVER = `train(lenet(), new DataLoader(trainSet, { batchSize: 64, shuffle: true, seed: 0 }), new DataLoader(testSet, { batchSize: 128 }), { epochs: 1000, lr: 0.9, progress: "lines" });`;

describe("notebook tooling under faults, in the real kernel", () => {
  // Inside the checkout, so `require("convlab")` in a cell finds the built library through node_modules.
  mkdirSync(join(REPO_ROOT, "out"), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, "out", "reliability-faults-"));
  const outDir = join(dir, "out");
  let prefix = "";
  let run: NbrunRun;
  const byName = new Map<string, NotebookReport>();

  const killed = writeNotebook(dir, "killed.ipynb", ["let before = 1;", KILL_OWN_GROUP, "before + 1"]);
  const flood = writeNotebook(dir, "flood.ipynb", [FLOOD, '"after the flood"']);
  const training = writeNotebook(dir, "training.ipynb", [TRAIN_SETUP, { source: TRAIN_FOREVER, metadata: { convlab: { timeout: 3 } } }, "1"]);
  const lateTimer = writeNotebook(dir, "late-timer.ipynb", [
    LATE_TIMER,
    `${NEXT_CELL_STARTS} await new Promise((resolve) => setTimeout(resolve, 500));`,
    '"third"',
  ]);
  const lateTimerBusy = writeNotebook(dir, "late-timer-busy.ipynb", [
    LATE_TIMER,
    `${NEXT_CELL_STARTS} const until = Date.now() + 500; while (Date.now() < until) {}`,
    '"third"',
  ]);
  const rejection = writeNotebook(dir, "rejection.ipynb", [
    'Promise.reject(new Error("nobody catches me")); 1',
    '"second"',
  ]);

  // The timer fires after the last cell has answered: nbrun's settle request is what gives it a cell to surface in.
  const afterLast = writeNotebook(dir, "after-last.ipynb", ["let ready = 1;", 'setTimeout(() => { throw new Error("after the end") }, 100);']);

  beforeAll(() => {
    prefix = installKernelSpec();
    run = runNbrun([killed, flood, training, lateTimer, lateTimerBusy, rejection, afterLast, "--out", outDir, "--timeout", "60"], jupyterPathOf(prefix), RUN_LIMIT_MS);
    const report = readReport(outDir);
    for (const notebook of report.notebooks) byName.set(notebook.notebook, notebook);
  }, RUN_LIMIT_MS + 10_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  const failures = (path: string) => byName.get(path)!.failures.map((failure) => [failure.number, failure.status]);
  const messageOf = (path: string, number: number) => byName.get(path)!.failures.find((failure) => failure.number === number)?.message ?? "";

  it("the run ends by itself well inside its limit, and fails; of the seven only the flood notebook passes rightly", () => {
    expect(run.signal, "nbrun was killed by the test's time limit: it hung").toBeNull();
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain("1 of 7 notebooks passed");
    expect(run.stdout).toContain(`PASS ${flood}`);
  });

  it("(a) a kernel SIGKILLed with its process group mid-notebook: that cell crashed, the next one unexecuted", () => {
    expect(run.stdout).toContain(`FAIL ${killed}`);
    expect(failures(killed)).toEqual([[2, "crashed"], [3, "unexecuted"]]);
    expect(run.stdout).toContain("cell 2 of 3 (index 1): crashed: the kernel died");
  });

  it("(b) 200,000 lines printed in one synchronous loop arrive whole, last line included", () => {
    const executed = JSON.parse(readFileSync(join(outDir, "flood.ipynb"), "utf8"));
    const printed = (executed.cells[0].outputs as { name: string; text: string[] }[])
      .filter((output) => output.name === "stdout").map((output) => output.text.join("")).join("");
    const lines = printed.split("\n");
    expect(lines.length).toBe(200_002); // 200,000 flood lines, the last line, and the empty string after the final newline
    expect(lines[199_999]).toBe("flood line 199999");
    expect(lines[200_000]).toBe("LAST LINE after the flood");
    expect(executed.cells[1].outputs[0].data["text/plain"]).toEqual(["'after the flood'"]);
  });

  it("(c) a long train() cut off by its 3 s cell timeout is a timeout of that cell, and the run goes on", () => {
    expect(run.stdout).toContain(`FAIL ${training}`);
    expect(failures(training)).toEqual([[2, "timeout"], [3, "unexecuted"]]);
    expect(run.stdout).toContain("cell 2 of 3 (index 1): timeout: cell timed out after 3 s");
    // Kernel start, the setup cell and 3 s of training; a hang would take the 60 s default or the test's limit.
    expect(byName.get(training)!.seconds).toBeLessThan(45);
  });

  it("(d) an error thrown by a timer while the next cell awaits fails the notebook, blaming the cell it surfaced in", () => {
    expect(run.stdout).toContain(`FAIL ${lateTimer}`);
    expect(failures(lateTimer)).toEqual([[2, "error"]]);
    expect(messageOf(lateTimer, 2)).toContain("Uncaught exception: Error: late");
  });

  // The kernel publishes an error raised between cells under the finished cell's parent, after its idle
  // status, where plain nbclient drops it; nbrun keeps such late stream output in the cell it belongs to.
  it("(d') an error thrown by a timer while the next cell busy-waits fails the notebook, blaming the busy cell", () => {
    expect(run.stdout).toContain(`FAIL ${lateTimerBusy}`);
    expect(failures(lateTimerBusy)).toEqual([[2, "error"]]);
    expect(messageOf(lateTimerBusy, 2)).toContain("surfaced in or after this cell: Uncaught exception: Error: late");
  });

  it("(e) an unhandled promise rejection fails the notebook, blaming the cell that made the promise", () => {
    expect(run.stdout).toContain(`FAIL ${rejection}`);
    expect(failures(rejection)).toEqual([[1, "error"]]);
    expect(messageOf(rejection, 1)).toContain("Unhandled promise rejection: Error: nobody catches me");
    // The late text is kept in the executed notebook, where the learner would look for it.
    const executed = JSON.parse(readFileSync(join(outDir, "rejection.ipynb"), "utf8"));
    expect(JSON.stringify(executed.cells[0].outputs)).toContain("nobody catches me");
  });

  it("(f) an error thrown by a timer after the last cell fails the notebook, blaming the last cell; the saved notebook has only its own cells", () => {
    expect(run.stdout).toContain(`FAIL ${afterLast}`);
    expect(failures(afterLast)).toEqual([[2, "error"]]);
    expect(messageOf(afterLast, 2)).toContain("surfaced after the last cell: Uncaught exception: Error: after the end");
    const executed = JSON.parse(readFileSync(join(outDir, "after-last.ipynb"), "utf8"));
    expect(executed.cells.length).toBe(2);
  });

  it("every report line of a failing notebook names the notebook and a cell", () => {
    for (const path of [killed, training, lateTimer, lateTimerBusy, rejection, afterLast]) {
      expect(byName.get(path)!.failures.every((failure) => failure.number !== null)).toBe(true);
    }
  });
});
