// Where a LeNet training step spends its time: each layer's forward, the whole backward and the SGD step,
// in milliseconds of this process's CPU time per batch (median over steps; CPU time rather than wall time so
// that other work on a shared machine does not count), on random data of Fashion-MNIST's shape.
// Run: npm run build && npm run build:bench && node dist/bench/profile-lenet.js [batches] [batch size]
import { F, lenet, manualSeed, nn, optim, randn, tensor, type Tensor } from "convlab";

const steps = Number(process.argv[2] ?? 20), batch = Number(process.argv[3] ?? 256);
manualSeed(0);
const net = lenet();
net.apply((m) => { if (m instanceof nn.Linear || m instanceof nn.Conv2d) nn.init.xavierUniform(m.weight); });
const optimizer = new optim.SGD(net.parameters(), { lr: 0.9 });
const images = randn([batch, 1, 28, 28]);
const labels = tensor(Array.from({ length: batch }, (_, i) => i % 10), { dtype: "int32" });
const layers = net.layers;
const times = new Map<string, number[]>();
/** Milliseconds of CPU time (user + system) this process has used. */
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const note = (name: string, ms: number) => { if (!times.has(name)) times.set(name, []); times.get(name)!.push(ms); };

for (let s = 0; s < steps + 2; s++) {
  optimizer.zeroGrad();
  let x: Tensor = images;
  layers.forEach((layer, i) => {
    const start = cpuNow();
    x = layer.forward(x);
    if (s >= 2) note(`${i} ${layer.constructor.name}`, cpuNow() - start);
    // Time this layer's backward too, by wrapping the closure it recorded.
    const fn = x.gradFn;
    if (fn && s >= 2) {
      x.gradFn = { ...fn, backward: (g: Tensor) => {
        const begin = cpuNow(), grads = fn.backward(g);
        note(`  ${i} back`, cpuNow() - begin);
        return grads;
      } };
    }
  });
  let start = cpuNow();
  const loss = F.crossEntropy(x, labels);
  loss.item();
  if (s >= 2) note("loss", cpuNow() - start);
  start = cpuNow();
  loss.backward();
  if (s >= 2) note("backward", cpuNow() - start);
  start = cpuNow();
  optimizer.step();
  if (s >= 2) note("step", cpuNow() - start);
}
// Same seed, same thread count → the same bits: print what a second run must reproduce exactly.
let checksum = 0;
for (const p of net.parameters()) for (const v of p.data) checksum = (checksum * 31 + v) % 1e9;
console.log(`weights checksum after ${steps + 2} steps: ${checksum}`);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
let total = 0;
for (const [name, v] of times) { const m = median(v); if (!name.startsWith(" ")) total += m; console.log(`${name.padEnd(16)} ${m.toFixed(2).padStart(8)} ms`); }
console.log(`${"total".padEnd(16)} ${total.toFixed(2).padStart(8)} ms  ≈ ${Math.round(batch / total * 1000)} examples/s`);
