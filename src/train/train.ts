// Training a classifier as d2l's train_ch6 does: Xavier initialisation, SGD on cross-entropy, and per epoch
// the training loss, training accuracy and test accuracy, with the throughput in examples per second.
import { noGrad } from "../autograd/graph.js";
import { TrainingError, ValueError } from "../errors.js";
import { crossEntropy } from "../ops/loss.js";
import { Linear } from "../nn/layers.js";
import type { Module } from "../nn/module.js";
import { xavierUniform } from "../nn/init.js";
import { Adam } from "../optim/adam.js";
import type { Optimizer } from "../optim/optimizer.js";
import { SGD } from "../optim/sgd.js";
import type { Tensor } from "../tensor/tensor.js";
import { createProgress, epochLine, type EpochMetrics, type ProgressMode } from "./progress.js";
import { typeName } from "../tensor/arguments.js";

export type Batch = readonly Tensor[];

export interface TrainOptions {
  epochs: number;
  lr: number;
  /** "sgd" (default, as the book), "adam", or an optimizer you built. */
  optimizer?: "sgd" | "adam" | Optimizer;
  /** SGD momentum when optimizer is "sgd". */
  momentum?: number;
  /** "xavier" re-initialises Linear and Conv2d weights as the book does (default); "none" keeps them. */
  init?: "xavier" | "none";
  /** Stop each epoch after this many batches (for quick runs); default all. */
  maxBatches?: number;
  onBatch?: (info: { epoch: number; batch: number; loss: number; acc: number }) => void;
  onEpoch?: (metrics: EpochMetrics, history: EpochMetrics[]) => void;
  progress?: ProgressMode;
}

export interface TrainResult {
  history: EpochMetrics[];
  trainLoss: number;
  trainAcc: number;
  testAcc: number;
  /** Training examples per second over all epochs (time in forward, backward and update only). */
  examplesPerSec: number;
  /** The book's result line: "loss 0.469, train acc 0.823, test acc 0.779". */
  summary: string;
}

/** Number of correct predictions in a batch (d2l's accuracy()). */
export function correctCount(yHat: Tensor, y: Tensor): number {
  const [n, classes] = yHat.shape;
  const scores = yHat.data, labels = y.data;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[i * classes + c] > scores[i * classes + best]) best = c;
    if (best === labels[i]) correct++;
  }
  return correct;
}

/** Fraction of examples the network classifies correctly, in eval mode and without recording a graph. */
export function evaluateAccuracy(net: Module, loader: Iterable<Batch>): number {
  const wasTraining = net.training;
  net.eval();
  let correct = 0, total = 0;
  noGrad(() => {
    for (const [X, y] of loader) {
      correct += correctCount(net.forward(X), y);
      total += X.shape[0];
    }
  });
  net.train(wasTraining);
  return total === 0 ? NaN : correct / total;
}

function isConvOrLinear(m: Module): m is Module & { weight: Tensor } {
  return m instanceof Linear || m.constructor.name === "Conv2d";
}

function makeOptimizer(net: Module, options: TrainOptions): Optimizer {
  const { optimizer = "sgd", lr } = options;
  if (typeof optimizer !== "string") return optimizer;
  if (optimizer === "sgd") return new SGD(net.parameters(), { lr, momentum: options.momentum ?? 0 });
  if (optimizer === "adam") return new Adam(net.parameters(), { lr });
  throw new ValueError(`train: unknown optimizer '${String(optimizer)}' (expected "sgd", "adam" or an Optimizer)`);
}

export function train(net: Module, trainLoader: Iterable<Batch> & { length?: number }, testLoader: Iterable<Batch>,
  options: TrainOptions): TrainResult {
  if (net === null || typeof net !== "object" || typeof (net as Module).forward !== "function") {
    throw new ValueError(`train: argument 'net' must be a Module, not ${typeName(net)}`);
  }
  if (options === null || typeof options !== "object") throw new ValueError(`train: options must be an object, not ${typeName(options)}`);
  const { epochs, lr } = options;
  if (!Number.isInteger(epochs) || epochs <= 0) throw new ValueError(`train: epochs must be a positive integer, but got ${epochs}`);
  if (!(lr > 0)) throw new ValueError(`train: lr must be positive, but got ${lr}`);
  if (options.maxBatches !== undefined && (!Number.isInteger(options.maxBatches) || options.maxBatches <= 0)) {
    throw new ValueError(`train: maxBatches must be a positive integer, but got ${options.maxBatches}`);
  }
  if ((options.init ?? "xavier") === "xavier") {
    net.apply((m) => { if (isConvOrLinear(m)) xavierUniform(m.weight); });
  }
  const optimizer = makeOptimizer(net, options);
  const batchesPerEpoch = Math.min(trainLoader.length ?? Infinity, options.maxBatches ?? Infinity);
  const progress = createProgress(options.progress);
  progress.start(epochs, Number.isFinite(batchesPerEpoch) ? batchesPerEpoch : 0);
  const history: EpochMetrics[] = [];
  let trainSeconds = 0, trainExamples = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      net.train();
      let lossSum = 0, correct = 0, seen = 0, batch = 0, epochSeconds = 0;
      for (const [X, y] of trainLoader) {
        if (batch >= batchesPerEpoch) break;
        const started = performance.now();
        optimizer.zeroGrad();
        const yHat = net.forward(X);
        const loss = crossEntropy(yHat, y);
        const lossValue = loss.item();
        if (!Number.isFinite(lossValue)) {
          throw new TrainingError(`train: the loss became ${lossValue} at epoch ${epoch}, batch ${batch + 1}; the learning rate (${lr}) may be too high for this model — try a smaller one`);
        }
        loss.backward();
        optimizer.step();
        epochSeconds += (performance.now() - started) / 1000;
        const n = X.shape[0];
        lossSum += lossValue * n;
        correct += correctCount(yHat, y);
        seen += n;
        batch++;
        options.onBatch?.({ epoch, batch, loss: lossSum / seen, acc: correct / seen });
        progress.batch(epoch, batch, lossSum / seen, correct / seen);
      }
      if (seen === 0) {
        // Metrics over no examples would be NaN; an empty loader is a mistake to name, not a result.
        throw new TrainingError(`train: the training loader gave no examples in epoch ${epoch}; check that the dataset is not empty`);
      }
      trainSeconds += epochSeconds;
      trainExamples += seen;
      const testAcc = evaluateAccuracy(net, testLoader);
      const metrics: EpochMetrics = {
        epoch, trainLoss: lossSum / seen, trainAcc: correct / seen, testAcc,
        examplesPerSec: seen / epochSeconds, seconds: epochSeconds,
      };
      history.push(metrics);
      progress.epoch(metrics, history);
      options.onEpoch?.(metrics, history);
    }
  } finally {
    progress.finish();
  }
  const last = history[history.length - 1];
  return {
    history,
    trainLoss: last.trainLoss,
    trainAcc: last.trainAcc,
    testAcc: last.testAcc,
    examplesPerSec: trainExamples / trainSeconds,
    summary: `loss ${last.trainLoss.toFixed(3)}, train acc ${last.trainAcc.toFixed(3)}, test acc ${last.testAcc.toFixed(3)}`,
  };
}

export { epochLine, type EpochMetrics };
