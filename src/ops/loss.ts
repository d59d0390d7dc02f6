// Loss functions: cross-entropy on logits (log-softmax fused with negative log-likelihood) and mean squared error.
import { record } from "../autograd/graph.js";
import { DTypeError, IndexError, ShapeError, ValueError } from "../errors.js";
import { allocate, isFloat } from "../tensor/dtype.js";
import { formatShape, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkTensor, typeName } from "../tensor/arguments.js";

export type Reduction = "mean" | "sum" | "none";

/** PyTorch's check: any other reduction (a typo such as "avg") is an error, not a silent sum. */
function checkReduction(reduction: unknown, op: string): void {
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new ValueError(`${op}: ${String(reduction)} is not a valid value for reduction (expected 'mean', 'sum' or 'none')`);
  }
}

function classIndices(targets: Tensor | ArrayLike<number>, batch: number, classes: number): Int32Array {
  if (!(targets instanceof Tensor) && (targets === null || typeof targets !== "object" || typeof targets.length !== "number")) {
    throw new ValueError(`crossEntropy: argument 'target' must be a Tensor or an array of class indices, not ${typeName(targets)}`);
  }
  const values = targets instanceof Tensor ? targets.data : targets;
  if (targets instanceof Tensor && targets.ndim !== 1) {
    throw new ShapeError(`crossEntropy: expected target of shape [${batch}] (class indices), but got ${formatShape(targets.shape)}`);
  }
  if (values.length !== batch) {
    throw new ShapeError(`crossEntropy: Expected input batch_size (${batch}) to match target batch_size (${values.length}).`);
  }
  const out = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const t = Number(values[i]);
    if (!Number.isInteger(t)) {
      throw new ValueError(`crossEntropy: expected target class indices (integers), but target[${i}] = ${t}`);
    }
    if (t < 0 || t >= classes) throw new IndexError(`crossEntropy: Target ${t} is out of bounds.`);
    out[i] = t;
  }
  return out;
}

/** Mean (by default) of -log softmax(logits)[target] over the batch; logits are N×C. */
export function crossEntropy(logits: Tensor, targets: Tensor | ArrayLike<number>, { reduction = "mean" as Reduction } = {}): Tensor {
  checkTensor(logits, "crossEntropy", "input");
  checkReduction(reduction, "crossEntropy");
  if (!isFloat(logits.dtype)) throw new DTypeError(`crossEntropy: expected floating point logits, but got ${logits.dtype}`);
  if (logits.ndim !== 2) {
    throw new ShapeError(`crossEntropy: expected logits of shape [N, C], but got ${formatShape(logits.shape)}`);
  }
  const [N, C] = logits.shape;
  const target = classIndices(targets, N, C);
  const xd = logits.data;
  const logProbs = allocate(logits.dtype, N * C); // kept for backward: softmax = exp(logProbs)
  const losses = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, xd[i * C + c]);
    let total = 0;
    for (let c = 0; c < C; c++) total += Math.exp(xd[i * C + c] - max);
    const logTotal = Math.log(total) + max;
    for (let c = 0; c < C; c++) logProbs[i * C + c] = xd[i * C + c] - logTotal;
    losses[i] = -(xd[i * C + target[i]] - logTotal);
  }
  let out: Tensor;
  if (reduction === "none") {
    const values = allocate(logits.dtype, N);
    values.set(losses);
    out = new Tensor(values, [N]);
  } else {
    let total = 0;
    for (let i = 0; i < N; i++) total += losses[i];
    out = Tensor.filled([], reduction === "mean" ? total / N : total, logits.dtype);
  }
  return record(out, "CrossEntropyBackward", [logits], (g) => {
    const grad = allocate(g.dtype, N * C);
    for (let i = 0; i < N; i++) {
      const scale = reduction === "none" ? g.data[i] : reduction === "mean" ? g.data[0] / N : g.data[0];
      for (let c = 0; c < C; c++) grad[i * C + c] = (Math.exp(logProbs[i * C + c]) - (c === target[i] ? 1 : 0)) * scale;
    }
    return [new Tensor(grad, logits.shape)];
  }, [targets instanceof Tensor ? targets : null]); // PyTorch's nll_loss saves its target
}

export function mseLoss(input: Tensor, target: Tensor, { reduction = "mean" as Reduction } = {}): Tensor {
  checkTensor(input, "mseLoss", "input");
  checkTensor(target, "mseLoss", "target");
  checkReduction(reduction, "mseLoss");
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(`mseLoss: Using a target size (${formatShape(target.shape)}) that is different to the input size (${formatShape(input.shape)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`);
  }
  const squared = input.sub(target).square();
  if (reduction === "none") return squared;
  return reduction === "mean" ? squared.mean() : squared.sum();
}
