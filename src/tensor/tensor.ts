// The Tensor: a contiguous row-major typed array, a shape, and what autograd needs.
// Methods are thin: each delegates to the op file that holds the op's checks, forward and backward.
import { backward as runBackward, type GradFn } from "../autograd/graph.js";
import { AutogradError, DTypeError, ValueError } from "../errors.js";
import * as elementwise from "../ops/elementwise.js";
import * as reduce from "../ops/reduce.js";
import * as shapeOps from "../ops/shape-ops.js";
import * as indexing from "../ops/indexing.js";
import { matmul } from "../ops/matmul.js";
import * as activation from "../ops/activation.js";
import { allocate, dtypeOf, type DType, type Storage } from "./dtype.js";
import { formatTensor } from "./format.js";
import { formatShape, sizeOf, type Shape } from "./shape.js";
import type { SliceSpec } from "../ops/indexing.js";

export type NestedArray = number | boolean | NestedArray[];
export type Operand = Tensor | number;

export class Tensor {
  /** Contiguous row-major values. Ops never return strided views; reshape shares this array. */
  data: Storage;
  readonly shape: readonly number[];
  requiresGrad = false;
  /** Accumulated dL/d(this) after backward(); null until then. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, for autograd; null for leaves. */
  gradFn: GradFn | null = null;
  /** Non-leaf tensors keep their gradient only when asked, as in PyTorch. */
  retainsGrad = false;
  /** For a reshape view: the tensor that owns the storage it shares (PyTorch's ._base); null otherwise. */
  viewBase: Tensor | null = null;
  /** For a reshape view: the base's gradFn when this view's gradFn was made (autograd/graph.ts syncView). */
  viewOfFn: GradFn | null = null;

  constructor(data: Storage, shape: Shape) {
    if (data.length !== sizeOf(shape)) {
      throw new ValueError(`tensor: storage of ${data.length} elements cannot hold shape ${formatShape(shape)}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  static filled(shape: Shape, value: number, dtype: DType): Tensor {
    const data = allocate(dtype, sizeOf(shape));
    if (value !== 0) data.fill(value);
    return new Tensor(data, shape);
  }

  get dtype(): DType { return dtypeOf(this.data); }
  /** Number of elements (PyTorch's numel()). */
  get size(): number { return this.data.length; }
  get ndim(): number { return this.shape.length; }
  numel(): number { return this.data.length; }
  /** True for tensors created by the user rather than by an op. */
  get isLeaf(): boolean { return this.gradFn === null; }

  // ---- reading values ----
  item(): number {
    if (this.size !== 1) throw new ValueError(`item: a Tensor with ${this.size} elements cannot be converted to Scalar`);
    return this.data[0];
  }
  /** Nested JS arrays (numbers; booleans for bool tensors), like tensor.tolist(). */
  toArray(): NestedArray {
    const values = this.dtype === "bool" ? Array.from(this.data, (v) => v !== 0) : Array.from(this.data);
    if (this.ndim === 0) return values[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = dim === this.ndim - 1 ? values[offset + i] : build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }
  /** A flat copy of the values. */
  dataSync(): Storage { return this.data.slice(); }
  toString(): string { return formatTensor(this); }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return formatTensor(this); }

  // ---- autograd ----
  backward(gradient?: Tensor): void { runBackward(this, gradient); }
  /** Keeps this non-leaf tensor's gradient in `.grad` after backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    if (this.gradFn !== null) this.gradFn.retainer = this;
    return this;
  }
  zeroGrad(): void { this.grad = null; }
  /** A tensor with the same storage, cut from the graph. */
  detach(): Tensor { return new Tensor(this.data, this.shape); }
  /** Sets requiresGrad in place, like requires_grad_(). */
  requiresGrad_(value = true): this {
    if (value && this.dtype !== "float32" && this.dtype !== "float64") {
      throw new DTypeError(`requiresGrad: only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    }
    if (!value && !this.isLeaf) {
      throw new AutogradError("requiresGrad: you can only change requires_grad flags of leaf variables.");
    }
    this.requiresGrad = value;
    return this;
  }
  /** Adds g into .grad (autograd calls this on leaves). */
  accumulateGrad(g: Tensor): void {
    if (this.grad === null) {
      this.grad = new Tensor(g.data.slice(), this.shape);
    } else {
      const dst = this.grad.data;
      const src = g.data;
      for (let i = 0; i < dst.length; i++) dst[i] += src[i];
    }
  }

  // ---- conversion ----
  to(dtype: DType): Tensor { return elementwise.cast(this, dtype); }
  float(): Tensor { return this.to("float32"); }
  double(): Tensor { return this.to("float64"); }
  int(): Tensor { return this.to("int32"); }
  clone(): Tensor { return elementwise.cast(this, this.dtype, true); }

  // ---- shape ----
  reshape(...shape: (number | number[])[]): Tensor { return shapeOps.reshape(this, shape.flat()); }
  view(...shape: (number | number[])[]): Tensor { return shapeOps.reshape(this, shape.flat()); }
  flatten(startDim = 0, endDim = -1): Tensor { return shapeOps.flatten(this, startDim, endDim); }
  transpose(dim0: number, dim1: number): Tensor { return shapeOps.transpose(this, dim0, dim1); }
  /** The matrix transpose of a 2-D tensor (PyTorch's .T). */
  get T(): Tensor { return shapeOps.permute(this, [...this.shape.keys()].reverse()); }
  permute(...dims: (number | number[])[]): Tensor { return shapeOps.permute(this, dims.flat()); }
  squeeze(dim?: number): Tensor { return shapeOps.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return shapeOps.unsqueeze(this, dim); }
  /** Reads a slice as a new tensor: `X.get(":, 2:6")`, `X.get([null, [2, 6]])`, `X.get(0)`. */
  get(spec: SliceSpec): Tensor { return indexing.get(this, spec); }
  /** Writes in place: `X.set(":, 2:6", 0)` is PyTorch's `X[:, 2:6] = 0`. Returns this. */
  set(spec: SliceSpec, value: Operand | NestedArray): this { indexing.set(this, spec, value); return this; }

  // ---- elementwise arithmetic (broadcasting) ----
  add(other: Operand): Tensor { return elementwise.add(this, other); }
  sub(other: Operand): Tensor { return elementwise.sub(this, other); }
  mul(other: Operand): Tensor { return elementwise.mul(this, other); }
  div(other: Operand): Tensor { return elementwise.div(this, other); }
  pow(exponent: Operand): Tensor { return elementwise.pow(this, exponent); }
  neg(): Tensor { return elementwise.neg(this); }
  exp(): Tensor { return elementwise.exp(this); }
  log(): Tensor { return elementwise.log(this); }
  abs(): Tensor { return elementwise.abs(this); }
  sqrt(): Tensor { return elementwise.sqrt(this); }
  square(): Tensor { return elementwise.mul(this, this); }
  eq(other: Operand): Tensor { return elementwise.compare(this, other, "eq"); }
  ne(other: Operand): Tensor { return elementwise.compare(this, other, "ne"); }
  gt(other: Operand): Tensor { return elementwise.compare(this, other, "gt"); }
  lt(other: Operand): Tensor { return elementwise.compare(this, other, "lt"); }
  ge(other: Operand): Tensor { return elementwise.compare(this, other, "ge"); }
  le(other: Operand): Tensor { return elementwise.compare(this, other, "le"); }
  /** In-place update without autograd, for optimizers and `weight.data -= lr * grad` style code. */
  subInPlace(other: Operand): this { elementwise.inPlace(this, other, "sub"); return this; }
  addInPlace(other: Operand): this { elementwise.inPlace(this, other, "add"); return this; }
  mulInPlace(other: Operand): this { elementwise.inPlace(this, other, "mul"); return this; }
  /** x.fill_(v) with a number; with a tensor (broadcast to x's shape), PyTorch's x.copy_(v), gradients and all. */
  fill(value: Operand): this { elementwise.inPlace(this, value, "fill"); return this; }

  // ---- activations ----
  sigmoid(): Tensor { return activation.sigmoid(this); }
  relu(): Tensor { return activation.relu(this); }
  tanh(): Tensor { return activation.tanh(this); }
  softmax(dim: number): Tensor { return activation.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return activation.logSoftmax(this, dim); }

  // ---- reductions ----
  sum(dim?: number | number[], keepdim = false): Tensor { return reduce.sum(this, dim, keepdim); }
  mean(dim?: number | number[], keepdim = false): Tensor { return reduce.mean(this, dim, keepdim); }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? reduce.maxAll(this, "max") : reduce.maxDim(this, dim, keepdim, "max");
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? reduce.maxAll(this, "min") : reduce.maxDim(this, dim, keepdim, "min");
  }
  argmax(dim?: number, keepdim = false): Tensor { return reduce.argmax(this, dim, keepdim, "max"); }
  argmin(dim?: number, keepdim = false): Tensor { return reduce.argmax(this, dim, keepdim, "min"); }

  matmul(other: Tensor): Tensor { return matmul(this, other); }
}
