// Tier 2 of the lesson tests: every committed notebook, executed over the Jupyter protocol by nbclient (the project's
// .venv) in the real "TypeScript (convlab)" kernel (npm run notebooks:exec -- --quick: the runner applies the lessons'
// CI settings, the notebooks hold the lessons' code). Raises cells must show their expected error and the run goes on.
// A failing cell fails the test with notebook, cell, lesson line and message; executed copies are kept in
// artifacts/notebooks/ with per-cell timings. The Chinese edition's notebooks (notebooks/zh/, each the twin of an
// English one) run the same way, in a second nbrun (executed copies in artifacts/notebooks/zh/), from notebooks/zh/
// as their working folder; JupyterLab, nbmake and the determinism tier stay English-only (CI time).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv } from "./helpers/jupyter.js";
import { installKernelSpec, jupyterPathOf, REPO_ROOT } from "./jupyter-kernel/kernel-client.js";

// The venv with nbclient (installed now if needed; fails loudly, never skips, when it cannot be made).
jupyterEnv();

const ARTIFACTS = join(REPO_ROOT, "artifacts", "notebooks");
const notebooks = readdirSync(join(REPO_ROOT, "notebooks")).filter((name) => name.endsWith(".ipynb")).sort();
const ZH_FOLDER = join(REPO_ROOT, "notebooks", "zh");
const zhNotebooks = existsSync(ZH_FOLDER) ? readdirSync(ZH_FOLDER).filter((name) => name.endsWith(".ipynb")).sort() : [];

interface NotebookReport {
  notebook: string;
  passed: boolean;
  seconds: number;
  cells: { status: string; source: string | null; raised?: string }[];
  failures: { number: number | null; source: string | null; status: string; message?: string }[];
}

describe("every notebook in the real kernel (nbclient)", () => {
  let prefix = "";
  let output = "";
  let reports = new Map<string, NotebookReport>();

  beforeAll(() => {
    // The notebooks as committed; --quick applies each `//| ci: {...}` override (LeNet trains on the subset briefly).
    prefix = installKernelSpec();
    ({ reports, output } = runNbrun(notebooks.map((name) => join(REPO_ROOT, "notebooks", name)), ARTIFACTS, prefix));
  }, 1_600_000);

  afterAll(() => {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it("finds the notebooks generated from lessons/", () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(9);
  });

  for (const name of notebooks) {
    it(`${name} executes with no error, abort or unexecuted cell`, () => {
      const report = reports.get(name);
      expect(report, `no report for ${name}:\n${output}`).toBeDefined();
      const failures = report!.failures.map((f) => `cell ${f.number} [${f.source}]: ${f.status}: ${f.message ?? ""}`);
      expect(failures).toEqual([]);
      expect(report!.passed).toBe(true);
      expect(report!.cells.length).toBeGreaterThan(0);
      expect(report!.cells.every((cell) => cell.status === "ok")).toBe(true);
    });
  }

  it("each raises cell of lessons 2, 3, 6 and 7 shows its expected error and the notebook runs on past it", () => {
    const raised = [...reports.values()].flatMap((report) => report.cells.filter((cell) => cell.raised !== undefined));
    expect(raised.map((cell) => cell.source?.replace(/:\d+$/, ""))).toEqual([
      "lessons/02-cross-correlation.md",
      ...Array(4).fill("lessons/03-conv-layer-that-learns.md"),
      ...Array(2).fill("lessons/06-padding-and-stride.md"),
      "lessons/07-multiple-channels.md",
    ]);
    const groups = reports.get("03-conv-layer-that-learns.ipynb")!.cells.find((cell) => cell.raised?.startsWith("ValueError: Conv2d: in_channels"));
    expect(groups?.raised).toBe("ValueError: Conv2d: in_channels must be divisible by groups");
  });
});

/** Runs nbrun --quick on `paths` with artifacts in `out`; returns the reports by file name, and nbrun's output. */
function runNbrun(paths: string[], out: string, prefix: string): { reports: Map<string, NotebookReport>; output: string } {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, "dist/tools/nbrun/main.js"), "--quick", "--out", out, ...paths], {
    env: { ...process.env, JUPYTER_PATH: jupyterPathOf(prefix) }, encoding: "utf8", timeout: 1_500_000,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  const reportPath = join(out, "report.json");
  if (!existsSync(reportPath)) throw new Error(`notebooks:exec wrote no report:\n${output}`);
  const report = JSON.parse(readFileSync(reportPath, "utf8")) as { notebooks: NotebookReport[] };
  return { reports: new Map(report.notebooks.map((n) => [n.notebook.split("/").pop()!, n])), output };
}

// Lessons not translated yet have no notebook here and are not run (test/lessons/twins.test.ts lists them).
describe.runIf(zhNotebooks.length > 0)("every Chinese notebook (notebooks/zh/) in the real kernel (nbclient)", () => {
  let prefix = "";
  let output = "";
  let reports = new Map<string, NotebookReport>();

  beforeAll(() => {
    prefix = installKernelSpec();
    ({ reports, output } = runNbrun(zhNotebooks.map((name) => join(ZH_FOLDER, name)), join(ARTIFACTS, "zh"), prefix));
  }, 1_600_000);

  afterAll(() => {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  for (const name of zhNotebooks) {
    it(`zh/${name} executes with no error, abort or unexecuted cell`, () => {
      const report = reports.get(name);
      expect(report, `no report for zh/${name}:\n${output}`).toBeDefined();
      const failures = report!.failures.map((f) => `cell ${f.number} [${f.source}]: ${f.status}: ${f.message ?? ""}`);
      expect(failures).toEqual([]);
      expect(report!.passed).toBe(true);
      expect(report!.cells.length).toBeGreaterThan(0);
      expect(report!.cells.every((cell) => cell.status === "ok")).toBe(true);
      // Its cells name the Chinese lesson (so a failure points a translator at lessons/zh/...).
      expect(report!.cells.every((cell) => cell.source === null || cell.source.startsWith("lessons/zh/"))).toBe(true);
    });
  }
});
