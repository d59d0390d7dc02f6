// The workload every framework runs, and what a worker reports back: one definition shared by the
// orchestrator (lenet.ts), the Node workers (worker.ts) and, by field names, bench/torch_lenet.py.

/** d2l's LeNet training settings (chapter 7.6): SGD, learning rate 0.9, batch 256. */
export const BATCH_SIZE = 256;
export const LEARNING_RATE = 0.9;

/** Multiply-adds per example of LeNet's two convolutions (forward), from PEERS.md and conv2dInfo. */
export const CONV_LAYERS = {
  conv1: { input: [BATCH_SIZE, 1, 28, 28], weight: [6, 1, 5, 5], padding: 2, macsPerExample: 117_600 },
  conv2: { input: [BATCH_SIZE, 6, 14, 14], weight: [16, 6, 5, 5], padding: 0, macsPerExample: 240_000 },
} as const;
export type ConvLayerName = keyof typeof CONV_LAYERS;

/** "torch" is Debian's PyTorch 1.13 (/usr/bin/python3), "torch2" PyTorch 2.13 from the project's .venv (--with-torch2). */
export type Framework = "convlab" | "tfjs-wasm" | "tfjs-cpu" | "torch" | "torch2";
export const FRAMEWORKS: readonly Framework[] = ["convlab", "tfjs-wasm", "tfjs-cpu", "torch", "torch2"];
/** Frameworks run at every --threads count; the others (TF.js under Node) run on one thread only, once a round. */
export const THREADED: readonly Framework[] = ["convlab", "torch", "torch2"];
/** The PyTorch builds the targets are anchored to. */
export const PYTORCHES: readonly Framework[] = ["torch", "torch2"];

/** What one worker process is asked to do (passed as a JSON argument). */
export interface WorkerSpec {
  framework: Framework;
  /** Untimed training steps first (JIT, kernel set-up, memory growth). */
  warmupBatches: number;
  /** Timed training steps, on consecutive batches of the training set in file order. */
  trainBatches: number;
  /** Timed evaluation batches of the test set in file order (after one untimed); null = the whole test set. */
  evalBatches: number | null;
  /** Timed repetitions of each forward convolution (the median is reported). */
  convRepeats: number;
  /** Compute threads the framework may use (convlab's gemm threads, torch.set_num_threads). */
  threads: number;
  /** Folder with the Fashion-MNIST IDX files (convlab's loader chose it). */
  dataDir: string;
  seed: number;
}

export interface ConvTiming {
  /** Median seconds of one forward call on the batch-256 input. */
  seconds: number;
  gflops: number;
}

/** What one worker process reports, as the last stdout line after RESULT_MARKER. */
export interface WorkerResult {
  framework: Framework;
  /** Framework and backend version, e.g. "torch 1.13.0a0", "tfjs-core 4.22.0". */
  version: string;
  threads: number;
  trainExamples: number;
  trainSeconds: number;
  trainExamplesPerSec: number;
  /** Mean cross-entropy of the timed batches (≈ 2.3 this early: a sanity check that training ran). */
  trainLoss: number;
  evalExamples: number;
  evalSeconds: number;
  evalExamplesPerSec: number;
  /** Accuracy over the evaluated examples (near chance this early in training; it proves eval ran). */
  evalAccuracy: number;
  conv: Record<ConvLayerName, ConvTiming>;
  /** Peak resident set size of the worker process, bytes. */
  peakRssBytes: number;
  /** convlab only: hash of the build it ran (bench/fingerprint.ts). */
  build?: string;
  /** convlab only: its float32 matrix product on MATMUL_SIZE³ (the ceiling's rate), median GFLOP/s. */
  matmulGflops?: number;
  /** convlab only: the engine's register-only WebAssembly SIMD multiply+add rate on this round's threads at once (bench/simd-peak.ts). */
  simdPeakGflops?: number;
}

export const RESULT_MARKER = "BENCH_RESULT ";

/** The matrix product that measures convlab's matrix-product rate for the ceiling: MATMUL_SIZE × MATMUL_SIZE times the same. */
export const MATMUL_SIZE = 512;

/**
 * LeNet's multiply-adds per example: forward (PEERS.md's 416,520), and a training step — forward, then backward's
 * input and weight gradients (as many multiply-adds each as forward) for every layer but conv1's input gradient,
 * which nothing needs.
 */
export const LENET_MACS = { eval: 416_520, train: 3 * 416_520 - CONV_LAYERS.conv1.macsPerExample } as const;

/** FLOPs (2 per multiply-add) of one forward call of a LeNet convolution on a batch of BATCH_SIZE. */
export function convFlops(layer: ConvLayerName): number {
  return 2 * CONV_LAYERS[layer].macsPerExample * BATCH_SIZE;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
