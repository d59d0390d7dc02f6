// `npm run bench -- --short` end to end: compiles bench/, runs every framework this machine has for a few
// batches (convlab and the PyTorches at 1 and 2 threads), and checks the JSON it writes. PyTorch is optional:
// Debian's 1.13 and .venv's 2.13 are each checked when present and reported as skipped when not (npm test never
// installs torch). Speeds are never asserted (the machine decides them); what must hold
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
const torchMissing = torchUnavailableReason("torch");
const torch2Missing = torchUnavailableReason("torch2");

interface BenchJson {
  mode: string;
  frameworks: FrameworkSummary[];
  ratios: Record<string, { train: number; eval: number }>;
  targets: Target[];
  pytorch: { framework: string; python: string; version: string; threads: number }[];
  dataSource: { kind: string; path: string };
}

let report: BenchJson;
let stdout = "";

beforeAll(() => {
  if (torchMissing) console.warn(`\n*** bench-short: Debian's PyTorch NOT checked — ${torchMissing} ***\n`);
  if (torch2Missing) console.warn(`\n*** bench-short: PyTorch 2 NOT checked — ${torch2Missing} ***\n`);
  // The SIMD peak probe (AssemblyScript) and bench/ (tsc), as `npm run bench` builds them.
  const compile = spawnSync("npm", ["run", "--silent", "build:bench"], { cwd: root, encoding: "utf8" });
  expect(compile.stdout + compile.stderr, "bench/ compiles").toBe("");
  expect(compile.status).toBe(0);
  const run = spawnSync(process.execPath, ["dist/bench/lenet.js", "--short", "--out", outFile], { cwd: root, encoding: "utf8" });
  stdout = run.stdout;
  expect(run.status, `bench --short exits 0\n${run.stderr}`).toBe(0);
  report = JSON.parse(readFileSync(outFile, "utf8")) as BenchJson;
}, 240_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** A row by "framework@threads", or a skipped framework by its name. */
const byName = (name: string): FrameworkSummary => {
  const [framework, threads] = name.split("@");
  const found = report.frameworks.find((f) => f.framework === framework && (threads === undefined || f.threads === Number(threads)));
  if (!found) throw new Error(`bench.json has no entry for ${name}`);
  return found;
};

describe("npm run bench -- --short", () => {
  const pytorches = [...(torchMissing ? [] : ["torch"]), ...(torch2Missing ? [] : ["torch2"])];
  const expected = ["convlab@1", "convlab@2", "tfjs-wasm@1", ...pytorches.flatMap((p) => [`${p}@1`, `${p}@2`])];

  it.each(expected)("%s ran the workload and reports positive measurements", (name) => {
    const summary = byName(name);
    expect(summary.status).toBe("measured");
    expect(summary.rounds).toHaveLength(1);
    const [round] = summary.rounds;
    expect(round.threads).toBe(Number(name.split("@")[1]));
    expect(round.trainExamples).toBe(3 * 256);
    expect(round.evalExamples).toBe(2 * 256);
    for (const value of [round.trainExamplesPerSec, round.evalExamplesPerSec, round.conv.conv1.gflops, round.conv.conv2.gflops,
      round.peakRssBytes, summary.trainExamplesPerSec!, summary.evalExamplesPerSec!]) {
      expect(Number.isFinite(value) && value > 0, `${name}: ${value}`).toBe(true);
    }
    // convlab also times its 512³ matrix product (the ceiling's rate) and the engine's SIMD peak; the peers do not.
    if (name.startsWith("convlab")) {
      expect(round.matmulGflops! > 0 && Number.isFinite(round.matmulGflops), `${name} matmul`).toBe(true);
      expect(round.simdPeakGflops! > 0 && Number.isFinite(round.simdPeakGflops), `${name} SIMD peak`).toBe(true);
    } else {
      expect(round.matmulGflops).toBeUndefined();
      expect(round.simdPeakGflops).toBeUndefined();
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

  it("gives convlab/peer ratios at equal thread counts, and issue 15's targets against the best PyTorch", () => {
    for (const peer of expected.filter((n) => !n.startsWith("convlab"))) {
      const convlab = byName(`convlab@${peer.split("@")[1]}`);
      // One round: the paired median is that round's ratio.
      expect(report.ratios[peer].train).toBeCloseTo(convlab.trainExamplesPerSec! / byName(peer).trainExamplesPerSec!, 10);
      expect(report.ratios[peer].eval).toBeCloseTo(convlab.evalExamplesPerSec! / byName(peer).evalExamplesPerSec!, 10);
    }
    expect(report.targets.map((t) => t.name)).toEqual([
      "training on 2 threads ≥ 2.0× best PyTorch", "training on 1 thread ≥ 1.2× best PyTorch on 1",
      "evaluation on 2 threads ≥ 2.0× best PyTorch", "evaluation on 1 thread ≥ 1.2× best PyTorch on 1",
      "training on 1 thread ≥ 5× TF.js wasm (issue 6's milestone)"]);
    for (const t of report.targets.slice(0, 4)) {
      if (pytorches.length === 0) {
        expect(t).toMatchObject({ ratio: null, met: null });
        expect(stdout).toContain(`${t.name}: not measured`);
        continue;
      }
      // The anchor is the fastest PyTorch row at ≤ the target's threads, and the verdict is printed.
      const rows = pytorches.flatMap((p) => [1, 2].filter((n) => n <= t.threads).map((n) => byName(`${p}@${n}`)));
      const rate = (s: FrameworkSummary) => (t.kind === "train" ? s.trainExamplesPerSec! : s.evalExamplesPerSec!);
      const best = rows.reduce((a, b) => (rate(b) > rate(a) ? b : a));
      expect(t.anchor).toBe(`${best.framework}@${best.threads}`);
      expect(t.ratio).toBeCloseTo(rate(byName(`convlab@${t.threads}`)) / rate(best), 10);
      expect(stdout).toMatch(new RegExp(`${t.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\d+\\.\\d+× ${t.anchor} .* — (met|short by)`));
    }
    // The JSON says which PyTorch ran where and on how many threads.
    expect(report.pytorch.map((p) => `${p.framework}@${p.threads}`).sort()).toEqual(pytorches.flatMap((p) => [`${p}@1`, `${p}@2`]).sort());
    for (const p of report.pytorch) expect(p.version).toMatch(p.framework === "torch" ? /^torch 1\./ : /^torch 2\./);
  });

  it("says why a framework was skipped (TF.js cpu is opt-in in --short; torch only when missing)", () => {
    expect(byName("tfjs-cpu")).toMatchObject({ status: "skipped", reason: expect.stringContaining("--with-tfjs-cpu") });
    if (torchMissing) expect(byName("torch")).toMatchObject({ status: "skipped", reason: expect.stringContaining("python3-torch") });
    if (torch2Missing) expect(byName("torch2")).toMatchObject({ status: "skipped", reason: expect.stringContaining("--with-torch2") });
    expect(report.mode).toBe("short");
  });

  it("prints the table with a row per framework", () => {
    const table = stdout.slice(stdout.indexOf("framework  "));
    for (const name of ["convlab", "tfjs-wasm", "tfjs-cpu", "torch", "torch2"]) expect(table).toMatch(new RegExp(`^${name} `, "m"));
    expect(table).toContain("convlab/peer train");
  });
});
