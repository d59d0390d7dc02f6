// The filter gradient registered for TF.js wasm (bench/tfjs/conv2d-backprop-filter.ts) against the cpu
// backend's own Conv2DBackpropFilter kernel, on the cases the bench needs and on strides / 'same' padding.
import { describe, expect, it } from "vitest";
import type { Tensor4D } from "@tensorflow/tfjs-core";
import { loadTfjs } from "../../bench/tfjs/load.js";
import { conv2dBackpropFilter } from "../../bench/tfjs/conv2d-backprop-filter.js";

type Case = { x: [number, number, number, number]; filter: [number, number, number, number]; stride: number; pad: "same" | "valid" | number };
const cases: Case[] = [
  { x: [3, 8, 8, 1], filter: [5, 5, 1, 6], stride: 1, pad: 2 }, // LeNet conv1, smaller
  { x: [2, 7, 7, 6], filter: [5, 5, 6, 16], stride: 1, pad: "valid" }, // LeNet conv2, smaller
  { x: [2, 9, 8, 3], filter: [3, 2, 3, 4], stride: 2, pad: "same" },
  { x: [1, 10, 9, 2], filter: [3, 3, 2, 5], stride: 3, pad: 1 },
];

describe("Conv2DBackpropFilter from conv2d (TF.js)", async () => {
  const tf = await loadTfjs("wasm");
  await loadTfjs("cpu");

  for (const c of cases) {
    it(`x=${JSON.stringify(c.x)} f=${JSON.stringify(c.filter)} s=${c.stride} p=${c.pad}: matches the cpu backend`, async () => {
      await tf.setBackend("cpu");
      const xValues = tf.randomNormal(c.x, 0, 1, "float32", 7).dataSync();
      const filterValues = tf.randomNormal(c.filter, 0, 1, "float32", 8).dataSync();
      // The forward on cpu fixes dy's shape; dy itself is random so every filter tap gets a distinct gradient.
      const outShape = tf.conv2d(tf.tensor4d(xValues, c.x), tf.tensor4d(filterValues, c.filter), c.stride, c.pad).shape;
      const dyValues = tf.randomNormal(outShape, 0, 1, "float32", 9).dataSync();
      const kernel = (x: Tensor4D, dy: Tensor4D) => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy },
        { strides: c.stride, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter }) as Tensor4D;
      const expected = kernel(tf.tensor4d(xValues, c.x), tf.tensor4d(dyValues, outShape)).dataSync();

      for (const backend of ["cpu", "wasm"]) {
        await tf.setBackend(backend);
        const before = tf.memory().numTensors;
        const x = tf.tensor4d(xValues, c.x), dy = tf.tensor4d(dyValues, outShape);
        // Through the registered kernel on wasm (the path training takes), and the function directly on both.
        const viaKernel = backend === "wasm" ? kernel(x, dy) : null;
        const direct = conv2dBackpropFilter(tf, x, dy, { strides: c.stride, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter });
        for (const result of [viaKernel, direct]) {
          if (!result) continue;
          expect(result.shape).toEqual(c.filter);
          const got = result.dataSync();
          for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 3);
          result.dispose();
        }
        x.dispose(); dy.dispose();
        expect(tf.memory().numTensors).toBe(before); // nothing leaked by the kernel's intermediate tensors
      }
    });
  }
});
