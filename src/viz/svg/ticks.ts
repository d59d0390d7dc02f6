// Axis ticks: "nice" values (1, 2, 5 × 10^k) across a range, and how to print them.

export function niceTicks(from: number, to: number, targetCount: number, integerOnly = false): number[] {
  const low = Math.min(from, to), high = Math.max(from, to);
  if (!(high > low)) return [low];
  const rough = (high - low) / Math.max(1, targetCount);
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  if (integerOnly) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let k = Math.ceil(low / step - 1e-9); k * step <= high + 1e-9 * step; k++) {
    const v = k * step;
    ticks.push(k === 0 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

export function formatTick(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(6)));
}
