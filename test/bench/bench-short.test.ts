// `npm run bench -- --short` end to end: compiles bench/, runs every framework this machine has for a few
// batches, and checks the JSON it writes. Speeds are never asserted (the machine decides them); what must hold
// is that each framework ran the workload and reported real, positive measurements.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FrameworkSummary, Target } from "../../bench/report.js";
import { torchUnavailableReason } from "../../bench/spawn.js";

const root = join(import.meta.dirname, "..", "..");
const outDir = mkdtempSync(join(tmpdir(), "convlab-bench-"));
const outFile = join(outDir, "bench.json");
const torchMissing = torchUnavailableReason();

interface BenchJson {
  mode: string;
  frameworks: FrameworkSummary[];
  ratios: Record<string, { train: number; eval: number }>;
  targets: Target[];
  dataSource: { kind: string; path: string };
}

let report: BenchJson;
let stdout = "";

beforeAll(() => {
  if (torchMissing) console.warn(`\n*** bench-short: PyTorch NOT checked — ${torchMissing} ***\n`);
  const compile = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "bench/tsconfig.json"], { cwd: root, encoding: "utf8" });
  expect(compile.stdout + compile.stderr, "bench/ compiles").toBe("");
  const run = spawnSync(process.execPath, ["dist/bench/lenet.js", "--short", "--out", outFile], { cwd: root, encoding: "utf8" });
  stdout = run.stdout;
  expect(run.status, `bench --short exits 0\n${run.stderr}`).toBe(0);
  report = JSON.parse(readFileSync(outFile, "utf8")) as BenchJson;
}, 240_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const byName = (name: string): FrameworkSummary => {
  const found = report.frameworks.find((f) => f.framework === name);
  if (!found) throw new Error(`bench.json has no entry for ${name}`);
  return found;
};

describe("npm run bench -- --short", () => {
  const expected = ["convlab", "tfjs-wasm", ...(torchMissing ? [] : ["torch"])];

  it.each(expected)("%s ran the workload and reports positive measurements", (name) => {
    const summary = byName(name);
    expect(summary.status).toBe("measured");
    expect(summary.rounds).toHaveLength(1);
    const [round] = summary.rounds;
    expect(round.trainExamples).toBe(3 * 256);
    expect(round.evalExamples).toBe(2 * 256);
    for (const value of [round.trainExamplesPerSec, round.evalExamplesPerSec, round.conv.conv1.gflops, round.conv.conv2.gflops,
      round.peakRssBytes, summary.trainExamplesPerSec!, summary.evalExamplesPerSec!]) {
      expect(Number.isFinite(value) && value > 0, `${name}: ${value}`).toBe(true);
    }
    // Cross-entropy of an untrained 10-class net is ≈ ln 10 ≈ 2.3; NaN or 0 would mean training did not run.
    expect(round.trainLoss).toBeGreaterThan(1);
    expect(round.trainLoss).toBeLessThan(5);
    expect(round.evalAccuracy).toBeGreaterThanOrEqual(0);
    expect(round.evalAccuracy).toBeLessThanOrEqual(1);
    // Peak RSS in bytes: at least the 10,000 float32 test images the worker holds, below 8 GB.
    expect(round.peakRssBytes).toBeGreaterThan(10_000 * 784 * 4);
    expect(round.peakRssBytes).toBeLessThan(8e9);
  });

  it("gives convlab/peer ratios for each measured peer and the three targets of issue 6", () => {
    const convlab = byName("convlab");
    for (const peer of expected.filter((n) => n !== "convlab")) {
      // One round: the paired median is that round's ratio.
      expect(report.ratios[peer].train).toBeCloseTo(convlab.trainExamplesPerSec! / byName(peer).trainExamplesPerSec!, 10);
      expect(report.ratios[peer].eval).toBeCloseTo(convlab.evalExamplesPerSec! / byName(peer).evalExamplesPerSec!, 10);
    }
    expect(report.targets.map((t) => t.name)).toEqual([
      "training ≥ 1.0× PyTorch", "training ≥ 5× TF.js wasm (first milestone)", "evaluation ≥ 1.0× PyTorch"]);
  });

  it("says why a framework was skipped (TF.js cpu is opt-in in --short; torch only when missing)", () => {
    expect(byName("tfjs-cpu")).toMatchObject({ status: "skipped", reason: expect.stringContaining("--with-tfjs-cpu") });
    if (torchMissing) expect(byName("torch")).toMatchObject({ status: "skipped", reason: expect.stringContaining("python3-torch") });
    expect(report.mode).toBe("short");
  });

  it("prints the table with a row per framework", () => {
    const table = stdout.slice(stdout.indexOf("framework  "));
    for (const name of ["convlab", "tfjs-wasm", "tfjs-cpu", "torch"]) expect(table).toMatch(new RegExp(`^${name} `, "m"));
    expect(table).toContain("convlab/peer train");
  });
});
