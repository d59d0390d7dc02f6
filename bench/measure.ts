// The timing protocol every Node worker follows, so convlab and TF.js are measured identically
// (bench/torch_lenet.py follows the same steps): untimed warm-up steps, then timed training steps,
// one untimed evaluation batch, timed evaluation batches, and the two forward convolutions.
import { CONV_LAYERS, convFlops, MATMUL_SIZE, median, type ConvLayerName, type WorkerResult, type WorkerSpec } from "./workload.js";

/** A framework's LeNet, with batches already in its own tensors (data preparation is not timed). */
export interface BenchSubject {
  version: string;
  trainBatchCount: number;
  evalBatchCount: number;
  batchSize(kind: "train" | "eval", index: number): number;
  /** One SGD step on training batch `index`; returns its loss, read back so the step has finished. */
  trainStep(index: number): number;
  /** Correct predictions on test batch `index`. */
  evalBatch(index: number): number;
  /** One forward call of the layer's convolution on a batch-256 input. */
  convForward(layer: ConvLayerName): void;
  /** convlab only: one MATMUL_SIZE³ float32 matrix product (the rate of the bench's ceiling). */
  matmul?(): void;
}

// performance.now() (not process.hrtime) so that the same protocol runs in Chromium (bench/browser-page.ts).
const now = (): number => performance.now();
const seconds = (start: number): number => (now() - start) / 1e3;

export function measure(subject: BenchSubject, spec: WorkerSpec): Omit<WorkerResult, "framework" | "threads" | "peakRssBytes"> {
  if (subject.trainBatchCount < spec.warmupBatches + spec.trainBatches) {
    throw new Error(`bench: ${subject.trainBatchCount} training batches prepared, ${spec.warmupBatches + spec.trainBatches} needed`);
  }
  for (let b = 0; b < spec.warmupBatches; b++) subject.trainStep(b);
  let trainExamples = 0, trainSeconds = 0, lossSum = 0;
  for (let b = spec.warmupBatches; b < spec.warmupBatches + spec.trainBatches; b++) {
    const start = now();
    const loss = subject.trainStep(b);
    trainSeconds += seconds(start);
    const n = subject.batchSize("train", b);
    trainExamples += n;
    lossSum += loss * n;
  }

  subject.evalBatch(0); // warm-up: the no-grad forward path has not run yet
  let evalExamples = 0, evalSeconds = 0, correct = 0;
  for (let b = 0; b < subject.evalBatchCount; b++) {
    const start = now();
    correct += subject.evalBatch(b);
    evalSeconds += seconds(start);
    evalExamples += subject.batchSize("eval", b);
  }

  const conv = {} as WorkerResult["conv"];
  for (const layer of Object.keys(CONV_LAYERS) as ConvLayerName[]) {
    subject.convForward(layer);
    const times: number[] = [];
    for (let r = 0; r < spec.convRepeats; r++) {
      const start = now();
      subject.convForward(layer);
      times.push(seconds(start));
    }
    const best = median(times);
    conv[layer] = { seconds: best, gflops: convFlops(layer) / best / 1e9 };
  }

  let matmulGflops: number | undefined;
  if (subject.matmul) {
    subject.matmul();
    const times: number[] = [];
    for (let r = 0; r < spec.convRepeats; r++) {
      const start = now();
      subject.matmul();
      times.push(seconds(start));
    }
    matmulGflops = 2 * MATMUL_SIZE ** 3 / median(times) / 1e9;
  }

  return {
    version: subject.version,
    trainExamples, trainSeconds, trainExamplesPerSec: trainExamples / trainSeconds, trainLoss: lossSum / trainExamples,
    evalExamples, evalSeconds, evalExamplesPerSec: evalExamples / evalSeconds, evalAccuracy: correct / evalExamples,
    conv,
    ...(matmulGflops === undefined ? {} : { matmulGflops }),
  };
}
