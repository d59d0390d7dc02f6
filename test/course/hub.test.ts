// The class server for real, in short (the load test `npm run hub:load` is the long form): JupyterHub from the
// pinned venv with course/jupyterhub_config.py, the npm configurable-http-proxy, three learners logged in through
// the hub's REST API at once, each running lessons through its own server's kernel websocket. Then: a learner's
// edited notebook survives a second login while a deleted one is seeded again, the Fashion-MNIST folder reaches
// the kernels as $CONVLAB_DATA and cannot be written, the idle culler runs as a hub service, and stopping the hub
// leaves no process and no port behind.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ClassRun, defaultSeed, lessonNotebooks, summarize, type LearnerRun } from "../../tools/hub/class-run.js";
import type { LearnerClient } from "../../tools/hub/learner.js";
import { jupyterEnv, REPO_ROOT } from "../helpers/jupyter.js";

const DATA = "/usr/share/datasets/fashion-mnist"; // Debian's dataset-fashion-mnist (.ci/run installs it)
const SEED = defaultSeed(REPO_ROOT);
// Three learners at once, each on a different lesson: the three cheapest (about 6 CPU-seconds each in the load
// test) so the test stays short in CI. Lesson 9's training is left to `npm run hub:load`; the data test below
// loads Fashion-MNIST from the shared folder in a learner's kernel.
const LESSONS: Record<string, number[]> = { learner1: [2], learner2: [4], learner3: [5] };

let run: ClassRun;
let runs: LearnerRun[];
let hubPid: number;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Processes whose working directory is inside `folder` (the learners' servers and kernels run in their homes). */
function processesIn(folder: string): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(folder);
    } catch {
      return false;
    }
  }).map(Number);
}

async function probe(client: LearnerClient, name: string, code: string): Promise<string> {
  const notebook = { cells: [{ cell_type: "code", source: code, metadata: {}, outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 };
  await client.api("PUT", `/contents/convlab/${name}`, { type: "notebook", format: "json", content: notebook });
  const result = await client.runNotebook(`convlab/${name}`, { quick: false });
  expect(result.error ?? result.cells.find((cell) => cell.status === "error")?.message).toBeUndefined();
  return result.cells.map((cell) => cell.stdout).join("");
}

describe("the class server (JupyterHub, 3 learners)", () => {
  beforeAll(async () => {
    jupyterEnv(); // the venv and the kernel registered in it, or a loud failure naming why
    expect(existsSync(join(DATA, "train-images-idx3-ubyte.gz")), `${DATA} (apt-get install dataset-fashion-mnist)`).toBe(true);
    run = await ClassRun.start({ root: REPO_ROOT, seed: SEED, data: DATA });
    hubPid = run.hub.process!.pid!;
    runs = await Promise.all(Object.entries(LESSONS).map(([name, lessons]) => run.learner(name, lessonNotebooks(SEED, lessons), true)));
  }, 900_000);

  afterAll(async () => {
    await run?.stop();
    if (run) rmSync(run.hub.workDir, { recursive: true, force: true });
  }, 120_000);

  test("three learners at once: every cell of their lessons ran without error, none went missing", () => {
    const report = summarize(runs, runs.flatMap((learner) => learner.notebooks), true, run.sampler,
      { cores: 0, memoryBytes: 0, loadAverageBefore: [], loadAverageAfter: [] }, 0);
    expect(report.failures).toEqual([]);
    for (const learner of runs) {
      expect(learner.lessons).toHaveLength(1);
      const [lesson] = learner.lessons;
      expect(lesson.codeCells).toBeGreaterThan(5);
      expect(lesson.cells.map((cell) => cell.status)).toEqual(Array(lesson.codeCells).fill("ok"));
      expect(learner.firstOutputSeconds).not.toBeNull();
      expect(learner.peakRssBytes).toBeGreaterThan(50 * 2 ** 20); // a server and a kernel were measured
    }
    expect(runs.map((learner) => learner.lessons[0].lesson.slice(0, 2))).toEqual(["02", "04", "05"]);
    expect(report.cellsRun).toBe(report.cellsExpected);
  });

  test("the data folder is shared read-only: $CONVLAB_DATA in the kernel, loaded from there, writes refused", async () => {
    const { client } = await run.login("learner4");
    const output = await probe(client, "data-probe.ipynb", [
      'import * as fs from "node:fs";',
      'import { loadFashionMnistSync } from "convlab";',
      "const dir = process.env.CONVLAB_DATA ?? \"\";",
      'let write = "written";',
      'try { fs.writeFileSync(dir + "/probe.txt", "x"); } catch (e) { write = (e as NodeJS.ErrnoException).code ?? String(e); }',
      'const ds = loadFashionMnistSync({ split: "test", limit: 10 });',
      "console.log(JSON.stringify({ dir, write, kind: ds.source.kind, path: ds.source.path, n: ds.labels.shape[0] }));",
    ].join("\n"));
    const seen = JSON.parse(output.trim().split("\n").pop()!) as Record<string, unknown>;
    expect(seen.dir).toBe(DATA);
    expect(["EROFS", "EACCES"]).toContain(seen.write); // EROFS as root (read-only bind mount), EACCES otherwise
    expect(seen).toMatchObject({ kind: "env", path: DATA, n: 10 });
    expect(existsSync(join(DATA, "probe.txt"))).toBe(false);
    // No learner downloaded a copy into their own cache.
    for (const name of Object.keys(LESSONS)) expect(existsSync(join(run.hub.homes, name, ".cache", "convlab"))).toBe(false);
  }, 300_000); // a server and a kernel start: ~35 s on a busy 2-core machine

  test("a second login seeds what is missing and keeps what the learner changed", async () => {
    const name = "learner1";
    const client = new (await import("../../tools/hub/learner.js")).LearnerClient(run.hub.url, name, await run.hub.learnerToken(name));
    const [edited, deleted] = lessonNotebooks(SEED, [2, 3]).map((file) => `convlab/${file}`);
    const model = await client.api<{ content: { cells: unknown[] } }>("GET", `/contents/${edited}?type=notebook&content=1`);
    const mine = { cell_type: "markdown", source: "My notes: the kernel slides, the input stays.", metadata: {} };
    await client.api("PUT", `/contents/${edited}`, { type: "notebook", format: "json", content: { ...model.content, cells: [mine, ...model.content.cells] } });
    await client.api("DELETE", `/contents/${deleted}`);
    const home = join(run.hub.homes, name);
    expect(existsSync(join(home, deleted))).toBe(false);

    await run.hub.stopServer(name);
    await run.hub.startServer(name); // the second login: the pre-spawn hook seeds again

    expect(readFileSync(join(home, edited), "utf8")).toContain("My notes: the kernel slides");
    expect(readFileSync(join(home, deleted), "utf8")).toBe(readFileSync(join(SEED, deleted.slice("convlab/".length)), "utf8"));
  }, 300_000); // a server stops and starts again

  test("the idle culler runs as a hub-managed service with the configured timeout", async () => {
    const services = await run.hub.api<Record<string, { command: string[]; pid: number }>>("GET", "/services");
    const culler = services["idle-culler"];
    expect(culler.command.join(" ")).toMatch(/-m jupyterhub_idle_culler --timeout=3600/);
    expect(readFileSync(`/proc/${culler.pid}/cmdline`, "utf8").split("\0")).toContain("jupyterhub_idle_culler");
  });

  test("stopping the hub stops everything it started: no process, no port left", async () => {
    const serverPids = runs.map((learner) => learner.serverPid);
    const ports = run.hub.ports;
    const workDir = run.hub.workDir;
    expect(processesIn(workDir).length).toBeGreaterThan(0);
    await run.stop();
    for (const pid of [hubPid, ...serverPids]) expect(existsSync(`/proc/${pid}`), `process ${pid}`).toBe(false);
    expect(processesIn(workDir)).toEqual([]);
    for (const port of ports) expect(await portIsFree(port), `port ${port}`).toBe(true);
  }, 120_000);
});
