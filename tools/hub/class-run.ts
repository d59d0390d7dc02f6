// A class at work: N learners log in to a real hub at once (REST API: create the user, start the server, issue
// the learner's token) and each runs the chosen lessons through the kernel protocol, while /proc is sampled for
// the hub's, the proxy's and each learner's memory and CPU. Used by `npm run hub:load` and test/course/hub.test.ts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Hub, type HubOptions } from "./hub-run.js";
import { LearnerClient, type NotebookResult } from "./learner.js";
import { PeakSampler, snapshot, treeUsage } from "./proc-tree.js";

export interface LessonRun extends NotebookResult {
  lesson: string;
  cpuSeconds: number;
  /** RSS of the learner's server and this lesson's kernel after its last cell (memory grows during a lesson). */
  endRssBytes: number;
}

export interface LearnerRun {
  name: string;
  /** The notebooks this learner was given to run. */
  notebooks: string[];
  serverPid: number;
  /** From the start request to the hub reporting the server ready. */
  spawnSeconds: number;
  lessons: LessonRun[];
  /** From the first lesson's start to the first output of any cell. */
  firstOutputSeconds: number | null;
  /** From the first lesson's start to the end of the last. */
  seconds: number;
  peakRssBytes: number;
  error?: string;
}

/** The student edition `npm run course` writes when it is there, else the repository's notebooks/. */
export function defaultSeed(root: string): string {
  const student = join(root, "out", "course", "student", "notebooks");
  return existsSync(student) ? student : join(root, "notebooks");
}

/** The seed folder's lesson notebooks whose two-digit number is in `lessons` (02-….ipynb → 2), in order. */
export function lessonNotebooks(seed: string, lessons: number[]): string[] {
  const names = readdirSync(seed).filter((name) => /^\d\d-.*\.ipynb$/.test(name)).sort();
  const chosen = names.filter((name) => lessons.includes(Number(name.slice(0, 2))));
  const missing = lessons.filter((lesson) => !chosen.some((name) => Number(name.slice(0, 2)) === lesson));
  if (missing.length > 0) throw new Error(`no notebook for lesson(s) ${missing.join(", ")} in ${seed}`);
  return chosen;
}

/** The hub's proxy: its child running configurable-http-proxy. */
function proxyPid(hubPid: number): number | null {
  for (const sample of snapshot().values()) {
    if (sample.ppid !== hubPid) continue;
    try {
      if (readFileSync(`/proc/${sample.pid}/cmdline`, "utf8").includes("configurable-http-proxy")) return sample.pid;
    } catch {
      // gone
    }
  }
  return null;
}

export class ClassRun {
  readonly sampler = new PeakSampler();
  private constructor(readonly hub: Hub) {}

  static async start(options: HubOptions): Promise<ClassRun> {
    const hub = await Hub.start(options);
    const run = new ClassRun(hub);
    run.sampler.track("hub", hub.process!.pid!, { tree: false });
    const proxy = proxyPid(hub.process!.pid!);
    if (proxy) run.sampler.track("proxy", proxy, { tree: false });
    run.sampler.start();
    return run;
  }

  /** Logs a learner in (user, server, token) and returns a client for their server. */
  async login(name: string): Promise<{ client: LearnerClient; serverPid: number; spawnSeconds: number }> {
    await this.hub.createLearner(name);
    const started = Date.now();
    const serverPid = await this.hub.startServer(name);
    const spawnSeconds = (Date.now() - started) / 1000;
    this.sampler.track(name, serverPid, { tree: true });
    const client = new LearnerClient(this.hub.url, name, await this.hub.learnerToken(name));
    return { client, serverPid, spawnSeconds };
  }

  /** One learner logs in and runs the notebooks (paths in their home) one after another. */
  async learner(name: string, notebooks: string[], quick: boolean): Promise<LearnerRun> {
    const run: LearnerRun = { name, notebooks, serverPid: 0, spawnSeconds: 0, lessons: [], firstOutputSeconds: null, seconds: 0, peakRssBytes: 0 };
    try {
      const { client, serverPid, spawnSeconds } = await this.login(name);
      Object.assign(run, { serverPid, spawnSeconds });
      const started = Date.now();
      for (const notebook of notebooks) {
        const lessonStart = Date.now();
        const cpuBefore = treeUsage(serverPid).cpuSeconds;
        let after = { cpuSeconds: cpuBefore, rssBytes: 0 };
        const result = await client.runNotebook(`convlab/${notebook}`, {
          quick,
          beforeShutdown: () => {
            after = treeUsage(serverPid); // the kernel is still alive and counted here
            this.sampler.sample();
          },
        });
        if (run.firstOutputSeconds === null && result.firstOutputSeconds !== null) {
          run.firstOutputSeconds = (lessonStart - started) / 1000 + result.firstOutputSeconds;
        }
        run.lessons.push({ ...result, lesson: notebook, cpuSeconds: Math.max(0, after.cpuSeconds - cpuBefore), endRssBytes: after.rssBytes });
      }
      run.seconds = (Date.now() - started) / 1000;
    } catch (error) {
      run.error = error instanceof Error ? error.message : String(error);
    }
    run.peakRssBytes = this.sampler.peaks.get(name) ?? 0;
    return run;
  }

  async stop(): Promise<void> {
    this.sampler.stop();
    await this.hub.stop();
  }
}

// ---- Reporting

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface LoadReport {
  learners: number;
  lessons: string[];
  quick: boolean;
  machine: { cores: number; memoryBytes: number; loadAverageBefore: number[]; loadAverageAfter: number[] };
  passed: boolean;
  cellsRun: number;
  cellsExpected: number;
  failures: string[];
  spawnSeconds: { median: number | null; p95: number | null };
  firstOutputSeconds: { median: number | null; p95: number | null };
  finishSeconds: { median: number | null; p95: number | null };
  hubPeakRssBytes: number;
  proxyPeakRssBytes: number;
  learnerPeakRssBytes: { median: number | null; max: number | null };
  perLesson: { lesson: string; endRssMedianBytes: number | null; cpuSecondsMedian: number | null; cpuSecondsMax: number | null; secondsMedian: number | null; secondsP95: number | null; firstOutputMedian: number | null }[];
  wallSeconds: number;
  runs: LearnerRun[];
}

export function summarize(runs: LearnerRun[], notebooks: string[], quick: boolean, sampler: PeakSampler,
  machine: LoadReport["machine"], wallSeconds: number): LoadReport {
  const failures: string[] = [];
  let cellsRun = 0;
  let cellsExpected = 0;
  for (const run of runs) {
    if (run.error) failures.push(`${run.name}: ${run.error}`);
    if (!run.error && run.lessons.length !== run.notebooks.length) failures.push(`${run.name}: ran ${run.lessons.length} of ${run.notebooks.length} lessons`);
    for (const lesson of run.lessons) {
      cellsExpected += lesson.codeCells;
      cellsRun += lesson.cells.filter((cell) => cell.status === "ok").length;
      if (lesson.error) failures.push(`${run.name} ${lesson.lesson}: ${lesson.error}`);
      for (const cell of lesson.cells.filter((c) => c.status === "error")) {
        failures.push(`${run.name} ${lesson.lesson} cell ${cell.index}: ${cell.message}`);
      }
      if (!lesson.passed && !lesson.error && lesson.cells.every((c) => c.status === "ok")) {
        failures.push(`${run.name} ${lesson.lesson}: ${lesson.cells.length} of ${lesson.codeCells} cells ran`);
      }
    }
  }
  const finished = runs.filter((run) => !run.error);
  const peaks = runs.map((run) => run.peakRssBytes);
  const stat = (values: number[]) => ({ median: percentile(values, 50), p95: percentile(values, 95) });
  return {
    learners: runs.length,
    lessons: notebooks,
    quick,
    machine,
    passed: failures.length === 0 && cellsRun === cellsExpected && runs.length > 0,
    cellsRun,
    cellsExpected,
    failures,
    spawnSeconds: stat(runs.map((run) => run.spawnSeconds)),
    firstOutputSeconds: stat(finished.flatMap((run) => (run.firstOutputSeconds === null ? [] : [run.firstOutputSeconds]))),
    finishSeconds: stat(finished.map((run) => run.seconds)),
    hubPeakRssBytes: sampler.peaks.get("hub") ?? 0,
    proxyPeakRssBytes: sampler.peaks.get("proxy") ?? 0,
    learnerPeakRssBytes: { median: percentile(peaks, 50), max: percentile(peaks, 100) },
    perLesson: notebooks.map((lesson) => {
      const lessonRuns = runs.flatMap((run) => run.lessons.filter((l) => l.lesson === lesson));
      const cpu = lessonRuns.map((l) => l.cpuSeconds);
      const seconds = lessonRuns.map((l) => l.seconds);
      return {
        lesson,
        endRssMedianBytes: percentile(lessonRuns.map((l) => l.endRssBytes), 50),
        cpuSecondsMedian: percentile(cpu, 50),
        cpuSecondsMax: percentile(cpu, 100),
        secondsMedian: percentile(seconds, 50),
        secondsP95: percentile(seconds, 95),
        firstOutputMedian: percentile(lessonRuns.flatMap((l) => (l.firstOutputSeconds === null ? [] : [l.firstOutputSeconds])), 50),
      };
    }),
    wallSeconds,
    // What cells printed is not part of the figures (and would make the JSON large).
    runs: runs.map((run) => ({ ...run, lessons: run.lessons.map((l) => ({ ...l, cells: l.cells.map(({ stdout: _, ...cell }) => ({ ...cell, stdout: "" })) })) })),
  };
}

const mb = (bytes: number | null) => (bytes === null ? "-" : `${Math.round(bytes / 2 ** 20)} MB`);
const s = (seconds: number | null) => (seconds === null ? "-" : `${seconds.toFixed(1)} s`);

export function formatReport(report: LoadReport): string {
  const lines = [
    `${report.learners} learners, lessons ${report.lessons.map((l) => l.slice(0, 2)).join(" ")}${report.quick ? " (ci settings)" : ""}; `
      + `${report.machine.cores} cores, load average before ${report.machine.loadAverageBefore.map((v) => v.toFixed(2)).join(" ")}, after ${report.machine.loadAverageAfter.map((v) => v.toFixed(2)).join(" ")}`,
    `${report.passed ? "PASS" : "FAIL"}: ${report.cellsRun} of ${report.cellsExpected} cells ran without error; ${report.failures.length} failure(s); wall ${s(report.wallSeconds)}`,
    ...report.failures.slice(0, 20).map((failure) => `  ${failure.split("\n")[0]}`),
    "",
    "| measure | median | p95 |",
    "| --- | --- | --- |",
    `| server spawn (login to ready) | ${s(report.spawnSeconds.median)} | ${s(report.spawnSeconds.p95)} |`,
    `| time to first output | ${s(report.firstOutputSeconds.median)} | ${s(report.firstOutputSeconds.p95)} |`,
    `| time to finish all lessons | ${s(report.finishSeconds.median)} | ${s(report.finishSeconds.p95)} |`,
    "",
    `Peak RSS: hub ${mb(report.hubPeakRssBytes)}, proxy ${mb(report.proxyPeakRssBytes)}, learner server + kernel median ${mb(report.learnerPeakRssBytes.median)}, max ${mb(report.learnerPeakRssBytes.max)}`,
    "",
    "| lesson | CPU-s per learner (median / max) | wall per learner (median / p95) | first output (median) | server + kernel RSS at the end (median) |",
    "| --- | --- | --- | --- | --- |",
    ...report.perLesson.map((l) => `| ${l.lesson} | ${l.cpuSecondsMedian?.toFixed(1) ?? "-"} / ${l.cpuSecondsMax?.toFixed(1) ?? "-"} | ${s(l.secondsMedian)} / ${s(l.secondsP95)} | ${s(l.firstOutputMedian)} | ${mb(l.endRssMedianBytes)} |`),
  ];
  return lines.join("\n");
}
