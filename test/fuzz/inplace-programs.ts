// Programs of ops and in-place edits over [3, 4] nodes, run by convlab exactly as
// test/fixtures/torch/generate_inplace.py runs them in PyTorch (read that file for the format).
import fc from "fast-check";
import { AutogradError, F, Tensor } from "../../src/index.js";

export type OpName = "add" | "mul" | "sub" | "div" | "tanh" | "sigmoid" | "exp" | "relu" | "softmax" | "logsoftmax" | "log"
  | "sqrt" | "abs" | "matmul" | "rowsum" | "slice" | "max" | "view" | "viewflat" | "clone" | "detach";
export type InPlaceName = "add_" | "sub_" | "mul_" | "mul_s" | "fill_" | "set_s" | "set_t" | "copy_";
export type Step = { op: OpName; a: number; b: number } | { op: InPlaceName; t: number; b: number; v: number; spec: string };

export interface Program {
  leaves: number[][];
  const: number[];
  weights: number[];
  steps: Step[];
}

export type Outcome = { grads: (number[] | null)[] } | { error: "leaf" | "view-leaf" | "version" | "other"; message: string };

export const OPS: OpName[] = ["add", "mul", "sub", "div", "tanh", "sigmoid", "exp", "relu", "softmax", "logsoftmax", "log",
  "sqrt", "abs", "matmul", "rowsum", "slice", "max", "view", "viewflat", "clone", "detach"];
export const IN_PLACE: InPlaceName[] = ["add_", "sub_", "mul_", "mul_s", "fill_", "set_s", "set_t", "copy_"];
export const SPECS = [":, 1:3", "0", "1:, 2", ":, 0", "2, 1:", ":2, ::2"];

function op(name: OpName, x: Tensor, y: Tensor): Tensor {
  switch (name) {
    case "add": return x.add(y);
    case "mul": return x.mul(y);
    case "sub": return x.sub(y.mul(0.5));
    case "div": return x.div(y.mul(y).add(1));
    case "tanh": return x.tanh();
    case "sigmoid": return x.sigmoid();
    case "exp": return x.mul(0.3).exp();
    case "relu": return x.relu();
    case "softmax": return F.softmax(x, 1);
    case "logsoftmax": return F.logSoftmax(x, 0);
    case "log": return x.mul(x).add(1).log();
    case "sqrt": return x.mul(x).add(1).sqrt();
    case "abs": return x.abs();
    case "matmul": return x.matmul(y.T).matmul(y).div(4);
    case "rowsum": return x.sum(1, true).add(y);
    case "slice": return x.get(":, 1:3").sum(1, true).mul(y);
    case "max": return x.max().mul(y);
    case "view": return x.view(3, 4);
    case "viewflat": return x.view(12).view(3, 4);
    case "clone": return x.clone();
    case "detach": return x.detach();
  }
}

function inPlace(step: Extract<Step, { t: number }>, nodes: Tensor[]): void {
  const t = nodes[step.t];
  switch (step.op) {
    case "add_": t.addInPlace(nodes[step.b]); break;
    case "sub_": t.subInPlace(step.v); break;
    case "mul_": t.mulInPlace(nodes[step.b]); break;
    case "mul_s": t.mulInPlace(step.v); break;
    case "fill_": t.fill(step.v); break;
    case "set_s": t.set(step.spec, step.v); break;
    case "set_t": t.set(step.spec, nodes[step.b].get(step.spec)); break;
    case "copy_": t.fill(nodes[step.b]); break; // fill with a tensor is PyTorch's copy_
  }
}

const float64 = (values: number[]) => new Tensor(Float64Array.from(values), [3, 4]);

function kindOf(message: string): "leaf" | "view-leaf" | "version" | "other" {
  if (message.includes("view of a leaf")) return "view-leaf";
  if (message.includes("leaf Variable")) return "leaf";
  return message.includes("modified by an inplace operation") ? "version" : "other";
}

/** The program's leaves (float64, requiring grad), for gradcheck. */
export function leavesOf(program: Program): Tensor[] {
  return program.leaves.map((values) => {
    const leaf = float64(values);
    leaf.requiresGrad = true;
    return leaf;
  });
}

/** The loss sum(node · W) over every node, computed from the given leaves. */
export function lossOf(program: Program, leaves: Tensor[]): Tensor {
  const nodes = [...leaves, float64(program.const)];
  for (const step of program.steps) {
    if ("t" in step) inPlace(step, nodes);
    else nodes.push(op(step.op, nodes[step.a], nodes[step.b]));
  }
  const W = float64(program.weights);
  return nodes.map((n) => n.mul(W).sum()).reduce((p, q) => p.add(q));
}

/** Runs a program: the leaves' gradients, or the kind of error and its message. */
export function run(program: Program): Outcome {
  const leaves = leavesOf(program);
  let loss: Tensor;
  try {
    loss = lossOf(program, leaves);
    loss.backward();
  } catch (error) {
    if (!(error instanceof AutogradError)) throw error;
    return { error: kindOf(error.message), message: error.message };
  }
  return { grads: leaves.map((l) => (l.grad === null ? null : Array.from(l.grad.data))) };
}

/**
 * Random programs for fast-check, drawn as generate_inplace.py draws its own, without detach (whose cut gradient
 * finite differences cannot see).
 */
export const programs: fc.Arbitrary<Program> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  length: fc.integer({ min: 2, max: 9 }),
}).map(({ seed, length }) => {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const values = () => Array.from({ length: 12 }, () => Math.round((random() * 4 - 2) * 1e6) / 1e6);
  let count = 3;
  const steps: Step[] = [];
  for (let i = 0; i < length; i++) {
    if (random() < 0.55 || count === 3) {
      steps.push({ op: pick(OPS.filter((o) => o !== "detach")), a: Math.floor(random() * count), b: Math.floor(random() * count) });
      count++;
    } else {
      const t = random() < 0.1 ? Math.floor(random() * count) : 2 + Math.floor(random() * (count - 2));
      let b = Math.floor(random() * count);
      if (b === t) b = (t + 1) % count;
      steps.push({ op: pick(IN_PLACE), t, b, v: Math.round((random() * 4 - 2) * 1000) / 1000, spec: pick(SPECS) });
    }
  }
  return { leaves: [values(), values()], const: values(), weights: values(), steps };
});
