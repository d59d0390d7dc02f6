// Shared pieces of the property-based tests: how many runs, deterministic data, reference gradients, and
// a failure message that is a ready-to-paste reproduction.
import fc from "fast-check";
import { Generator, Tensor } from "../../src/index.js";

/** A few hundred configurations in `npm test`; `npm run test:fuzz` sets CONVLAB_FUZZ_RUNS=10000. */
export const RUNS = Number(process.env.CONVLAB_FUZZ_RUNS ?? 150);
/** fast-check's seed: fixed in npm test so CI is repeatable; random in the nightly-size run (fast-check prints it on a failure). */
export const SEED = process.env.CONVLAB_FUZZ_SEED !== undefined ? Number(process.env.CONVLAB_FUZZ_SEED)
  : process.env.CONVLAB_FUZZ_RUNS ? Date.now() % 2 ** 31 : 20261125;

export function assertProperty<T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => void, describeCase: (value: T) => string): void {
  fc.assert(fc.property(arbitrary, (value) => {
    try {
      check(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\nreproduce with: ${describeCase(value)}`);
    }
  }), { numRuns: RUNS, seed: SEED, endOnFailure: false });
}

/** float64 values from a seeded stream, so a configuration fully determines its tensors. */
export function seeded(shape: number[], seed: number): Tensor {
  const generator = new Generator(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = generator.normal();
  return new Tensor(data, shape);
}

/**
 * d/dx of sum(R · f(x)) computed from the forward-only reference by central differences. The ops are linear (conv
 * in input and in weight, average pooling) or piecewise linear (max pooling away from ties), so with float64 the
 * differences are exact up to rounding.
 */
export function referenceGradient(f: (x: Tensor) => Tensor, x: Tensor, upstream: Tensor, eps = 1e-3): Float64Array {
  const grad = new Float64Array(x.size);
  const weighted = (t: Tensor) => {
    let total = 0;
    for (let i = 0; i < t.size; i++) if (upstream.data[i] !== 0) total += t.data[i] * upstream.data[i];
    return total;
  };
  for (let k = 0; k < x.size; k++) {
    const saved = x.data[k];
    x.data[k] = saved + eps;
    const plus = weighted(f(x));
    x.data[k] = saved - eps;
    const minus = weighted(f(x));
    x.data[k] = saved;
    grad[k] = (plus - minus) / (2 * eps);
  }
  return grad;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance = 1e-9): void {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!(Math.abs(a - e) <= tolerance * (1 + Math.abs(e)))) {
      throw new Error(`${what}: element ${i} is ${a}, expected ${e}`);
    }
  }
}
