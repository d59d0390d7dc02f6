// `npm run notebooks:exec` (dist/tools/nbrun/main.js) on throwaway notebooks in a temp folder,
// executed by nbclient in the real convlab kernel installed into a temporary prefix.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv } from "./helpers/jupyter.js";
import { type CellSpec, NBRUN, type NbrunRun, type RunReport, readReport, runNbrun as runNbrunFor, writeNotebook as writeNotebookOf } from "./helpers/nbrun.js";
import { installKernelSpec, jupyterPathOf, REPO_ROOT } from "./jupyter-kernel/kernel-client.js";

// Every notebook here is saved with stale outputs from an earlier run, which must not count as execution.
const writeNotebook = (dir: string, name: string, cells: CellSpec[]) => writeNotebookOf(dir, name, cells, { stale: true });
const runNbrun = (args: string[], jupyterPath: string): NbrunRun => runNbrunFor(args, jupyterPath);

// The venv with nbclient (installed now if needed; fails loudly, never skips, when it cannot be made).
jupyterEnv();

describe("notebooks:exec with nbclient and the convlab kernel", () => {
  const dir = mkdtempSync(join(tmpdir(), "convlab-nbrun-"));
  const outDir = join(dir, "out");
  let jupyterPath = "";
  let run: NbrunRun;
  let report: RunReport;

  const source = (line: number) => ({ convlab: { source: `lessons/demo.md:${line}` } });
  const erroring = writeNotebook(dir, "erroring.ipynb", [
    { source: "let a = 1;", metadata: source(10) },
    { source: 'throw new Error("boom in cell 2");', metadata: source(14) },
    { source: 'console.log("three");', metadata: source(18) },
  ]);
  const timingOut = writeNotebook(dir, "timing-out.ipynb", [
    { source: "1" },
    { source: "while (true) {}", metadata: { convlab: { timeout: 2 } } },
  ]);
  const crashing = writeNotebook(dir, "crashing.ipynb", [{ source: "1" }, { source: "process.exit(3);" }, { source: "2" }]);
  const passing = writeNotebook(dir, "passing.ipynb", [
    { source: "const x: number = 6;" },
    { source: 'for (let i = 0; i < 3; i++) console.log("x is", x + i);' },
    { source: "x * 7" },
  ]);

  let prefix = "";

  beforeAll(() => {
    prefix = installKernelSpec();
    jupyterPath = jupyterPathOf(prefix);
    // The passing notebook comes after the crash: the run must go on to it.
    run = runNbrun([erroring, timingOut, crashing, passing, "--out", outDir, "--timeout", "120"], jupyterPath);
    report = readReport(outDir);
  }, 240_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it("exits 1 and passes only the passing notebook", () => {
    expect(run.status, run.stderr).toBe(1);
    expect(report.notebooks.map((notebook) => notebook.passed)).toEqual([false, false, false, true]);
    expect(run.stdout).toContain(`PASS ${passing}`);
    expect(run.stdout).toContain("1 of 4 notebooks passed");
  });

  it("an error in cell 2 of 3 names cell 2 with its lesson source and message, and cell 3 as unexecuted", () => {
    expect(run.stdout).toContain(`FAIL ${erroring}`);
    expect(run.stdout).toContain("cell 2 of 3 (index 1) [lessons/demo.md:14]: error: Error: boom in cell 2");
    expect(run.stdout).toContain("cell 3 of 3 (index 2) [lessons/demo.md:18]: unexecuted");
    expect(report.notebooks[0].failures.map((f) => [f.number, f.status])).toEqual([
      [2, "error"],
      [3, "unexecuted"],
    ]);
  });

  it("a cell over its convlab.timeout fails as a timeout well before the 120 s default", () => {
    expect(run.stdout).toContain("cell 2 of 2 (index 1): timeout: cell timed out after 2 s");
    expect(run.seconds).toBeLessThan(100);
  });

  it("process.exit in a cell is reported as a kernel crash, the next cell as unexecuted", () => {
    expect(report.notebooks[2].failures.map((f) => [f.number, f.status])).toEqual([
      [2, "crashed"],
      [3, "unexecuted"],
    ]);
    expect(run.stdout).toContain("cell 2 of 3 (index 1): crashed: the kernel died");
  });

  it("keeps the executed passing notebook with fresh outputs, counts and per-cell timing", () => {
    const executed = JSON.parse(readFileSync(join(outDir, "passing.ipynb"), "utf8"));
    const cells = executed.cells;
    expect(cells.map((cell: { execution_count: number }) => cell.execution_count)).toEqual([1, 2, 3]);
    expect(cells[0].outputs).toEqual([]);
    // nbformat stores multi-line text as a list of lines.
    // Lines may arrive in one or several stream messages.
    const outputs = cells[1].outputs as { output_type: string; name: string; text: string[] }[];
    expect(outputs.every((output) => output.output_type === "stream" && output.name === "stdout")).toBe(true);
    expect(outputs.map((output) => output.text.join("")).join("")).toBe("x is 6\nx is 7\nx is 8\n");
    expect(cells[2].outputs[0].output_type).toBe("execute_result");
    expect(cells[2].outputs[0].data).toEqual({ "text/plain": ["42"] });
    for (const cell of cells) {
      expect(cell.metadata.convlab.run.status).toBe("ok");
      expect(cell.metadata.convlab.run.seconds).toBeGreaterThanOrEqual(0);
      expect(cell.metadata.execution["shell.execute_reply"]).toBeTypeOf("string");
    }
    expect(executed.metadata.language_info.name).toBe("typescript");
  });

  it("a kernel that dies at startup fails each notebook as a crash and the run goes on", () => {
    const brokenSpecDir = join(jupyterPath, "kernels", "convlab-broken");
    mkdirSync(brokenSpecDir, { recursive: true });
    const brokenSpec = { argv: [process.execPath, "-e", "process.exit(7)", "{connection_file}"], display_name: "broken", language: "typescript" };
    writeFileSync(join(brokenSpecDir, "kernel.json"), JSON.stringify(brokenSpec));
    const broken = runNbrun([passing, erroring, "--kernel", "convlab-broken", "--out", join(dir, "out-broken")], jupyterPath);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`FAIL ${passing}`);
    expect(broken.stdout).toContain(`FAIL ${erroring}`);
    expect(broken.stdout).toMatch(/notebook: crashed: RuntimeError: Kernel died before replying to kernel_info/);
    expect(broken.stdout).toContain("0 of 2 notebooks passed");
  });

  it("raises cells: the expected error passes and the run goes on; no error, another name or message fails naming the cell", () => {
    const raises = (line: number, name: string, pattern: string, flags = "") => ({
      convlab: { source: `lessons/demo.md:${line}`, raises: { name, pattern, flags } },
      tags: ["raises-exception"],
    });
    const raising = writeNotebook(dir, "raising.ipynb", [
      { source: 'console.log("before");', metadata: source(3) },
      { source: 'throw new RangeError("bad size 3");', metadata: raises(7, "RangeError", "BAD SIZE \\d", "i") },
      { source: "const fine = 1 + 1;", metadata: raises(11, "RangeError", "bad size") },
      { source: 'throw new TypeError("bad size 3");', metadata: raises(15, "RangeError", "bad size") },
      { source: 'throw new RangeError("got 4 channels");', metadata: raises(19, "RangeError", "expected 3 channels") },
      { source: 'console.log("after");', metadata: source(23) },
    ]);
    // A passing notebook with a raises cell, and a `ci` value the runner applies only with --quick.
    const ci = { convlab: { source: "lessons/demo.md:30", ci: { epochs: 2 } } };
    const quickSource = "const epochs = 10; // the full course\nconsole.log(`epochs=${epochs}`);";
    const quick = writeNotebook(dir, "quick.ipynb", [
      { source: quickSource, metadata: ci },
      { source: 'throw new RangeError("bad size 3");', metadata: raises(34, "RangeError", "bad size") },
      { source: "epochs * 2" },
    ]);
    const out = join(dir, "out-raises");
    const result = runNbrun([raising, quick, "--quick", "--out", out], jupyterPath);
    const raisesReport = readReport(out);
    expect(result.status, result.stderr).toBe(1);
    expect(raisesReport.notebooks.map((notebook: { passed: boolean }) => notebook.passed)).toEqual([false, true]);
    const [raisingReport, quickReport] = raisesReport.notebooks;
    expect(raisingReport.cells.map((cell: { status: string }) => cell.status)).toEqual(["ok", "ok", "error", "error", "error", "ok"]);
    expect(raisingReport.cells[1].raised).toBe("RangeError: bad size 3");
    expect(result.stdout).toContain("cell 3 of 6 (index 2) [lessons/demo.md:11]: error: expected RangeError with a message matching /bad size/, but the cell ran without an error");
    expect(result.stdout).toContain("cell 4 of 6 (index 3) [lessons/demo.md:15]: error: expected RangeError with a message matching /bad size/, but the cell failed with TypeError: bad size 3");
    expect(result.stdout).toContain("cell 5 of 6 (index 4) [lessons/demo.md:19]: error: expected RangeError with a message matching /expected 3 channels/, but the message does not match: RangeError: got 4 channels");
    // The learner's view: the error as Jupyter shows any error, and the cells after it ran.
    const executed = JSON.parse(readFileSync(join(out, "raising.ipynb"), "utf8")).cells;
    expect(executed[1].outputs[0]).toMatchObject({ output_type: "error", ename: "RangeError", evalue: "bad size 3" });
    expect(executed[1].outputs[0].traceback[0]).toBe("RangeError: bad size 3");
    expect(executed[5].outputs[0].text).toEqual(["after\n"]);
    // --quick ran the reduced value; the saved notebook keeps the lesson's code.
    expect(quickReport.cells.map((cell: { status: string }) => cell.status)).toEqual(["ok", "ok", "ok"]);
    const quickCells = JSON.parse(readFileSync(join(out, "quick.ipynb"), "utf8")).cells;
    expect(quickCells[0].outputs[0].text).toEqual(["epochs=2\n"]);
    expect(quickCells[0].source.join("")).toBe(quickSource);
    expect(quickCells[2].outputs[0].data).toEqual({ "text/plain": ["4"] });
  }, 240_000);

  // issue 18 item 8: a report left by an earlier run was printed as this run's result.
  it("a run whose script is killed prints no report left by an earlier run, and says why", async () => {
    const staleOut = join(dir, "out-stale");
    mkdirSync(staleOut, { recursive: true });
    const staleReport = { notebooks: [{ notebook: passing, passed: true, seconds: 1, cells: [], failures: [] }] };
    writeFileSync(join(staleOut, "report.json"), JSON.stringify(staleReport));
    const slow = writeNotebook(dir, "slow.ipynb", [{ source: "await new Promise((resolve) => setTimeout(resolve, 60000));" }]);
    const child = spawn(process.execPath, [NBRUN, slow, "--out", staleOut], { env: { ...process.env, JUPYTER_PATH: jupyterPath } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    const executing = new Promise<void>((resolve) =>
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        if (stderr.includes("nbrun: executing")) resolve();
      }),
    );
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await executing;
    const python = spawnSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).stdout.trim().split("\n")[0];
    expect(python).toMatch(/^\d+$/);
    process.kill(Number(python), "SIGTERM");
    expect(await closed).toBe(1);
    expect(stdout).not.toContain("PASS");
    expect(stderr).toContain("nbrun: execute_notebooks.py was killed by SIGTERM and wrote no report");
    expect(existsSync(join(staleOut, "report.json"))).toBe(false);
  }, 120_000);

  it("a missing kernel spec stops with advice instead of a traceback", () => {
    const missing = runNbrun([passing, "--kernel", "no-such-kernel", "--out", join(dir, "out-missing")], jupyterPath);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("no Jupyter kernel named 'no-such-kernel'; run `npm run kernel:install`");
    expect(existsSync(join(dir, "out-missing", "report.json"))).toBe(false);
  });
});
