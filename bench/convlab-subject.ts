// convlab's side of the bench: the library's own lenet(), Xavier init, SGD and cross-entropy, stepped the
// way train() steps them (zeroGrad, forward, loss, item, backward, step).
import { F, lenet, nn, noGrad, optim, randn, manualSeed, type Tensor } from "convlab";
import type { BenchSubject } from "./measure.js";
import { CONV_LAYERS, LEARNING_RATE, MATMUL_SIZE, type ConvLayerName, type WorkerSpec } from "./workload.js";
import type { BenchBatches } from "./data.js";

/** Sets how many threads convlab's kernels use (setNumThreads) and returns the count in effect. */
export async function setConvlabThreads(count: number): Promise<number> {
  const { setNumThreads, getNumThreads } = await import("convlab");
  setNumThreads(count);
  return getNumThreads();
}

export function convlabSubject(spec: WorkerSpec, data: BenchBatches, version: string): BenchSubject {
  manualSeed(spec.seed);
  const net = lenet();
  net.apply((m) => {
    if (m instanceof nn.Linear || m instanceof nn.Conv2d) nn.init.xavierUniform(m.weight);
  });
  const optimizer = new optim.SGD(net.parameters(), { lr: LEARNING_RATE });
  const convInputs = {} as Record<ConvLayerName, { input: Tensor; weight: Tensor; bias: Tensor; padding: number }>;
  for (const layer of Object.keys(CONV_LAYERS) as ConvLayerName[]) {
    const { input, weight, padding } = CONV_LAYERS[layer];
    convInputs[layer] = { input: randn([...input]), weight: randn([...weight]), bias: randn([weight[0]]), padding };
  }
  const square = [randn([MATMUL_SIZE, MATMUL_SIZE]), randn([MATMUL_SIZE, MATMUL_SIZE])];

  return {
    version,
    trainBatchCount: data.train.length,
    evalBatchCount: data.eval.length,
    batchSize: (kind, index) => (kind === "train" ? data.train : data.eval)[index][0].shape[0],
    trainStep(index) {
      const [images, labels] = data.train[index];
      net.train();
      optimizer.zeroGrad();
      const loss = F.crossEntropy(net.forward(images), labels);
      const value = loss.item();
      loss.backward();
      optimizer.step();
      return value;
    },
    evalBatch(index) {
      const [images, labels] = data.eval[index];
      net.eval();
      return noGrad(() => net.forward(images).argmax(1).eq(labels).sum().item());
    },
    convForward(layer) {
      const { input, weight, bias, padding } = convInputs[layer];
      noGrad(() => F.conv2d(input, weight, bias, { padding }));
    },
    matmul() {
      noGrad(() => square[0].matmul(square[1]));
    },
  };
}
