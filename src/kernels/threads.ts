// How many threads the WebAssembly kernels use: PyTorch's torch.set_num_threads / get_num_threads.
// Two means the calling thread and one helper worker sharing the kernels' memory (wasm/kernel-threads.ts). Every
// kernel cuts its work the same way whatever the count, so results are identical for one thread and two.
// The default is two where the machine has two cores or more; the environment variable CONVLAB_NUM_THREADS
// (1 or 2) overrides it. In a browser, two threads need a cross-origin isolated page
// (src/platform/system.browser.ts); elsewhere the default is one.

import { environmentVariable, noSecondThreadReason, usableCores } from "../platform/system.js";
import { ValueError } from "../errors.js";

function checked(count: number, where: string): 1 | 2 {
  if (count !== 1 && count !== 2) throw new ValueError(`${where}: expected 1 or 2 threads, but got ${count}`);
  const lacking = count === 2 ? noSecondThreadReason() : null;
  if (lacking !== null) throw new ValueError(`${where}: cannot use 2 threads: ${lacking}`);
  return count;
}

function initialThreads(): 1 | 2 {
  const fromEnvironment = environmentVariable("CONVLAB_NUM_THREADS");
  if (fromEnvironment !== undefined && fromEnvironment !== "") {
    return checked(Number(fromEnvironment), "CONVLAB_NUM_THREADS");
  }
  return usableCores() >= 2 ? 2 : 1;
}

let threads: 1 | 2 = initialThreads();

/** Sets how many threads the WebAssembly kernels (convolution, pooling, sigmoid, matrix products) use: 1 or 2. */
export function setNumThreads(count: number): void {
  threads = checked(count, "setNumThreads");
}

export function getNumThreads(): number {
  return threads;
}
