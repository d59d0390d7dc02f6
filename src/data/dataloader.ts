// Batches from a dataset, like torch.utils.data.DataLoader without workers:
//   for (const [X, y] of new DataLoader(train, { batchSize: 256, shuffle: true, seed: 0 })) { ... }
// With shuffle, each pass (epoch) draws a new permutation from one seeded stream, so epochs differ
// from each other while the whole sequence repeats exactly for the same seed.
import { ValueError } from "../errors.js";
import { Generator, defaultGenerator } from "../tensor/random.js";
import type { BatchSource } from "./dataset.js";
import { typeName } from "../tensor/arguments.js";

export interface DataLoaderOptions {
  /** Samples per batch (default 1, as in PyTorch). */
  batchSize?: number;
  /** Visit samples in a new random order every epoch (default false: in order). */
  shuffle?: boolean;
  /** Drop the last batch when it would be smaller than batchSize (default false). */
  dropLast?: boolean;
  /**
   * Seed of the loader's own shuffling stream. Without seed or generator, the stream is seeded from
   * the default generator when the loader is made, so manualSeed(n) before it makes runs repeat.
   */
  seed?: number;
  /** A Generator of your own to shuffle with, instead of seed. */
  generator?: Generator;
}

export class DataLoader<Batch> implements Iterable<Batch> {
  readonly dataset: BatchSource<Batch>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator | null;

  constructor(dataset: BatchSource<Batch>, options: DataLoaderOptions = {}) {
    if (dataset === null || typeof dataset !== "object" || typeof dataset.length !== "number" || typeof dataset.batch !== "function") {
      throw new ValueError(`DataLoader: dataset must be a TensorDataset or another source with length and batch(indices), but got ${typeName(dataset)}`);
    }
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(`DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`);
    }
    if (options.seed !== undefined && options.generator !== undefined) {
      throw new ValueError("DataLoader: pass either seed or generator, not both");
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    // An unshuffled loader draws nothing from the default generator, so it leaves rand() sequences alone.
    if (options.generator) this.generator = options.generator;
    else if (options.seed !== undefined) this.generator = new Generator(options.seed);
    else this.generator = this.shuffle ? new Generator(defaultGenerator.nextUint32()) : null;
  }

  /** Number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    // The order is fixed when the epoch starts, as PyTorch's sampler does.
    const order = this.shuffle && this.generator ? this.generator.permutation(this.dataset.length) : identity(this.dataset.length);
    for (let b = 0; b < this.length; b++) {
      yield this.dataset.batch(order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length)));
    }
  }
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
