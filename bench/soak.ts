// The long run (issue 8): convlab's own train() for full epochs of Fashion-MNIST, recording the process's
// memory after every epoch. Targets: peak RSS under 1 GB, and RSS flat after the first epoch (a leak — a graph
// kept alive, a buffer cache that only grows — shows as a rise epoch after epoch).
import { DataLoader, lenet, loadFashionMnistSync, manualSeed, train } from "convlab";
import { BATCH_SIZE, LEARNING_RATE } from "./workload.js";

export const PEAK_RSS_LIMIT_BYTES = 1e9;
/** RSS after any later epoch may exceed the first epoch's by at most this (allocator and JIT noise). */
export const FLAT_TOLERANCE_BYTES = 32 * 2 ** 20;
export const FLAT_TOLERANCE_FRACTION = 0.05;

export interface EpochMemory {
  epoch: number;
  seconds: number;
  examplesPerSec: number;
  trainLoss: number;
  testAcc: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Typed-array and wasm memory outside the JS heap. */
  externalBytes: number;
  peakRssBytes: number;
}

export interface SoakResult {
  epochs: EpochMemory[];
  dataSource: string;
  peakRssBytes: number;
  /** Largest RSS after epochs 2..n minus the RSS after epoch 1. */
  growthAfterFirstEpochBytes: number;
  /** Least-squares slope of RSS over epochs 2..n, bytes per epoch. */
  slopeBytesPerEpoch: number;
  peakUnderLimit: boolean;
  flat: boolean;
  summary: string;
}

function slope(ys: number[]): number {
  if (ys.length < 2) return 0;
  const meanX = (ys.length - 1) / 2, meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0, den = 0;
  ys.forEach((y, x) => { num += (x - meanX) * (y - meanY); den += (x - meanX) ** 2; });
  return num / den;
}

export function soak(epochs: number, seed: number, maxBatches: number | undefined, log: (line: string) => void): SoakResult {
  const trainSet = loadFashionMnistSync({ split: "train" });
  const testSet = loadFashionMnistSync({ split: "test" });
  log(trainSet.message);
  manualSeed(seed);
  const net = lenet();
  const records: EpochMemory[] = [];
  const result = train(net, new DataLoader(trainSet, { batchSize: BATCH_SIZE, shuffle: true, seed }),
    new DataLoader(testSet, { batchSize: BATCH_SIZE }), {
      epochs, lr: LEARNING_RATE, maxBatches, progress: "none",
      onEpoch: (m) => {
        const memory = process.memoryUsage();
        const record: EpochMemory = {
          epoch: m.epoch, seconds: m.seconds, examplesPerSec: m.examplesPerSec, trainLoss: m.trainLoss, testAcc: m.testAcc,
          rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, externalBytes: memory.external,
          peakRssBytes: process.resourceUsage().maxRSS * 1024,
        };
        records.push(record);
        const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
        log(`epoch ${m.epoch}: loss ${m.trainLoss.toFixed(3)}, train acc ${m.trainAcc.toFixed(3)}, test acc ${m.testAcc.toFixed(3)}, `
          + `${Math.round(m.examplesPerSec)} ex/s; RSS ${mb(record.rssBytes)} (peak ${mb(record.peakRssBytes)}), `
          + `heap ${mb(record.heapUsedBytes)}, external ${mb(record.externalBytes)}`);
      },
    });
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const first = records[0].rssBytes;
  const later = records.slice(1).map((r) => r.rssBytes);
  const growth = later.length ? Math.max(...later) - first : 0;
  const tolerance = Math.max(FLAT_TOLERANCE_BYTES, FLAT_TOLERANCE_FRACTION * first);
  const peakUnderLimit = peakRssBytes < PEAK_RSS_LIMIT_BYTES;
  const flat = growth <= tolerance;
  const mb = (b: number): string => `${(b / 1e6).toFixed(0)} MB`;
  const summary = [
    `soak: ${epochs} epochs, ${result.summary}`,
    `  peak RSS ${mb(peakRssBytes)} — ${peakUnderLimit ? "under" : "NOT under"} the 1 GB target`,
    `  RSS after epoch 1 ${mb(first)}; largest rise after it ${mb(growth)} (tolerance ${mb(tolerance)}), `
      + `slope ${(slope(later) / 1e6).toFixed(1)} MB/epoch — ${flat ? "flat" : "NOT flat"}`
      + (later.length === 0 ? " (one epoch: nothing to compare; run --epochs ≥ 2)" : ""),
  ].join("\n");
  return {
    epochs: records, dataSource: trainSet.message, peakRssBytes, growthAfterFirstEpochBytes: growth,
    slopeBytesPerEpoch: slope(later), peakUnderLimit, flat, summary,
  };
}
