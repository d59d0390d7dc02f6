// Loading TF.js with one backend. The packages ship CommonJS builds for Node; require() gives every backend
// the same tfjs-core instance (an ESM import beside a CJS require would load core twice).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { registerConv2dBackpropFilter } from "./conv2d-backprop-filter.js";

const require = createRequire(import.meta.url);

export type Tf = typeof import("@tensorflow/tfjs-core");
export type TfBackend = "cpu" | "wasm";

export async function loadTfjs(backend: TfBackend): Promise<Tf> {
  const tf = require("@tensorflow/tfjs-core") as Tf;
  // tfjs-core's Node build registers no gradients (RealDiv, Conv2D, ... have none); the union package's build
  // registers them all into the shared core, as it does for any TF.js user who installs @tensorflow/tfjs.
  require("@tensorflow/tfjs");
  if (backend === "cpu") {
    require("@tensorflow/tfjs-backend-cpu");
  } else {
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    // Under Node the backend must be told where its .wasm files are: beside its main file, in dist/.
    wasm.setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/");
    registerConv2dBackpropFilter(tf, "wasm");
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend '${backend}' failed to initialise`);
  await tf.ready();
  return tf;
}

export async function tfjsVersion(tf: Tf, backend: TfBackend): Promise<string> {
  const simd = backend === "wasm" ? `, SIMD ${String(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))}` : "";
  return `tfjs-core ${tf.version_core} (${backend}${simd})`;
}
