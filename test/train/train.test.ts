// train(): d2l's train_ch6 on a slice of the bundled Fashion-MNIST subset — reproducible, learning, and loud on NaN.
import { describe, expect, it } from "vitest";
import {
  DataLoader, evaluateAccuracy, lenet, loadFashionMnistSync, manualSeed, train, TrainingError, type TrainResult,
} from "../../src/index.js";
import { bundledSubsetDir } from "../../src/data/index.js";

// The subset ships with the package (data/); without it this file cannot run at all.
const dir = bundledSubsetDir() ?? (() => { throw new Error("the bundled Fashion-MNIST subset (data/) is missing"); })();
const trainSet = loadFashionMnistSync({ split: "train", dir, limit: 512 });
const testSet = loadFashionMnistSync({ split: "test", dir, limit: 256 });

function run(seed: number, options: { lr?: number; model?: "relu"; optimizer?: "sgd" | "adam"; epochs?: number } = {}): TrainResult {
  manualSeed(seed);
  const net = options.model ? lenet({ activation: "relu", pooling: "max" }) : lenet();
  const trainLoader = new DataLoader(trainSet, { batchSize: 64, shuffle: true, seed });
  const testLoader = new DataLoader(testSet, { batchSize: 128 });
  return train(net, trainLoader, testLoader, {
    epochs: options.epochs ?? 2, lr: options.lr ?? 0.9, progress: "none",
    optimizer: options.optimizer ?? "sgd",
  });
}

describe("train", () => {
  it("the same seed gives identical metrics; another seed does not", () => {
    const a = run(3), b = run(3), c = run(4);
    const strip = (r: TrainResult) => r.history.map(({ trainLoss, trainAcc, testAcc }) => [trainLoss, trainAcc, testAcc]);
    expect(strip(a)).toEqual(strip(b));
    expect(strip(a)).not.toEqual(strip(c));
    expect(a.summary).toMatch(/^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$/);
    expect(a.examplesPerSec).toBeGreaterThan(0);
  });

  it("the modern variant with Adam learns within two short epochs", () => {
    const r = run(0, { lr: 0.01, model: "relu", optimizer: "adam" });
    expect(r.history[1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    expect(r.testAcc).toBeGreaterThan(0.5);
  });

  it("a NaN loss stops training and names epoch, batch and the learning rate", () => {
    // ReLU logits overflow to ±Infinity at this rate (sigmoid would saturate instead), so the loss turns NaN.
    let error: unknown;
    try { run(0, { lr: 1e30, model: "relu", epochs: 1 }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toMatch(/at epoch 1, batch \d+; the learning rate \(1e\+30\) may be too high/);
  });

  it("evaluateAccuracy counts correct predictions and restores the training mode", () => {
    const net = lenet();
    const acc = evaluateAccuracy(net, new DataLoader(testSet, { batchSize: 100 }));
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    expect(net.training).toBe(true);
  });
});
