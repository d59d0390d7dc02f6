// Float32 sigmoid and ReLU, forward and backward, in the conv module's memory (asm/activations.ts), both threads
// taking chunks of elements; and the pieces a convolution fused with an activation uses: the activation codes the
// direct kernels apply in place (asm/activations.ts activate) and the in-memory backward of that activation.
// Readable references: sigmoidReference, sigmoidBackwardReference and relu's loop in src/ops/activation.ts
// (test/kernels/conv-wasm.test.ts).

import { chunkOf, runChunks } from "./conv-module.js";
import { layout, put, take } from "./conv-memory.js";

/** Activations a convolution's forward can apply itself, by their code in asm/activations.ts. */
export type FusedActivation = "none" | "sigmoid" | "relu";
export const ACTIVATIONS: Record<FusedActivation, number> = { none: 0, sigmoid: 1, relu: 2 };

/** A fused activation's output, which its backward reads (sigmoid: y · (1 - y); relu: y > 0). */
export interface ActivationOutput { kind: "sigmoid" | "relu"; output: Float32Array }

type Backward = "sigmoidBackwardF32" | "reluBackwardF32";

/**
 * gx = kernel(gy, y), elementwise over `count` floats already in memory (gxAt may be gyAt: in place), both threads
 * taking chunks.
 */
export function runElementwiseBackward(kernel: Backward, gyAt: number, yAt: number, gxAt: number, count: number): void {
  const floats = chunkOf(count, 4), bytes = floats * 4;
  runChunks(kernel, { args: { gy: gyAt, y: yAt, gx: gxAt, n: 0 }, chunkSize: floats, total: count, count: "n",
    chunkStep: { gy: bytes, y: bytes, gx: bytes } });
}

/**
 * For a convolution fused with an activation: turns dL/dy at `gyAt` into dL/dz in place — dL/dy · y · (1 - y) for a
 * sigmoid, y > 0 ? dL/dy : 0 for a relu — y being the activation's output (copied to `yAt`), with the separate op's
 * kernel, so the same bits.
 */
export function activationBackwardInPlace(gyAt: number, activation: ActivationOutput, yAt: number): void {
  put(activation.output, yAt);
  runElementwiseBackward(activation.kind === "sigmoid" ? "sigmoidBackwardF32" : "reluBackwardF32", gyAt, yAt, gyAt,
    activation.output.length);
}

/** Floats per slice of the elementwise kernels, so a huge tensor never needs a huge memory. */
const SLICE = 1 << 20;

/** out = kernel(x), elementwise over float32 arrays of equal length, both threads taking chunks. */
function elementwise(kernel: "sigmoidF32" | "reluF32", x: Float32Array, out: Float32Array): void {
  const [inAt, outAt] = layout([Math.min(SLICE, x.length), Math.min(SLICE, x.length)]);
  for (let start = 0; start < x.length; start += SLICE) {
    const count = Math.min(SLICE, x.length - start);
    put(x.subarray(start, start + count), inAt);
    const floats = chunkOf(count, 4);
    runChunks(kernel, { args: { x: inAt, y: outAt, n: 0 }, chunkSize: floats, total: count, count: "n",
      chunkStep: { x: floats * 4, y: floats * 4 } });
    take(out, outAt, count, start);
  }
}

/** gx = kernel(gy, y), elementwise, y being the op's output. */
function elementwiseBackward(kernel: Backward, gy: Float32Array, y: Float32Array, gx: Float32Array): void {
  const [gyAt, yAt, gxAt] = layout([Math.min(SLICE, y.length), Math.min(SLICE, y.length), Math.min(SLICE, y.length)]);
  for (let start = 0; start < y.length; start += SLICE) {
    const count = Math.min(SLICE, y.length - start);
    put(gy.subarray(start, start + count), gyAt);
    put(y.subarray(start, start + count), yAt);
    runElementwiseBackward(kernel, gyAt, yAt, gxAt, count);
    take(gx, gxAt, count, start);
  }
}

/** y = sigmoid(x), elementwise over float32 arrays of equal length. */
export function sigmoidWasm(x: Float32Array, y: Float32Array): void {
  elementwise("sigmoidF32", x, y);
}

/** gx = gy · y · (1 - y) over float32 arrays of equal length, y being sigmoid's output. */
export function sigmoidBackwardWasm(gy: Float32Array, y: Float32Array, gx: Float32Array): void {
  elementwiseBackward("sigmoidBackwardF32", gy, y, gx);
}

/** y = relu(x) (x ≤ 0 ? 0 : x, NaN kept), elementwise over float32 arrays of equal length, branch-free. */
export function reluWasm(x: Float32Array, y: Float32Array): void {
  elementwise("reluF32", x, y);
}

/** gx = y > 0 ? gy : 0 over float32 arrays of equal length, y being relu's output. */
export function reluBackwardWasm(gy: Float32Array, y: Float32Array, gx: Float32Array): void {
  elementwiseBackward("reluBackwardF32", gy, y, gx);
}
