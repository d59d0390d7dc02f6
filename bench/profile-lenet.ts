// Issue 15's profile: where one LeNet training step and one evaluation batch spend their time, stage by stage,
// next to each stage's arithmetic minimum. Stages follow nn.Sequential.forward exactly — the same fuse() calls,
// so Conv2d+Sigmoid+AvgPool2d run as the one fused op they are in training — and each stage's backward is timed
// by wrapping the closure its output recorded. Times are this process's CPU time (user + system) per batch,
// medians over steps: on one thread that is the compute itself, and other work on a shared machine does not count.
// The minimum is the stage's multiply-adds (forward: the layer's own; backward: the weight gradient, plus the
// input gradient except for the first layer, whose input needs none) at --gflops (default 48, the best WebAssembly
// SIMD matrix product per thread in ../shared/PEERS.md's probe); elementwise stages have no multiply-adds ("—").
// Run: npm run build && npm run build:bench && node dist/bench/profile-lenet.js [--steps 20] [--batch 256] [--threads 1] [--gflops 48]
import { F, lenet, manualSeed, nn, noGrad, optim, randn, setNumThreads, getNumThreads, tensor, type Tensor } from "convlab";
import { loadavg } from "node:os";

const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`profile-lenet: --${name} needs a positive number`);
  return value;
};
const steps = flag("steps", 20), batch = flag("batch", 256), gflops = flag("gflops", 48);
setNumThreads(flag("threads", 1));

manualSeed(0);
const net = lenet();
net.apply((m) => { if (m instanceof nn.Linear || m instanceof nn.Conv2d) nn.init.xavierUniform(m.weight); });
const optimizer = new optim.SGD(net.parameters(), { lr: 0.9 });
const images = randn([batch, 1, 28, 28]);
const labels = tensor(Array.from({ length: batch }, (_, i) => i % 10), { dtype: "int32" });
const layers = net.layers;

/** Milliseconds of CPU time (user + system) this process has used. */
const cpuNow = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const times = new Map<string, number[]>();
const note = (name: string, ms: number): void => { if (!times.has(name)) times.set(name, []); times.get(name)!.push(ms); };
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Forward multiply-adds per example of a layer, given its batched input shape; 0 if elementwise. */
function macs(layer: nn.Module, inputShape: readonly number[]): number {
  if (layer instanceof nn.Conv2d) {
    const [, , h, w] = layer.outputShape(inputShape);
    return layer.outChannels * (layer.inChannels / layer.groups) * layer.kernelSize[0] * layer.kernelSize[1] * h * w;
  }
  if (layer instanceof nn.Linear) return layer.inFeatures * layer.outFeatures;
  return 0;
}

interface Stage { name: string; forwardMacs: number; backwardMacs: number }
const stages: Stage[] = [];

/** nn.Sequential.forward, stage by stage, timing each stage (and, when training, wrapping its backward to time it). */
function forward(x: Tensor, record: boolean, prefix: string, withBackward: boolean): Tensor {
  let stage = 0;
  for (let i = 0; i < layers.length; i++) {
    const input = x, start = cpuNow();
    const fused = layers[i].fuse(layers.slice(i + 1, i + 3), x);
    const span = fused === null ? 1 : 1 + fused.layers;
    x = fused === null ? layers[i].forward(x) : fused.output;
    const ms = cpuNow() - start;
    const group = layers.slice(i, i + span);
    const name = `${i}${span > 1 ? `–${i + span - 1}` : ""} ${group.map((l) => l.constructor.name).join("+")}`;
    if (stages.length === stage) {
      // Only a stage's first layer can hold multiply-adds (a fused group is Conv2d then elementwise layers).
      const fw = macs(group[0], input.shape);
      // Backward: the weight gradient costs the forward's multiply-adds, the input gradient the same again (not for layer 0).
      stages.push({ name, forwardMacs: fw, backwardMacs: fw === 0 ? 0 : i === 0 ? fw : 2 * fw });
    }
    if (record) note(`${prefix}${stages[stage].name}`, ms);
    const fn = x.gradFn;
    if (withBackward && fn && record) {
      const label = `back ${stages[stage].name}`;
      x.gradFn = { ...fn, backward: (g: Tensor) => { const begin = cpuNow(), grads = fn.backward(g); note(label, cpuNow() - begin); return grads; } };
    }
    i += span - 1;
    stage++;
  }
  return x;
}

const WARMUP = 2;
for (let s = 0; s < steps + WARMUP; s++) {
  const record = s >= WARMUP;
  const begin = cpuNow();
  optimizer.zeroGrad();
  const x = forward(images, record, "fwd ", true);
  let start = cpuNow();
  const loss = F.crossEntropy(x, labels);
  loss.item();
  if (record) note("fwd loss (cross-entropy)", cpuNow() - start);
  start = cpuNow();
  loss.backward();
  if (record) note("backward (all)", cpuNow() - start);
  start = cpuNow();
  optimizer.step();
  if (record) { note("SGD step", cpuNow() - start); note("training step (whole)", cpuNow() - begin); }
}
for (let s = 0; s < steps + WARMUP; s++) {
  const record = s >= WARMUP;
  const begin = cpuNow();
  noGrad(() => {
    const x = forward(images, record, "eval ", false);
    const start = cpuNow();
    const correct = x.argmax(1).eq(labels).sum().item();
    if (record) note("eval argmax + count", cpuNow() - start);
    return correct;
  });
  if (record) note("evaluation batch (whole)", cpuNow() - begin);
}

// Same seed, same thread count → the same bits: print what a second run must reproduce exactly.
let checksum = 0;
for (const p of net.parameters()) for (const v of p.data) checksum = (checksum * 31 + v) % 1e9;

const minimumMs = (m: number): number => (2 * m * batch) / (gflops * 1e9) * 1000;
const cell = (ms: number | undefined): string => (ms === undefined ? "—" : ms.toFixed(2));
const rows: string[][] = [];
const row = (what: string, ms: number | undefined, minMacs: number | null): void => {
  const min = minMacs === null || minMacs === 0 ? undefined : minimumMs(minMacs);
  const gf = minMacs && ms ? ((2 * minMacs * batch) / (ms / 1000) / 1e9).toFixed(1) : "—";
  rows.push([what, cell(ms), min === undefined ? "—" : min.toFixed(2), gf, min === undefined || !ms ? "—" : `${(ms / min).toFixed(1)}×`]);
};
const get = (name: string): number | undefined => (times.has(name) ? median(times.get(name)!) : undefined);
const totalFwd = stages.reduce((s, st) => s + st.forwardMacs, 0), totalBack = stages.reduce((s, st) => s + st.backwardMacs, 0);
for (const st of stages) row(`train forward ${st.name}`, get(`fwd ${st.name}`), st.forwardMacs);
row("train forward loss (cross-entropy, item)", get("fwd loss (cross-entropy)"), 0);
for (const st of [...stages].reverse()) row(`train backward ${st.name}`, get(`back ${st.name}`), st.backwardMacs);
row("train backward, all (incl. loss, accumulation)", get("backward (all)"), totalBack);
row("train SGD step", get("SGD step"), 0);
row("**training step, whole**", get("training step (whole)"), totalFwd + totalBack);
for (const st of stages) row(`eval forward ${st.name}`, get(`eval ${st.name}`), st.forwardMacs);
row("eval argmax + count", get("eval argmax + count"), 0);
row("**evaluation batch, whole**", get("evaluation batch (whole)"), totalFwd);

const header = ["stage", "CPU ms / batch", `minimum ms at ${gflops} GFLOP/s`, "GFLOP/s reached", "× minimum"];
console.log(`LeNet profile: batch ${batch}, ${getNumThreads()} thread(s), median of ${steps} steps after ${WARMUP} warm-up; `
  + `forward ${totalFwd.toLocaleString("en-US")} multiply-adds per example; load average ${loadavg().map((l) => l.toFixed(2)).join(", ")}; `
  + `${new Date().toISOString()}`);
console.log(`| ${header.join(" | ")} |\n|---|${header.slice(1).map(() => "---:").join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
const step = get("training step (whole)")!, evalMs = get("evaluation batch (whole)")!;
console.log(`\ntraining ≈ ${Math.round(batch / step * 1000).toLocaleString("en-US")} examples/s, evaluation ≈ ${Math.round(batch / evalMs * 1000).toLocaleString("en-US")} examples/s (CPU time); `
  + `the arithmetic minimum allows ${Math.round(batch / minimumMs(totalFwd + totalBack) * 1000).toLocaleString("en-US")} / ${Math.round(batch / minimumMs(totalFwd) * 1000).toLocaleString("en-US")}`);
console.log(`weights checksum after ${steps + WARMUP} steps: ${checksum}`);
