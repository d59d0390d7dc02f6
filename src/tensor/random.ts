// Seedable random numbers. The engine is the 32-bit Mersenne Twister that PyTorch's CPU generator uses, and
// uniform floats are built from its output the way ATen does (24 random bits for float32, 53 for float64),
// so that manualSeed(n) followed by rand(...) can reproduce torch.manual_seed(n); torch.rand(...).
import { ValueError } from "../errors.js";

const N = 624;
const M = 397;
/** PyTorch's default seed for a fresh process (c10::detail::default_rng_seed_val). */
export const DEFAULT_SEED = 67280421310721;

export class Generator {
  private readonly state = new Uint32Array(N);
  private index = N;
  private cachedNormal: number | null = null;
  private seedValue = DEFAULT_SEED;

  constructor(seed: number = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ValueError(`manual_seed: expected a non-negative integer seed, but got ${seed}`);
    this.seedValue = seed;
    // ATen seeds the twister with the low 32 bits of the seed.
    this.state[0] = seed % 2 ** 32;
    for (let j = 1; j < N; j++) {
      const prev = this.state[j - 1] ^ (this.state[j - 1] >>> 30);
      this.state[j] = Math.imul(1812433253, prev) + j;
    }
    this.index = N;
    this.cachedNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seedValue;
  }

  /**
   * One short line, as PyTorch prints `<torch._C.Generator object at 0x…>`: `manualSeed(0)` ending a notebook cell
   * shows this instead of the 624 words of twister state.
   */
  toString(): string {
    return `<Generator seed=${this.seedValue}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** The next 32 random bits as an unsigned integer (mt19937's operator()). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & 0x80000000) | (s[(i + 1) % N] & 0x7fffffff);
      s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** Uniform in [0, 1) with float32 resolution (24 bits), as torch.rand for float32. */
  uniform24(): number {
    return (this.nextUint32() & 0xffffff) / 0x1000000;
  }

  /** Uniform in [0, 1) with float64 resolution (53 bits from two draws), as torch.rand for float64. */
  uniform53(): number {
    const hi = this.nextUint32(), lo = this.nextUint32();
    // ((hi << 32) | lo) & (2^53 - 1), then scaled by 2^-53.
    return ((hi & 0x1fffff) * 2 ** 32 + lo) / 2 ** 53;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform53();
  }

  /** A standard normal sample (Box-Muller on two uniforms, caching the second value). */
  normal(): number {
    if (this.cachedNormal !== null) {
      const value = this.cachedNormal;
      this.cachedNormal = null;
      return value;
    }
    const u1 = this.uniform53(), u2 = this.uniform53();
    const radius = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta);
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError(`random: expected a positive integer bound, but got ${n}`);
    return Math.floor(this.uniform53() * n);
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i]; out[i] = out[j]; out[j] = t;
    }
    return out;
  }
}

/** The generator used by rand, randn and initialisation unless one is passed. */
export const defaultGenerator = new Generator();

/** Seeds the default generator, like torch.manual_seed. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/**
 * Fills `out` with standard normals the way ATen's normal_fill does for 16 or more elements:
 * uniforms first, then Box-Muller on blocks of 16 (the first 8 paired with the last 8).
 */
export function fillNormal(out: Float32Array | Float64Array, generator: Generator, mean = 0, std = 1): void {
  const size = out.length;
  const uniform = () => (out instanceof Float32Array ? generator.uniform24() : generator.uniform53());
  if (size < 16) {
    for (let i = 0; i < size; i++) out[i] = generator.normal() * std + mean;
    return;
  }
  for (let i = 0; i < size; i++) out[i] = uniform();
  const block = (start: number) => {
    for (let j = 0; j < 8; j++) {
      const u1 = 1 - out[start + j];
      const u2 = out[start + j + 8];
      const radius = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      out[start + j] = radius * Math.cos(theta) * std + mean;
      out[start + j + 8] = radius * Math.sin(theta) * std + mean;
    }
  };
  for (let i = 0; i + 16 <= size; i += 16) block(i);
  if (size % 16 !== 0) {
    // ATen redraws the last 16 values so the tail gets a full block.
    const start = size - 16;
    for (let i = 0; i < 16; i++) out[start + i] = uniform();
    block(start);
  }
}
