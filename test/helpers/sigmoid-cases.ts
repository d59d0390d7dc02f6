// The two checks that hold the WebAssembly sigmoid to its float64 loop, shared by the Node test
// (test/kernels/conv-wasm.test.ts) and the same check in a browser page (test/browser/library/kernel-checks.ts).
// Each returns the first value that misses its bound, or null. No vitest here, so the browser bundle can import it.
import { sigmoid, sigmoidBackwardReference, sigmoidReference } from "../../src/ops/activation.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { generator } from "./conv-cases.js";

/** Distance in units in the last place between two float32 values of one sign. */
export function ulps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(bits[0] - bits[1]);
}

/** Forward, every 1/64 from -110 to 110: within 4 ulp of the float64 loop (normal outputs), 1e-44 (subnormal). */
export function sigmoidForwardMiss(): string | null {
  const values = new Float32Array(220 * 64 + 1).map((_, i) => -110 + i / 64);
  const fast = sigmoid(new Tensor(values, [values.length])).data as Float32Array;
  const reference = sigmoidReference(values);
  for (let i = 0; i < values.length; i++) {
    const bad = reference[i] >= 1.1754943508222875e-38 ? ulps(fast[i], reference[i]) > 4 : Math.abs(fast[i] - reference[i]) > 1e-44;
    if (bad) return `x=${values[i]}: ${fast[i]} against ${reference[i]}`;
  }
  return null;
}

/** Backward, dy · y · (1 - y) in float32: within 3 ulp-sized steps of the float64 loop. */
export function sigmoidBackwardMiss(): string | null {
  const next = generator(12);
  const values = new Float32Array(4099).map(() => (next() * 2 - 1) * 12);
  const x = new Tensor(values, [values.length]);
  x.requiresGrad = true;
  const y = sigmoid(x);
  const upstream = new Float32Array(values.length).map(() => next() * 2 - 1);
  y.backward(new Tensor(upstream, [values.length]));
  const expected = new Float32Array(values.length);
  sigmoidBackwardReference(upstream, y.data as Float32Array, expected);
  const got = x.grad!.data;
  for (let i = 0; i < values.length; i++) {
    if (Math.abs(got[i] - expected[i]) > 3 * 2 ** -23 * Math.abs(expected[i]) + 1e-45) return `x=${values[i]}: ${got[i]} against ${expected[i]}`;
  }
  return null;
}
