// The convlab worker of `npm run bench -- --browser`, in a Chromium page: the same subject (convlab-subject.ts)
// and timing protocol (measure.ts) as the Node worker, on the browser build (the page's import map points
// "convlab" at dist/browser's convlab.js), with the same Fashion-MNIST files fetched from the bench's server.
import { getNumThreads, loadFashionMnist, setNumThreads, type data } from "convlab";
import { convlabSubject } from "./convlab-subject.js";
import { measure } from "./measure.js";
import { benchBatches } from "./data.js";
import type { WorkerResult, WorkerSpec } from "./workload.js";

type FashionMnist = data.FashionMnist;

export async function runBench(spec: WorkerSpec, dataUrl: string): Promise<WorkerResult> {
  // Two threads only where the page may share memory with a worker (the isolated page); one elsewhere.
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  setNumThreads(isolated ? spec.threads : 1);
  const load = loadFashionMnist as (options: { split: "train" | "test"; url: string }) => Promise<FashionMnist>;
  const trainSet = await load({ split: "train", url: dataUrl });
  const testSet = await load({ split: "test", url: dataUrl });
  const data = benchBatches(spec, trainSet, testSet);
  const subject = convlabSubject(spec, data, "convlab (browser build)");
  const measured = measure(subject, spec);
  return { framework: "convlab", threads: getNumThreads(), ...measured, peakRssBytes: 0 };
}
