// Reverse-mode autograd. Each op records, on its output, the closure that applies its local chain rule
// (micrograd's idea) and where each input's gradient goes next; backward() sorts that graph topologically and
// runs the closures in reverse.
//
// In-place writes follow PyTorch. Every in-place op bumps its storage's version counter (version.ts); an op that
// saves tensors for its backward remembers their versions, and backward refuses to run with a saved tensor that
// was written since. A write into a tensor that is part of a graph records its own backward node and makes it the
// tensor's gradFn ("rebasing" the tensor's history), so the gradient flows through the write: elements a slice
// assignment overwrote get no gradient from before the write. Graph edges therefore point at nodes (the GradFn an
// input had when it was used, or the leaf itself), not at tensors, whose gradFn a later write may replace.
import { AutogradError, ShapeError, ValueError } from "../errors.js";
import { typeName } from "../tensor/arguments.js";
import { Tensor } from "../tensor/tensor.js";
import { formatShape, sameShape } from "../tensor/shape.js";
import { lastInPlaceOp, versionOf } from "./version.js";

/** A node of the graph: an op's backward (GradFn), or a leaf tensor whose .grad receives its gradient. */
export type Node = GradFn | Tensor;

/** A tensor an op keeps for its backward, with the version it had then. */
export interface SavedTensor {
  readonly tensor: Tensor;
  readonly version: number;
  /** True when it is the op's own output (sigmoid, exp ...), as PyTorch's message says. */
  readonly isOutput: boolean;
}

export interface GradFn {
  /** The op's name, shown as grad_fn in the tensor's printout (e.g. "Conv2dBackward"). */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Given dL/d(output), returns dL/d(input) for each input (null where none is needed). */
  readonly backward: (gradOutput: Tensor) => (Tensor | null)[];
  /** Where each input's gradient goes: the input's node when the op ran, null when it needs none. */
  readonly next?: readonly (Node | null)[];
  /** The tensors backward reads, checked against in-place writes before it runs. */
  readonly saved?: readonly SavedTensor[];
  /** The tensor that asked to keep this node's gradient (retainGrad()). */
  retainer?: Tensor;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording any op, like `with torch.no_grad():`. Returns fn's result. */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * A reshape view's history after its base was written in place: PyTorch regenerates a view's grad_fn from its
 * base's when the base was rebased. Our views cover the base's whole storage in order, so the view's node is a
 * plain reshape of the base's current node.
 */
export function syncView(view: Tensor): void {
  const base = view.viewBase;
  if (base === null || base.gradFn === view.viewOfFn || !base.requiresGrad) return;
  const fn: GradFn = {
    name: "AsStridedBackward", inputs: [base], next: [base.gradFn ?? base], saved: [],
    backward: (g) => [new Tensor(g.data, base.shape)],
  };
  if (view.retainsGrad) fn.retainer = view;
  view.requiresGrad = true;
  view.gradFn = fn;
  view.viewOfFn = base.gradFn;
}

/** Where a gradient for t goes now: its GradFn, itself for a leaf that requires grad, null when none is needed. */
function edgeOf(t: Tensor): Node | null {
  if (t.viewBase !== null) syncView(t);
  return t.requiresGrad ? t.gradFn ?? t : null;
}

const NOTHING_SAVED: readonly SavedTensor[] = Object.freeze([]);

function save(saved: readonly (Tensor | null)[], output: Tensor | null, versions?: readonly number[]): readonly SavedTensor[] {
  if (saved.length === 0) return NOTHING_SAVED;
  const out: SavedTensor[] = [];
  for (let i = 0; i < saved.length; i++) {
    const t = saved[i];
    if (t !== null) out.push({ tensor: t, version: versions?.[i] ?? versionOf(t), isOutput: t === output });
  }
  return out;
}

/**
 * Attaches a backward closure to an op's output when any input needs a gradient. `saved` lists the tensors the
 * closure reads (inputs, or the output itself), as PyTorch's derivative formula saves them: an in-place write
 * to one of them after this op makes backward throw instead of using the new values.
 */
export function record(
  output: Tensor, name: string, inputs: Tensor[], backward: (gradOutput: Tensor) => (Tensor | null)[],
  saved: readonly (Tensor | null)[] = [],
): Tensor {
  if (!gradEnabled) return output;
  let needed = false;
  const next: (Node | null)[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t.viewBase !== null) syncView(t);
    if (t.requiresGrad) {
      needed = true;
      next[i] = t.gradFn ?? t;
    } else next[i] = null;
  }
  if (needed) {
    output.requiresGrad = true;
    output.gradFn = { name, inputs, backward, next, saved: save(saved, output) };
  }
  return output;
}

/**
 * Checks, before an in-place write to `target`, what PyTorch checks: a leaf that requires grad (or a view of one)
 * cannot be written in place while grad mode is on. `throughView`: the write goes through an indexing view, as
 * PyTorch's X[i] = v does, so a leaf gets the view message PyTorch gives.
 */
export function checkInPlace(target: Tensor, op: string, throughView = false): void {
  if (!gradEnabled) return;
  if (target.requiresGrad && target.isLeaf && target.viewBase === null && !throughView) {
    throw new AutogradError(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  const base = target.viewBase ?? (throughView ? target : null);
  if (base !== null && base.requiresGrad && base.isLeaf) {
    throw new AutogradError(`${op}: a view of a leaf Variable that requires grad is being used in an in-place operation.`);
  }
}

/**
 * Records an in-place write to `target` (after the write, the version already bumped): when the target or a value
 * written into it needs a gradient, a node `name` becomes the target's gradFn. Its backward gets dL/d(new target)
 * in the target's shape and returns [dL/d(target before the write), dL/d(others[0]), ...]. A write into a reshape
 * view rebases the view's base (they share one storage), and the view becomes a reshape of it. `savedVersions`:
 * the saved tensors' versions before the write (PyTorch saves them then; one that shares the target's storage is
 * then already stale, and backward refuses, as PyTorch's does for x.mul_(view of x)).
 */
export function recordInPlace(
  target: Tensor, name: string, others: Tensor[], backward: (gradOutput: Tensor) => (Tensor | null)[],
  saved: readonly (Tensor | null)[] = [], savedVersions?: readonly number[],
): void {
  if (!gradEnabled) return;
  const base = target.viewBase ?? target;
  if (base !== target) syncView(target);
  const othersEdges = others.map(edgeOf);
  const old = edgeOf(base);
  if (old === null && othersEdges.every((e) => e === null)) return;
  const fn: GradFn = {
    name, inputs: [base, ...others], next: [old, ...othersEdges], saved: save(saved, null, savedVersions),
    backward: base === target ? backward : (g) => {
      const grads = backward(new Tensor(g.data, target.shape));
      if (grads[0]) grads[0] = new Tensor(grads[0].data, base.shape);
      return grads;
    },
  };
  if (base.retainsGrad) fn.retainer = base;
  base.requiresGrad = true;
  base.gradFn = fn;
  if (base !== target) syncView(target);
}

/** PyTorch's name of a node: SigmoidBackward0 for our SigmoidBackward; CopySlices and CopyBackwards as they are. */
export function torchName(name: string): string {
  return /\d$/.test(name) || name === "CopySlices" || name === "CopyBackwards" ? name : name + "0";
}

function torchType(t: Tensor): string {
  const names = { float32: "Float", float64: "Double", int32: "Int", bool: "Bool" } as const;
  return `torch.${names[t.dtype]}Tensor`;
}

/** Throws PyTorch's error when a tensor this node saved was written in place after the op ran. */
function checkSaved(fn: GradFn): void {
  if (fn.saved === undefined) return;
  for (const s of fn.saved) {
    const now = versionOf(s.tensor);
    if (now === s.version) continue;
    // PyTorch names the node that made the tensor: this one for its own output, else the tensor's gradFn now.
    if (!s.isOutput && s.tensor.viewBase !== null) syncView(s.tensor);
    const maker = s.isOutput ? fn : s.tensor.gradFn;
    const which = maker === null ? "" : `, which is output 0 of ${torchName(maker.name)},`;
    throw new AutogradError(`${torchName(fn.name)}: one of the variables needed for gradient computation has been `
      + `modified by an inplace operation: [${torchType(s.tensor)} ${formatShape(s.tensor.shape)}]${which} is at version `
      + `${now}; expected version ${s.version} instead. The last write was ${lastInPlaceOp(s.tensor)}. Hint: write to a `
      + "clone() of the tensor, or write after backward().");
  }
}

/** The nodes a node sends gradients to (a GradFn built by hand, without `next`, is read from its inputs). */
function nextOf(fn: GradFn): readonly (Node | null)[] {
  return fn.next ?? fn.inputs.map(edgeOf);
}

/**
 * Orders every node reachable from root so that a node comes after all nodes that use it.
 * Iterative depth-first search with an explicit stack: JS call stacks are too shallow for long graphs.
 */
function topologicalOrder(root: Node): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>();
  const edgesOf = (node: Node) => (node instanceof Tensor ? [] : nextOf(node));
  const stack: { node: Node; edges: readonly (Node | null)[]; next: number }[] = [{ node: root, edges: edgesOf(root), next: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next < frame.edges.length) {
      const input = frame.edges[frame.next++];
      if (input !== null && !visited.has(input)) {
        visited.add(input);
        stack.push({ node: input, edges: edgesOf(input), next: 0 });
      }
    } else {
      order.push(frame.node);
      stack.pop();
    }
  }
  return order.reverse();
}

/** Accumulates dL/d(every leaf) into `.grad`, as `loss.backward(gradient)` does in PyTorch. */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (root.viewBase !== null) syncView(root);
  if (!root.requiresGrad) {
    throw new AutogradError("backward: element 0 of tensors does not require grad and does not have a grad_fn");
  }
  if (gradient !== undefined && !(gradient instanceof Tensor)) {
    throw new ValueError(`backward: argument 'gradient' must be a Tensor, not ${typeName(gradient)}`);
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.size !== 1) throw new AutogradError("backward: grad can be implicitly created only for scalar outputs");
    seed = Tensor.filled(root.shape, 1, root.dtype);
  } else {
    if (!sameShape(gradient.shape, root.shape)) {
      throw new ShapeError(`backward: Mismatch in shape: grad_output[0] has a shape of ${formatShape(gradient.shape)} and output[0] has a shape of ${formatShape(root.shape)}.`);
    }
    seed = gradient.to(root.dtype);
  }
  const rootNode: Node = root.gradFn ?? root;
  const order = topologicalOrder(rootNode);
  // Every saved tensor is checked before any gradient is computed, so a refused backward leaves .grad untouched.
  for (const node of order) if (!(node instanceof Tensor)) checkSaved(node);
  const grads = new Map<Node, Tensor>([[rootNode, seed]]);
  const previous = gradEnabled;
  gradEnabled = false; // backward closures compute plain numbers; no graph of the graph
  try {
    for (const node of order) {
      const grad = grads.get(node);
      if (grad === undefined) continue;
      grads.delete(node); // free intermediate gradients as soon as they are used
      if (node instanceof Tensor) {
        node.accumulateGrad(grad);
        continue;
      }
      const retainer = node === rootNode && root.retainsGrad ? root : node.retainer;
      if (retainer !== undefined && retainer.retainsGrad && retainer.gradFn === node) retainer.accumulateGrad(grad);
      const inputGrads = node.backward(grad);
      nextOf(node).forEach((input, i) => {
        const g = inputGrads[i];
        if (g === null || g === undefined || input === null) return;
        const seen = grads.get(input);
        grads.set(input, seen === undefined ? g : sumOf(seen, g));
      });
    }
  } finally {
    gradEnabled = previous;
  }
}

/** a + b for two gradients of one shape, into a new tensor: a gradient may share storage with a tensor in use. */
function sumOf(a: Tensor, b: Tensor): Tensor {
  const out = a.data.slice();
  const bd = b.data;
  for (let i = 0; i < out.length; i++) out[i] += bd[i];
  return new Tensor(out, a.shape);
}
