// npm run train -- --epochs 10 --batch-size 256 --lr 0.9 [--data full|subset] [--model lenet|lenet-relu-max]
//                  [--optimizer sgd|adam] [--momentum 0.9] [--seed 0] [--out dir] [--max-batches N]
// Trains LeNet on Fashion-MNIST as d2l's train_ch6 does, prints the book's result line and throughput,
// and writes metrics.json, the curves as an image, and the trained weights (safetensors layout).
import { mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  DataLoader, lenet, loadFashionMnistSync, manualSeed, nn, train, ValueError, type EpochMetrics,
} from "../src/index.js";
import { fileError } from "../src/fs-errors.js";

const MODELS = { "lenet": { activation: "sigmoid", pooling: "avg" }, "lenet-relu-max": { activation: "relu", pooling: "max" } } as const;

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new ValueError(`train: --${name} expects a number, but got '${value}'`);
  return parsed;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  const parsed = number(value, name, fallback);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new ValueError(`train: --${name} must be a positive integer, but got '${value}'`);
  }
  return parsed;
}

/**
 * Creates the output folder and writes (then removes) a probe file in it, before any training: a folder that
 * cannot be written (a file in its path, no permission, a read-only disk) fails now, not after the run.
 */
function prepareOutDir(outDir: string): void {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw fileError("train", "create the --out folder", outDir, error);
  }
  const probe = join(outDir, `.write-test-${process.pid}`);
  try {
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (error) {
    throw fileError("train", "write into the --out folder", outDir, error);
  }
}

/** node's parseArgs, its errors (an unknown flag, a missing value) as ValueErrors naming the command. */
function parseArguments(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        "epochs": { type: "string" }, "batch-size": { type: "string" }, "lr": { type: "string" },
        "data": { type: "string" }, "model": { type: "string" }, "optimizer": { type: "string" },
        "momentum": { type: "string" }, "seed": { type: "string" }, "out": { type: "string" },
        "max-batches": { type: "string" }, "help": { type: "boolean" },
      },
    });
  } catch (error) {
    throw new ValueError(`train: ${(error as Error).message}`);
  }
}

/** Runs the command line `args` (without node and the script); resolves when done, throws a typed error on misuse. */
export async function main(args: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArguments(args);
  if (values.help) {
    console.log("usage: npm run train -- [--epochs 10] [--batch-size 256] [--lr 0.9] [--data full|subset] [--model lenet|lenet-relu-max] [--optimizer sgd|adam] [--momentum M] [--seed 0] [--out out/train] [--max-batches N]");
    return;
  }
  const epochs = positiveInteger(values.epochs, "epochs", 10);
  const batchSize = positiveInteger(values["batch-size"], "batch-size", 256);
  const optimizer = values.optimizer ?? "sgd";
  if (optimizer !== "sgd" && optimizer !== "adam") throw new ValueError(`train: --optimizer must be sgd or adam, but got '${optimizer}'`);
  const lr = number(values.lr, "lr", optimizer === "adam" ? 0.001 : 0.9);
  const seed = number(values.seed, "seed", 0);
  const modelName = values.model ?? "lenet";
  if (!(modelName in MODELS)) throw new ValueError(`train: --model must be one of ${Object.keys(MODELS).join(", ")}, but got '${modelName}'`);
  const data = values.data ?? "full";
  if (data !== "full" && data !== "subset") throw new ValueError(`train: --data must be full or subset, but got '${data}'`);
  const outDir = resolve(values.out ?? "out/train");
  // --max-batches 0 would train on nothing and print NaN loss and accuracy.
  const maxBatches = values["max-batches"] === undefined ? undefined : positiveInteger(values["max-batches"], "max-batches", 1);
  prepareOutDir(outDir);

  // "full" uses the best source available (an explicit dir, the cache, Debian's package ...) and falls back to
  // the bundled subset with a note; "subset" always uses the bundled subset.
  const source = data === "subset" ? "subset" : "auto";
  const trainSet = loadFashionMnistSync({ split: "train", source });
  const testSet = loadFashionMnistSync({ split: "test", source });
  console.log(`data: ${trainSet.length} train / ${testSet.length} test images from ${trainSet.source.kind} (${trainSet.source.path})`);
  for (const warning of trainSet.source.warnings ?? []) console.log(`note: ${warning}`);

  manualSeed(seed);
  const net = lenet(MODELS[modelName as keyof typeof MODELS]);
  const trainLoader = new DataLoader(trainSet, { batchSize, shuffle: true, seed });
  const testLoader = new DataLoader(testSet, { batchSize });
  console.log(`model: ${modelName} (${net.parameterCount().toLocaleString("en-US")} parameters), ${optimizer} lr ${lr}, batch ${batchSize}, ${epochs} epochs, seed ${seed}`);

  const result = train(net, trainLoader, testLoader, {
    epochs, lr, optimizer, momentum: values.momentum === undefined ? undefined : number(values.momentum, "momentum", 0), maxBatches,
  });
  console.log(result.summary);
  console.log(`${result.examplesPerSec.toFixed(1)} examples/sec on cpu`);

  const metrics = {
    model: modelName, optimizer, lr, batchSize, epochs, seed, data: trainSet.source,
    result: { trainLoss: result.trainLoss, trainAcc: result.trainAcc, testAcc: result.testAcc, examplesPerSec: result.examplesPerSec },
    history: result.history satisfies EpochMetrics[],
  };
  const metricsPath = join(outDir, "metrics.json");
  try {
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 2) + "\n");
  } catch (error) {
    throw fileError("train", "write", metricsPath, error);
  }
  nn.saveWeights(net, join(outDir, `${modelName}.safetensors`), { model: modelName, seed: String(seed) });
  const written = ["metrics.json", `${modelName}.safetensors`];
  written.push(...(await saveCurves(result.history, outDir)));
  console.log(`wrote ${written.map((f) => join(outDir, f)).join(", ")}`);
}

/** The loss/accuracy curves as an SVG, through the plotting module. */
async function saveCurves(history: EpochMetrics[], outDir: string): Promise<string[]> {
  const viz = await import("../src/viz/index.js");
  const figure = viz.trainingCurves(history);
  await viz.saveFigure(figure, join(outDir, "curves.svg"));
  return ["curves.svg"];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: Error) => {
    console.error(`${error.name}: ${error.message}`);
    process.exitCode = 1;
  });
}
