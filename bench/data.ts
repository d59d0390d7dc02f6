// Fashion-MNIST batches for the Node workers: consecutive batches in file order (no shuffling), so every
// framework, bench/torch_lenet.py included, trains and evaluates on exactly the same examples.
import { loadFashionMnistSync, type data, type Tensor } from "convlab";

type FashionMnist = data.FashionMnist;
import { BATCH_SIZE, type WorkerSpec } from "./workload.js";

export interface BenchBatches {
  train: Tensor[][];
  eval: Tensor[][];
}

/** Number of test batches a spec evaluates (null = the whole test set, the last batch possibly short). */
export function evalBatchCount(spec: WorkerSpec, testSize: number): number {
  const whole = Math.ceil(testSize / BATCH_SIZE);
  return spec.evalBatches === null ? whole : Math.min(spec.evalBatches, whole);
}

function batches(dataset: FashionMnist, count: number): Tensor[][] {
  const result: Tensor[][] = [];
  for (let b = 0; b < count; b++) {
    // Wraps around the split so a long bench never runs out of examples.
    const start = (b * BATCH_SIZE) % dataset.length;
    const end = Math.min(start + BATCH_SIZE, dataset.length);
    result.push(dataset.batch(Array.from({ length: end - start }, (_, i) => start + i)));
  }
  return result;
}

/** The warm-up, training and evaluation batches a spec asks for, from splits already loaded (Node or a browser page). */
export function benchBatches(spec: WorkerSpec, trainSet: FashionMnist, testSet: FashionMnist): BenchBatches {
  return {
    train: batches(trainSet, spec.warmupBatches + spec.trainBatches),
    eval: batches(testSet, evalBatchCount(spec, testSet.length)),
  };
}

export function loadBenchBatches(spec: WorkerSpec): BenchBatches {
  const trainSet = loadFashionMnistSync({ dir: spec.dataDir, split: "train" });
  const testSet = loadFashionMnistSync({ dir: spec.dataDir, split: "test" });
  return benchBatches(spec, trainSet, testSet);
}
