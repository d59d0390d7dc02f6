// The ecosystem's own notebook tester on our notebooks: `pytest --nbmake` (nbmake, pinned in requirements.txt,
// from the project's .venv) runs the committed notebooks/ — for a lesson with `//| ci` values, its quick copy, as
// README's CI recipe does — in the "convlab" kernel the notebooks name, and passes; a broken notebook in the same
// run fails, naming the error. The same command a course runs in its CI.
//
// Three lessons, not nine: every notebook already runs in the real kernel through nbclient
// (test/notebooks-kernel.test.ts) and in JupyterLab; what this file adds is nbmake itself on our notebooks — a
// committed notebook as it is (02, 04) and a quick copy with `//| ci` values substituted (01) — and nbmake's
// report of a failing one. Running all nine here cost two minutes of CI for nothing the other runs miss.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jupyterEnv, REPO_ROOT } from "./helpers/jupyter.js";

const WORK = join(REPO_ROOT, "out", "nbmake");
const QUICK = join(WORK, "notebooks");
const BROKEN = join(WORK, "broken", "02-broken.ipynb");
const JUNIT = join(WORK, "junit.xml");

interface Case {
  name: string;
  failure: string | null;
}

/** pytest's JUnit report: one testcase per notebook, with its failure message if it failed. */
function testCases(xml: string): Case[] {
  return [...xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((match) => ({
    name: match[1],
    failure: /<(failure|error)\b/.test(match[2] ?? "") ? match[2] : null,
  }));
}

describe("pytest --nbmake on the notebooks, in the convlab kernel", () => {
  let run: SpawnSyncReturns<string>;
  let cases: Case[] = [];
  const lessons = readdirSync(join(REPO_ROOT, "notebooks")).filter((name) => /^0[124]-.*\.ipynb$/.test(name)).sort();

  beforeAll(() => {
    const { python, env } = jupyterEnv();
    rmSync(WORK, { recursive: true, force: true });
    const quick = spawnSync(process.execPath, [join(REPO_ROOT, "dist/tools/cli/main.js"), "notebooks", "--quick", QUICK], { cwd: REPO_ROOT, encoding: "utf8" });
    if (quick.status !== 0) throw new Error(`convlab notebooks --quick failed:\n${quick.stdout}\n${quick.stderr}`);
    // Lesson 02's notebook with a wrong expected value in its last check.
    const notebook = JSON.parse(readFileSync(join(QUICK, "02-cross-correlation.ipynb"), "utf8")) as { cells: { cell_type: string; source: string[] }[] };
    const code = notebook.cells.filter((cell) => cell.cell_type === "code");
    code[code.length - 1].source = ['import { check } from "convlab";\n', "check(19 + 25).equals(45);"];
    mkdirSync(join(WORK, "broken"), { recursive: true });
    writeFileSync(BROKEN, JSON.stringify(notebook, null, 1));
    // notebooks/ itself, as committed, except a notebook whose lesson has `//| ci` values (LeNet's 10 epochs on the
    // full data): its quick copy runs instead.
    const targets = lessons.map((name) => {
      const committed = join(REPO_ROOT, "notebooks", name);
      return readFileSync(committed, "utf8") === readFileSync(join(QUICK, name), "utf8") ? committed : join(QUICK, name);
    });
    // 02 and 04 run as committed; 01 (its `//| ci` data setting) runs as its quick copy.
    expect(lessons).toHaveLength(3);
    expect(targets.filter((path) => path.startsWith(QUICK)).map((path) => path.slice(QUICK.length + 1))).toEqual(["01-from-dense-to-convolutions.ipynb"]);
    run = spawnSync(python, ["-m", "pytest", "--nbmake", "--nbmake-timeout=900", "-p", "no:cacheprovider", `--junitxml=${JUNIT}`, ...targets, BROKEN], {
      cwd: REPO_ROOT, env, encoding: "utf8", timeout: 1_800_000,
    });
    if (!existsSync(JUNIT)) throw new Error(`pytest wrote no report (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
    cases = testCases(readFileSync(JUNIT, "utf8"));
  }, 1_900_000);

  it("collects every lesson's notebook and the broken one", () => {
    expect(cases.map((testCase) => testCase.name).sort()).toEqual([...lessons, "02-broken.ipynb"].sort());
  });

  for (const name of lessons) {
    it(`${name} passes`, () => {
      const testCase = cases.find((candidate) => candidate.name === name);
      expect(testCase?.failure ?? null, `${name}:\n${testCase?.failure}`).toBeNull();
    });
  }

  it("fails the broken notebook, naming the failed check, and pytest exits non-zero", () => {
    const broken = cases.find((candidate) => candidate.name === "02-broken.ipynb");
    expect(broken?.failure).toContain("CheckError");
    expect(broken?.failure).toContain("expected 45, got 44");
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`1 failed, ${lessons.length} passed`));
  });
});
