// The compiled WebAssembly kernels, seen from Node: read synchronously from <package root>/dist/wasm on first use.
// The package root is the nearest folder above this module holding a package.json, so the same code works when
// vitest runs it from src/ and when Node runs the build in dist/. No silent fallback to the slow kernels: a
// missing module means a broken build, and says so.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConvlabError } from "../errors.js";
import { WebAssembly, type WasmModule } from "./webassembly.js";

/** The two modules build:wasm compiles: asm/gemm.ts (the float32 gemm) and asm/conv.ts (conv, pool, activations). */
export type WasmName = "gemm" | "conv";

/** Who reports a problem with each module, and how its error reads (the op a learner called). */
const WHO: Record<WasmName, { op: string; missing: (path: string) => string }> = {
  gemm: { op: "gemm", missing: (path) => `gemm: the WebAssembly kernel ${path} is missing; run \`npm run build\` to compile it from asm/gemm.ts` },
  conv: { op: "conv2d", missing: (path) => `conv2d: the WebAssembly kernels ${path} are missing; run \`npm run build\` to compile them from asm/conv.ts` },
};

/** Where a module lives: dist/wasm/<name>.wasm under the package root. */
export function wasmPath(name: WasmName): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "wasm", `${name}.wasm`);
    if (dirname(dir) === dir) {
      throw new ConvlabError(`${WHO[name].op}: no package.json above ${start}; cannot locate dist/wasm/${name}.wasm`);
    }
  }
}

const compiled = new Map<WasmName, WasmModule>();

/** The compiled module, read and compiled on the first call (the kernels are synchronous). */
export function wasmModule(name: WasmName): WasmModule {
  const known = compiled.get(name);
  if (known) return known;
  const path = wasmPath(name);
  if (!existsSync(path)) throw new ConvlabError(WHO[name].missing(path));
  const module = new WebAssembly.Module(readFileSync(path));
  compiled.set(name, module);
  return module;
}
