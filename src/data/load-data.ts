// d2l's load_data_fashion_mnist(batch_size): both splits as DataLoaders, training shuffled.
import type { Tensor } from "../tensor/tensor.js";
import { DataLoader } from "./dataloader.js";
import { loadFashionMnist, type FashionMnist, type LoadFashionMnistOptions } from "./fashion-mnist.js";

export interface LoadDataOptions extends Omit<LoadFashionMnistOptions, "split" | "limit"> {
  /** Seed of the training loader's shuffling. */
  seed?: number;
  /** Keep only the first N training / test samples. */
  trainLimit?: number;
  testLimit?: number;
}

export interface FashionMnistLoaders {
  train: DataLoader<Tensor[]>;
  test: DataLoader<Tensor[]>;
  trainSet: FashionMnist;
  testSet: FashionMnist;
}

export async function loadDataFashionMnist(batchSize: number, options: LoadDataOptions = {}): Promise<FashionMnistLoaders> {
  const { seed, trainLimit, testLimit, ...sourceOptions } = options;
  const trainSet = await loadFashionMnist({ ...sourceOptions, split: "train", limit: trainLimit });
  const testSet = await loadFashionMnist({ ...sourceOptions, split: "test", limit: testLimit });
  return {
    train: new DataLoader(trainSet, { batchSize, shuffle: true, seed }),
    test: new DataLoader(testSet, { batchSize, shuffle: false }),
    trainSet,
    testSet,
  };
}
