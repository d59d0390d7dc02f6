import { describe, expect, test } from "vitest";
import { DataLoader } from "../../src/data/dataloader.js";
import { TensorDataset } from "../../src/data/dataset.js";
import { IndexError, ShapeError, ValueError } from "../../src/errors.js";
import { Generator, manualSeed } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";

/** 10 samples: x[i] = [i, 10 + i] (float32), y[i] = i % 3 (int32). */
function tenSamples(): TensorDataset {
  const x = new Float32Array(20);
  for (let i = 0; i < 10; i++) { x[2 * i] = i; x[2 * i + 1] = 10 + i; }
  const y = Int32Array.from({ length: 10 }, (_, i) => i % 3);
  return new TensorDataset(new Tensor(x, [10, 2]), new Tensor(y, [10]));
}

function firstColumn(X: Tensor): number[] {
  return Array.from({ length: X.shape[0] }, (_, r) => X.data[r * 2]);
}

describe("TensorDataset", () => {
  test("length, get(3) and get(-1) return rows without dimension 0", () => {
    const ds = tenSamples();
    expect(ds.length).toBe(10);
    const [x3, y3] = ds.get(3);
    expect(x3.shape).toEqual([2]);
    expect(Array.from(x3.data)).toEqual([3, 13]);
    expect(y3.shape).toEqual([]);
    expect(y3.dtype).toBe("int32");
    expect(y3.item()).toBe(0);
    expect(Array.from(ds.get(-1)[0].data)).toEqual([9, 19]);
  });

  test("batch([7, 2, 7]) gathers rows in that order, keeping dtypes", () => {
    const [X, y] = tenSamples().batch([7, 2, 7]);
    expect(X.shape).toEqual([3, 2]);
    expect(X.dtype).toBe("float32");
    expect(Array.from(X.data)).toEqual([7, 17, 2, 12, 7, 17]);
    expect(y.dtype).toBe("int32");
    expect(Array.from(y.data)).toEqual([1, 2, 1]);
  });

  test("index 10 of 10: IndexError with PyTorch's wording", () => {
    expect(() => tenSamples().get(10)).toThrow(IndexError);
    expect(() => tenSamples().batch([0, 10])).toThrow("TensorDataset: index 10 is out of bounds for dimension 0 with size 10");
  });

  test("first dimensions 3 and 4: Size mismatch between tensors", () => {
    const a = new Tensor(new Float32Array(3), [3]);
    const b = new Tensor(new Int32Array(4), [4]);
    expect(() => new TensorDataset(a, b)).toThrow(ShapeError);
    expect(() => new TensorDataset(a, b)).toThrow("TensorDataset: Size mismatch between tensors: first dimensions 3, 4");
  });
});

describe("DataLoader", () => {
  test("batchSize=4 over 10 samples: 3 batches of 4, 4, 2 in order", () => {
    const loader = new DataLoader(tenSamples(), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map(([X]) => X.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(batches.map(([X]) => firstColumn(X))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(Array.from(batches[2][1].data)).toEqual([2, 0]);
  });

  test("dropLast=true over 10 samples, batchSize=4: 2 full batches", () => {
    const loader = new DataLoader(tenSamples(), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].map(([X]) => firstColumn(X))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  test("dropLast with batchSize dividing N evenly drops nothing (10 / 5)", () => {
    expect([...new DataLoader(tenSamples(), { batchSize: 5, dropLast: true })].length).toBe(2);
  });

  test("default batchSize is 1, as in PyTorch", () => {
    const loader = new DataLoader(tenSamples());
    expect(loader.length).toBe(10);
    expect([...loader][0][0].shape).toEqual([1, 2]);
  });

  test("batchSize 0 or 2.5: ValueError", () => {
    expect(() => new DataLoader(tenSamples(), { batchSize: 0 })).toThrow(ValueError);
    expect(() => new DataLoader(tenSamples(), { batchSize: 2.5 })).toThrow("DataLoader: batchSize should be a positive integer value, but got batchSize=2.5");
  });

  test("shuffle with seed 7: each epoch a permutation of all 10, epochs differ, the same seed repeats", () => {
    const epochs = (seed: number) => {
      const loader = new DataLoader(tenSamples(), { batchSize: 3, shuffle: true, seed });
      return [0, 1, 2].map(() => [...loader].flatMap(([X]) => firstColumn(X)));
    };
    const first = epochs(7);
    for (const order of first) expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(first[0]).not.toEqual(first[1]);
    expect(first[1]).not.toEqual(first[2]);
    expect(first[0]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochs(7)).toEqual(first);
    expect(epochs(8)[0]).not.toEqual(first[0]);
  });

  test("labels travel with their images under shuffle (y = x % 3)", () => {
    for (const [X, y] of new DataLoader(tenSamples(), { batchSize: 4, shuffle: true, seed: 1 })) {
      expect(Array.from(y.data)).toEqual(firstColumn(X).map((i) => i % 3));
    }
  });

  test("shuffle order is the seeded Generator's permutation", () => {
    const loader = new DataLoader(tenSamples(), { batchSize: 10, shuffle: true, seed: 3 });
    const [[X]] = [...loader];
    expect(firstColumn(X)).toEqual(Array.from(new Generator(3).permutation(10)));
  });

  test("without seed, manualSeed before making the loader repeats the order", () => {
    const order = () => {
      manualSeed(42);
      const loader = new DataLoader(tenSamples(), { batchSize: 10, shuffle: true });
      return firstColumn([...loader][0][0]);
    };
    expect(order()).toEqual(order());
  });

  test("seed and generator together: ValueError", () => {
    expect(() => new DataLoader(tenSamples(), { seed: 1, generator: new Generator(1) })).toThrow("DataLoader: pass either seed or generator, not both");
  });
});

describe("loadDataFashionMnist (d2l's load_data_fashion_mnist)", () => {
  test("batchSize 256 on the subset: 24 training batches shuffled by seed, 4 test batches in order", async () => {
    const { loadDataFashionMnist } = await import("../../src/data/load-data.js");
    const options = { download: false, dir: undefined, cacheDir: "/nonexistent", debianDir: "/nonexistent", seed: 5 };
    delete process.env.CONVLAB_DATA;
    const { train, test: testLoader, trainSet, testSet } = await loadDataFashionMnist(256, options);
    expect([train.length, testLoader.length, trainSet.length, testSet.length]).toEqual([24, 4, 6000, 1000]);
    const [X, y] = [...train][0];
    expect(X.shape).toEqual([256, 1, 28, 28]);
    expect(y.shape).toEqual([256]);
    expect(Array.from(y.data)).not.toEqual(Array.from(trainSet.labels.data.subarray(0, 256)));
    const again = await loadDataFashionMnist(256, options);
    expect(Array.from([...again.train][0][1].data)).toEqual(Array.from(y.data));
    const [, yTest] = [...testLoader][0];
    expect(Array.from(yTest.data)).toEqual(Array.from(testSet.labels.data.subarray(0, 256)));
  });
});
