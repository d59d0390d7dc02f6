// Determinism: two real generated notebooks with their CI settings (lesson 03 learns a kernel from a seeded
// start, lesson 09 trains LeNet with seeded init and shuffling), each executed twice by `npm run
// notebooks:exec` in the real kernel into two artifact folders, give the same outputs cell by cell once the
// things that legitimately vary are normalised (test/reliability/normalise-outputs.ts).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv } from "../helpers/jupyter.js";
import { installKernelSpec, jupyterPathOf, REPO_ROOT } from "../jupyter-kernel/kernel-client.js";
import { firstDifference, normaliseOutputs } from "./normalise-outputs.js";

const LESSONS = ["03-conv-layer-that-learns", "09-lenet"];
const RUNS = [1, 2].map((run) => join(REPO_ROOT, "artifacts", "reliability", `determinism-run-${run}`));
// Measured on this loaded machine: lesson 03 takes 14 s. Lesson 09 trains seven short runs since its one-change-
// at-a-time comparison (issue 12): about 65 s of CPU, 268 s of wall time in the real kernel at load average 18
// (2026-12-03). Both runs go side by side.
const RUN_LIMIT_MS = 480_000;

// The venv with nbclient (installed now if needed; fails loudly, never skips, when it cannot be made).
jupyterEnv();

type Cells = { cell_type: string; outputs?: never[] }[];

function nbrun(outDir: string, jupyterPath: string): Promise<{ status: number | null; output: string }> {
  const notebooks = LESSONS.map((lesson) => join(REPO_ROOT, "notebooks", `${lesson}.ipynb`));
  // --quick: the runner applies the lessons' CI settings (the notebooks hold the lessons' full values).
  const child = spawn(process.execPath, [join(REPO_ROOT, "dist/tools/nbrun/main.js"), ...notebooks, "--quick", "--out", outDir], {
    env: { ...process.env, JUPYTER_PATH: jupyterPath },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const limit = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
  return new Promise((resolve) => child.on("close", (status) => { clearTimeout(limit); resolve({ status, output }); }));
}

const codeOutputs = (dir: string, lesson: string) =>
  (JSON.parse(readFileSync(join(dir, `${lesson}.ipynb`), "utf8")).cells as Cells)
    .filter((cell) => cell.cell_type === "code").map((cell) => cell.outputs ?? []);

describe("seeded notebooks executed twice in the real kernel", () => {
  let prefix = "";
  let runs: { status: number | null; output: string }[];

  beforeAll(async () => {
    prefix = installKernelSpec();
    for (const dir of RUNS) rmSync(dir, { recursive: true, force: true });
    for (const dir of RUNS) mkdirSync(dir, { recursive: true });
    runs = await Promise.all(RUNS.map((dir) => nbrun(dir, jupyterPathOf(prefix))));
  }, RUN_LIMIT_MS + 20_000);

  afterAll(() => {
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });

  it("both runs pass", () => {
    for (const run of runs) expect(run.status, run.output).toBe(0);
  });

  it.each(LESSONS)("%s: the same outputs cell by cell, apart from timings and random DOM ids", (lesson) => {
    const [first, second] = RUNS.map((dir) => codeOutputs(dir, lesson));
    expect(firstDifference(first, second)).toBeNull();
  });

  it("the compared outputs hold the seeded results (the comparison is not vacuous)", () => {
    const text = (lesson: string) => codeOutputs(RUNS[0], lesson).flatMap(normaliseOutputs).join("\n");
    expect(text("03-conv-layer-that-learns")).toMatch(/learned kernel tensor\(\[\[ *-?\d\.\d{4}, *-?\d\.\d{4}\]\]\)/);
    expect(text("09-lenet")).toMatch(/loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}/);
    expect(text("09-lenet")).toContain("<n> examples/sec");
  });
});
