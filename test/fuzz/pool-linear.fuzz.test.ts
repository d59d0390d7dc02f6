// maxPool2d, avgPool2d and linear on random configurations: equal to the readable references (values and input
// gradients), shapes equal to the calculator's, invalid combinations refused with the documented error.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { F, poolOutputShape, ShapeError, ValueError } from "../../src/index.js";
import { assertProperty, expectClose, referenceGradient, seeded } from "./fuzz-helpers.js";

interface PoolCase {
  kind: "max" | "avg"; batch: number; channels: number; height: number; width: number;
  kernel: [number, number]; stride: [number, number] | null; padding: [number, number]; dilation: [number, number];
  ceilMode: boolean; countIncludePad: boolean; seed: number;
}

const poolCase: fc.Arbitrary<PoolCase> = fc.record({
  kind: fc.constantFrom<"max" | "avg">("max", "avg"),
  batch: fc.integer({ min: 1, max: 2 }),
  channels: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 1, max: 8 }),
  width: fc.integer({ min: 1, max: 8 }),
  kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  stride: fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))),
  padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  ceilMode: fc.boolean(),
  countIncludePad: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

function poolOptions(c: PoolCase) {
  const dilation = c.kind === "max" ? c.dilation : [1, 1] as [number, number];
  return c.kind === "max"
    ? { stride: c.stride, padding: c.padding, dilation, ceilMode: c.ceilMode }
    : { stride: c.stride, padding: c.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad };
}

function run(c: PoolCase, reference: boolean) {
  const x = seeded([c.batch, c.channels, c.height, c.width], c.seed);
  const fn = c.kind === "max" ? (reference ? F.maxPool2dReference : F.maxPool2d) : (reference ? F.avgPool2dReference : F.avgPool2d);
  return { x, apply: (t: typeof x) => fn(t, c.kernel, poolOptions(c)) };
}

/** PyTorch's rules, stated independently of pool2dInfo. */
function validity(c: PoolCase): { ok: true; shape: number[] } | { ok: false; text: string } {
  const dilation = c.kind === "max" ? c.dilation : [1, 1];
  const stride = c.stride ?? c.kernel;
  // PyTorch 2 bounds the padding by half the dilated ("effective") kernel; 1.13 used the plain kernel size.
  if ([0, 1].some((a) => c.padding[a] > Math.floor((dilation[a] * (c.kernel[a] - 1) + 1) / 2))) {
    return { ok: false, text: "pad should be at most half of effective kernel size" };
  }
  const shape = [c.batch, c.channels];
  for (const a of [0, 1]) {
    const size = [c.height, c.width][a], span = dilation[a] * (c.kernel[a] - 1) + 1;
    let out = Math.floor((size + 2 * c.padding[a] - span + (c.ceilMode ? stride[a] - 1 : 0)) / stride[a]) + 1;
    if (c.ceilMode && (out - 1) * stride[a] >= size + c.padding[a]) out--;
    if (out < 1) return { ok: false, text: "is too small" };
    shape.push(out);
  }
  return { ok: true, shape };
}

const describePool = (c: PoolCase) =>
  `F.${c.kind}Pool2d(seeded([${c.batch}, ${c.channels}, ${c.height}, ${c.width}], ${c.seed}), [${c.kernel}], ${JSON.stringify(poolOptions(c))})`;

describe("pooling on random configurations", () => {
  it("equals the reference in values and input gradients, or throws the documented error", () => {
    let valid = 0, invalid = 0;
    assertProperty(poolCase, (c) => {
      const verdict = validity(c);
      const fast = run(c, false), reference = run(c, true);
      if (!verdict.ok) {
        invalid++;
        let thrown: unknown;
        try { fast.apply(fast.x); } catch (error) { thrown = error; }
        if (!(thrown instanceof ShapeError || thrown instanceof ValueError)) throw new Error(`expected an error containing "${verdict.text}", got ${thrown instanceof Error ? thrown.message : "a result"}`);
        if (!(thrown as Error).message.includes(verdict.text)) throw new Error(`wrong message: ${(thrown as Error).message}`);
        return;
      }
      valid++;
      fast.x.requiresGrad = true;
      const out = fast.apply(fast.x);
      expect([...out.shape]).toEqual(verdict.shape);
      expect(poolOutputShape(fast.x.shape, c.kernel, { ...poolOptions(c), dilation: c.kind === "max" ? c.dilation : 1 })).toEqual(verdict.shape);
      expectClose(out.data, reference.apply(reference.x).data, "forward");
      const upstream = seeded([...out.shape], c.seed + 1);
      // A max-pool window that lies wholly on the padding outputs -inf and passes no gradient; leave it out of the
      // finite differences (which would read -inf - -inf = NaN).
      for (let i = 0; i < out.size; i++) if (!Number.isFinite(out.data[i])) upstream.data[i] = 0;
      out.backward(upstream);
      // Random normal inputs have no ties, so max pooling is linear around them.
      expectClose(fast.x.grad!.data, referenceGradient(reference.apply, reference.x, upstream, 1e-6), "input gradient", 1e-6);
    }, describePool);
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });
});

interface LinearCase { rows: number; inFeatures: number; outFeatures: number; bias: boolean; leading: number; seed: number }

describe("linear on random configurations", () => {
  it("equals x·Wᵀ + b written out, with gradients equal to the written-out ones", () => {
    assertProperty(fc.record({
      rows: fc.integer({ min: 1, max: 6 }), inFeatures: fc.integer({ min: 1, max: 40 }), outFeatures: fc.integer({ min: 1, max: 40 }),
      bias: fc.boolean(), leading: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 1_000_000 }),
    }), (c: LinearCase) => {
      const x = seeded([c.leading, c.rows, c.inFeatures], c.seed);
      const w = seeded([c.outFeatures, c.inFeatures], c.seed + 1);
      const b = c.bias ? seeded([c.outFeatures], c.seed + 2) : null;
      const written = (xs: typeof x, ws: typeof w, bs: typeof b) => {
        const out = new Float64Array(c.leading * c.rows * c.outFeatures);
        for (let r = 0; r < c.leading * c.rows; r++) for (let o = 0; o < c.outFeatures; o++) {
          let total = bs ? bs.data[o] : 0;
          for (let i = 0; i < c.inFeatures; i++) total += xs.data[r * c.inFeatures + i] * ws.data[o * c.inFeatures + i];
          out[r * c.outFeatures + o] = total;
        }
        return new (x.constructor as typeof import("../../src/index.js").Tensor)(out, [c.leading, c.rows, c.outFeatures]);
      };
      x.requiresGrad = true; w.requiresGrad = true; if (b) b.requiresGrad = true;
      const out = F.linear(x, w, b);
      expectClose(out.data, written(x, w, b).data, "forward");
      const g = seeded([...out.shape], c.seed + 3);
      out.backward(g);
      // The chain rule written out: dX = G·W, dW = Gᵀ·X, db = Σ_rows G.
      const R = c.leading * c.rows, I = c.inFeatures, O = c.outFeatures;
      const dX = new Float64Array(R * I), dW = new Float64Array(O * I), db = new Float64Array(O);
      for (let r = 0; r < R; r++) for (let o = 0; o < O; o++) {
        const go = g.data[r * O + o];
        db[o] += go;
        for (let i = 0; i < I; i++) { dX[r * I + i] += go * w.data[o * I + i]; dW[o * I + i] += go * x.data[r * I + i]; }
      }
      expectClose(x.grad!.data, dX, "input gradient");
      expectClose(w.grad!.data, dW, "weight gradient");
      if (b) expectClose(b.grad!.data, db, "bias gradient");
      const wrong = seeded([c.outFeatures, c.inFeatures + 1], 0);
      expect(() => F.linear(x, wrong)).toThrow("mat1 and mat2 shapes cannot be multiplied");
    }, (c) => `F.linear(seeded([${c.leading}, ${c.rows}, ${c.inFeatures}], ${c.seed}), seeded([${c.outFeatures}, ${c.inFeatures}], ${c.seed + 1})${c.bias ? `, seeded([${c.outFeatures}], ${c.seed + 2})` : ""})`);
  });
});
