// Reverse-mode autograd. Each op records, on its output, the closure that applies its local chain rule
// (micrograd's idea); backward() sorts the graph topologically and runs those closures in reverse.
import { AutogradError, ShapeError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { formatShape, sameShape } from "../tensor/shape.js";

export interface GradFn {
  /** The op's name, shown as grad_fn in the tensor's printout (e.g. "Conv2dBackward"). */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Given dL/d(output), returns dL/d(input) for each input (null where none is needed). */
  readonly backward: (gradOutput: Tensor) => (Tensor | null)[];
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

/** Attaches a backward closure to an op's output when any input needs a gradient. */
export function record(
  output: Tensor, name: string, inputs: Tensor[], backward: (gradOutput: Tensor) => (Tensor | null)[],
): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    output.requiresGrad = true;
    output.gradFn = { name, inputs, backward };
  }
  return output;
}

/**
 * Orders every tensor reachable from root so that a tensor comes after all tensors that use it.
 * Iterative depth-first search with an explicit stack: JS call stacks are too shallow for long graphs.
 */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { tensor: Tensor; next: number }[] = [{ tensor: root, next: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const inputs = frame.tensor.gradFn?.inputs ?? [];
    if (frame.next < inputs.length) {
      const input = inputs[frame.next++];
      if (input.requiresGrad && !visited.has(input)) {
        visited.add(input);
        stack.push({ tensor: input, next: 0 });
      }
    } else {
      order.push(frame.tensor);
      stack.pop();
    }
  }
  return order.reverse();
}

/** Accumulates dL/d(every leaf) into `.grad`, as `loss.backward(gradient)` does in PyTorch. */
export function backward(root: Tensor, gradient?: Tensor): void {
  if (!root.requiresGrad) {
    throw new AutogradError("backward: element 0 of tensors does not require grad and does not have a grad_fn");
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
  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const previous = gradEnabled;
  gradEnabled = false; // backward closures compute plain numbers; no graph of the graph
  try {
    for (const tensor of order) {
      const grad = grads.get(tensor);
      if (grad === undefined) continue;
      grads.delete(tensor); // free intermediate gradients as soon as they are used
      const fn = tensor.gradFn;
      if (fn === null) {
        tensor.accumulateGrad(grad);
        continue;
      }
      if (tensor.retainsGrad) tensor.accumulateGrad(grad);
      const inputGrads = fn.backward(grad);
      fn.inputs.forEach((input, i) => {
        const g = inputGrads[i];
        if (g === null || g === undefined || !input.requiresGrad) return;
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
