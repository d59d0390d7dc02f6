// conv2d on random configurations: values and all gradients equal the readable reference, the shape equals the
// calculator's and the book's formula, and invalid combinations throw the documented error instead of returning.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConvlabError, convOutputShape, F, ShapeError, ValueError, type Tensor } from "../../src/index.js";
import type { Conv2dOptions, PaddingMode } from "../../src/calc/conv-info.js";
import { assertProperty, expectClose, referenceGradient, seeded } from "./fuzz-helpers.js";

interface ConvCase {
  batch: number; groups: number; inPerGroup: number; outPerGroup: number;
  height: number; width: number; kernel: [number, number]; stride: [number, number]; dilation: [number, number];
  padding: number | [number, number] | "same" | "valid"; paddingMode: PaddingMode; bias: boolean; seed: number;
}

const convCase: fc.Arbitrary<ConvCase> = fc.record({
  batch: fc.integer({ min: 1, max: 2 }),
  groups: fc.integer({ min: 1, max: 3 }),
  inPerGroup: fc.integer({ min: 1, max: 2 }),
  outPerGroup: fc.integer({ min: 1, max: 2 }),
  height: fc.integer({ min: 1, max: 7 }),
  width: fc.integer({ min: 1, max: 7 }),
  kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  padding: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    fc.constant("same" as const), fc.constant("valid" as const)),
  paddingMode: fc.constantFrom<PaddingMode>("zeros", "reflect", "replicate", "circular"),
  bias: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

function options(c: ConvCase): Conv2dOptions {
  return { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, paddingMode: c.paddingMode };
}

function tensors(c: ConvCase): { x: Tensor; w: Tensor; b: Tensor | null } {
  const x = seeded([c.batch, c.groups * c.inPerGroup, c.height, c.width], c.seed);
  const w = seeded([c.groups * c.outPerGroup, c.inPerGroup, ...c.kernel], c.seed + 1);
  const b = c.bias ? seeded([c.groups * c.outPerGroup], c.seed + 2) : null;
  return { x, w, b };
}

/** What PyTorch accepts, stated independently of conv2dInfo: [total padding per axis] or the reason it refuses. */
function expectedValidity(c: ConvCase): { ok: true; pads: [[number, number], [number, number]] } | { ok: false; error: typeof ConvlabError; text: string } {
  const span = [0, 1].map((a) => c.dilation[a] * (c.kernel[a] - 1) + 1);
  if (c.padding === "same" && (c.stride[0] !== 1 || c.stride[1] !== 1)) {
    return { ok: false, error: ValueError, text: "padding='same' is not supported for strided convolutions" };
  }
  const pads = [0, 1].map((a) => {
    if (c.padding === "valid") return [0, 0];
    if (c.padding === "same") { const total = span[a] - 1; return [Math.floor(total / 2), total - Math.floor(total / 2)]; }
    const p = typeof c.padding === "number" ? c.padding : c.padding[a];
    return [p, p];
  }) as [[number, number], [number, number]];
  const size = [c.height, c.width];
  if (c.paddingMode === "reflect" && [0, 1].some((a) => pads[a][0] >= size[a] || pads[a][1] >= size[a])) {
    return { ok: false, error: ShapeError, text: "Padding size should be less than the corresponding input dimension" };
  }
  if (c.paddingMode === "circular" && [0, 1].some((a) => pads[a][0] > size[a] || pads[a][1] > size[a])) {
    return { ok: false, error: ShapeError, text: "Padding value causes wrapping around more than once" };
  }
  if ([0, 1].some((a) => size[a] + pads[a][0] + pads[a][1] < span[a])) {
    return { ok: false, error: ShapeError, text: "Kernel size can't be greater than actual input size" };
  }
  return { ok: true, pads };
}

const describeCase = (c: ConvCase) => {
  const { x, w } = tensors(c);
  return `F.conv2d(seeded([${x.shape}], ${c.seed}), seeded([${w.shape}], ${c.seed + 1}), ${c.bias ? `seeded([${w.shape[0]}], ${c.seed + 2})` : "null"}, ${JSON.stringify(options(c))})`;
};

describe("conv2d on random configurations", () => {
  it("equals the reference in values and gradients, or throws the documented error", () => {
    let valid = 0, invalid = 0;
    assertProperty(convCase, (c) => {
      const { x, w, b } = tensors(c);
      const verdict = expectedValidity(c);
      if (!verdict.ok) {
        invalid++;
        let thrown: unknown;
        try { F.conv2d(x, w, b, options(c)); } catch (error) { thrown = error; }
        if (!(thrown instanceof verdict.error)) throw new Error(`expected ${verdict.error.name} "${verdict.text}", got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : "a result"}`);
        if (!(thrown as Error).message.includes(verdict.text)) throw new Error(`wrong message: ${(thrown as Error).message}`);
        return;
      }
      valid++;
      x.requiresGrad = true; w.requiresGrad = true; if (b) b.requiresGrad = true;
      const out = F.conv2d(x, w, b, options(c));
      const expectedShape = [c.batch, w.shape[0], ...[0, 1].map((a) => {
        const n = [c.height, c.width][a], p = verdict.pads[a][0] + verdict.pads[a][1];
        return Math.floor((n + p - c.dilation[a] * (c.kernel[a] - 1) - 1) / c.stride[a]) + 1;
      })];
      expect([...out.shape]).toEqual(expectedShape);
      expect(convOutputShape(x.shape, w.shape, options(c))).toEqual(expectedShape);
      const reference = F.conv2dReference(x, w, b, options(c));
      expectClose(out.data, reference.data, "forward");
      const upstream = seeded([...out.shape], c.seed + 3);
      out.backward(upstream);
      expectClose(x.grad!.data, referenceGradient((t) => F.conv2dReference(t, w, b, options(c)), x.detach(), upstream), "input gradient", 1e-7);
      expectClose(w.grad!.data, referenceGradient((t) => F.conv2dReference(x, t, b, options(c)), w.detach(), upstream), "weight gradient", 1e-7);
      if (b) expectClose(b.grad!.data, referenceGradient((t) => F.conv2dReference(x, w, t, options(c)), b.detach(), upstream), "bias gradient", 1e-7);
    }, describeCase);
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });

  // Cases the fuzzer found or that sit on a boundary, kept as regression tests.
  const regressions: ConvCase[] = [
    { batch: 1, groups: 1, inPerGroup: 1, outPerGroup: 1, height: 3, width: 3, kernel: [2, 2], stride: [1, 1], dilation: [1, 1], padding: 2, paddingMode: "reflect", bias: false, seed: 1 },
    { batch: 1, groups: 1, inPerGroup: 1, outPerGroup: 1, height: 2, width: 2, kernel: [2, 2], stride: [1, 1], dilation: [1, 1], padding: "same", paddingMode: "circular", bias: true, seed: 2 },
    { batch: 2, groups: 3, inPerGroup: 1, outPerGroup: 2, height: 1, width: 5, kernel: [1, 3], stride: [3, 2], dilation: [1, 2], padding: [0, 1], paddingMode: "replicate", bias: true, seed: 3 },
  ];
  for (const c of regressions) {
    it(`regression: ${describeCase(c)}`, () => {
      const { x, w, b } = tensors(c);
      const verdict = expectedValidity(c);
      if (!verdict.ok) {
        expect(() => F.conv2d(x, w, b, options(c))).toThrow(verdict.text);
      } else {
        expectClose(F.conv2d(x, w, b, options(c)).data, F.conv2dReference(x, w, b, options(c)).data, "forward");
      }
    });
  }
});
