// Printing like PyTorch's torch._tensor_str: same number formats, widths, line wrapping and summarisation,
// so what a notebook prints can be compared with the book line by line.
import type { Tensor } from "./tensor.js";
import { syncView, torchName } from "../autograd/graph.js";

const PRECISION = 4;
const LINE_WIDTH = 80;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Python's '{:.Nf}': JS toFixed rounds exact ties up, Python rounds them to even. */
function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  const scaled = Math.abs(value) * 10 ** digits;
  if (scaled - Math.floor(scaled) === 0.5 && Math.floor(scaled) % 2 === 0) {
    const down = (Math.sign(value) * Math.floor(scaled)) / 10 ** digits;
    return down.toFixed(digits).replace(/^(?!-)/, value < 0 ? "-" : "");
  }
  return text;
}

/** Python's '{:.Ne}': at least two exponent digits. */
function scientific(value: number, digits: number): string {
  return value.toExponential(digits).replace(/e([+-])(\d)$/, "e$10$2");
}

function special(value: number): string | null {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return null;
}

class Formatter {
  private intMode = true;
  private sciMode = false;
  width = 1;

  constructor(private readonly floating: boolean, private readonly boolean: boolean, values: ArrayLike<number>) {
    if (!floating) {
      for (let i = 0; i < values.length; i++) this.width = Math.max(this.width, this.plain(values[i]).length);
      return;
    }
    const finite: number[] = [];
    for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] !== 0) finite.push(values[i]);
    if (finite.length === 0) return;
    const abs = finite.map(Math.abs);
    const min = Math.min(...abs), max = Math.max(...abs);
    this.intMode = finite.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      this.sciMode = max / min > 1000 || max > 1e8;
      for (const v of finite) this.width = Math.max(this.width, this.sciMode ? scientific(v, PRECISION).length : fixed(v, 0).length + 1);
    } else {
      this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
      for (const v of finite) this.width = Math.max(this.width, (this.sciMode ? scientific(v, PRECISION) : fixed(v, PRECISION)).length);
    }
  }

  private plain(value: number): string {
    return this.boolean ? (value ? "True" : "False") : String(value);
  }

  format(value: number): string {
    let text: string;
    if (!this.floating) text = this.plain(value);
    else if (this.sciMode) text = special(value) ?? scientific(value, PRECISION);
    else if (this.intMode) text = special(value) ?? fixed(value, 0) + ".";
    else text = special(value) ?? fixed(value, PRECISION);
    return text.padStart(this.width);
  }
}

function offsetOf(shape: readonly number[], dim: number): number {
  let size = 1;
  for (let d = dim + 1; d < shape.length; d++) size *= shape[d];
  return size;
}

/** The values the formatter measures: only the printed edges when the tensor is summarised. */
function summarizedValues(data: ArrayLike<number>, shape: readonly number[], dim: number, base: number, out: number[]): void {
  const n = shape[dim], stride = offsetOf(shape, dim);
  const indices = n > 2 * EDGE_ITEMS
    ? [...Array(EDGE_ITEMS).keys(), ...Array.from({ length: EDGE_ITEMS }, (_, k) => n - EDGE_ITEMS + k)]
    : [...Array(n).keys()];
  for (const i of indices) {
    if (dim === shape.length - 1) out.push(data[base + i]);
    else summarizedValues(data, shape, dim + 1, base + i * stride, out);
  }
}

function body(data: ArrayLike<number>, shape: readonly number[], dim: number, base: number, indent: number,
  summarize: boolean, formatter: Formatter): string {
  const n = shape[dim], stride = offsetOf(shape, dim);
  const edges = summarize && n > 2 * EDGE_ITEMS;
  if (dim === shape.length - 1) {
    const items: string[] = [];
    const push = (i: number) => items.push(formatter.format(data[base + i]));
    if (edges) {
      for (let i = 0; i < EDGE_ITEMS; i++) push(i);
      items.push(" ...");
      for (let i = n - EDGE_ITEMS; i < n; i++) push(i);
    } else {
      for (let i = 0; i < n; i++) push(i);
    }
    const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (formatter.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
    return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
  }
  const slices: string[] = [];
  const push = (i: number) => slices.push(body(data, shape, dim + 1, base + i * stride, indent + 1, summarize, formatter));
  if (edges) {
    for (let i = 0; i < EDGE_ITEMS; i++) push(i);
    slices.push("...");
    for (let i = n - EDGE_ITEMS; i < n; i++) push(i);
  } else {
    for (let i = 0; i < n; i++) push(i);
  }
  const rank = shape.length - dim;
  return "[" + slices.join("," + "\n".repeat(rank - 1) + " ".repeat(indent + 1)) + "]";
}

export function formatTensor(t: Tensor): string {
  const floating = t.dtype === "float32" || t.dtype === "float64";
  const prefix = "tensor(";
  const suffixes: string[] = [];
  let text: string;
  if (t.size === 0) {
    text = "[]";
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(", ")}${t.shape.length === 1 ? "," : ""})`);
  } else {
    const summarize = t.size > THRESHOLD;
    let measured: ArrayLike<number> = t.data;
    if (summarize && t.ndim > 0) {
      const edges: number[] = [];
      summarizedValues(t.data, t.shape, 0, 0, edges);
      measured = edges;
    }
    const formatter = new Formatter(floating, t.dtype === "bool", measured);
    text = t.ndim === 0 ? formatter.format(t.data[0]).trim() : body(t.data, t.shape, 0, 0, prefix.length, summarize, formatter);
  }
  if (t.dtype === "float64" || t.dtype === "int32") suffixes.push(`dtype=torch.${t.dtype}`);
  if (t.viewBase !== null) syncView(t); // a view whose base was written in place shows its regenerated node
  if (t.gradFn) {
    suffixes.push(`grad_fn=<${torchName(t.gradFn.name)}>`);
  } else if (t.requiresGrad) {
    suffixes.push("requires_grad=True");
  }
  return prefix + [text, ...suffixes].join(", ") + ")";
}
