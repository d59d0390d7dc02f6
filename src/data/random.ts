// A small seeded stream for shuffling. Only integers are needed here; the tensor library's own
// Generator offers the same int(n), so either can drive a DataLoader.

export interface IntegerRandom {
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/** mulberry32: 32-bit state, fast, good enough to shuffle (not for cryptography). */
export class SeededRandom implements IntegerRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
