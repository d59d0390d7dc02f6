// Module: a layer or a model. Like torch.nn.Module, parameters and sub-modules are found from the fields
// a module sets (in the order it sets them), which is where PyTorch-style names such as "0.weight" come from.
import { noGrad } from "../autograd/graph.js";
import { bumpVersion } from "../autograd/version.js";
import { ShapeError, ValueError } from "../errors.js";
import type { FloatDType } from "../tensor/dtype.js";
import { formatShape, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkTensor, typeName } from "../tensor/arguments.js";

export abstract class Module {
  /** train() / eval() switch; layers whose behaviour differs between the two read it. */
  training = true;

  abstract forward(input: Tensor): Tensor;

  /**
   * This layer and the first `layers` of the ones after it as one fused op (nn.Sequential asks, passing the layers
   * that follow): the output they would give one after another, computed faster, or null when there is no such
   * fusion. Only ever a speed-up: same numbers, same gradients.
   */
  fuse(_following: readonly Module[], _input: Tensor): { output: Tensor; layers: number } | null {
    return null;
  }

  /** PyTorch's `module(x)`. */
  call(input: Tensor): Tensor {
    return this.forward(input);
  }

  /** Direct sub-modules with their names, in the order they were assigned. */
  namedChildren(): [string, Module][] {
    return Object.entries(this).filter((entry): entry is [string, Module] => entry[1] instanceof Module);
  }

  /** Tensors that are this module's own parameters (not those of sub-modules). */
  protected ownParameters(): [string, Tensor][] {
    return Object.entries(this).filter((entry): entry is [string, Tensor] => entry[1] instanceof Tensor && entry[1].requiresGrad);
  }

  /** Every module in the tree, depth first, with dotted names ("" for this one). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, p] of module.ownParameters()) out.push([prefix ? `${prefix}.${name}` : name, p]);
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Number of trainable values. */
  parameterCount(): number {
    return this.parameters().reduce((total, p) => total + p.size, 0);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every module, children first, as torch's Module.apply (used for custom initialisation). */
  apply(fn: (module: Module) => void): this {
    for (const [, child] of this.namedChildren()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Converts every parameter to dtype in place (float32 or float64). */
  to(dtype: FloatDType): this {
    for (const [, module] of this.namedModules()) {
      for (const [name, p] of module.ownParameters()) {
        const converted = noGrad(() => p.to(dtype).clone());
        converted.requiresGrad = true;
        (module as unknown as Record<string, Tensor>)[name] = converted;
      }
    }
    return this;
  }

  /** Parameter values by name (copies), like state_dict(). */
  stateDict(): Map<string, Tensor> {
    return new Map(this.namedParameters().map(([name, p]) => [name, p.detach().clone()]));
  }

  /** Copies values into the parameters; names and shapes must match exactly. */
  loadStateDict(state: Map<string, Tensor> | Record<string, Tensor>): void {
    if (state === null || typeof state !== "object") {
      throw new ValueError(`load_state_dict: expected a Map or an object of Tensors, but got ${typeName(state)}`);
    }
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const params = new Map(this.namedParameters());
    const missing = [...params.keys()].filter((k) => !entries.has(k));
    const unexpected = [...entries.keys()].filter((k) => !params.has(k));
    if (missing.length || unexpected.length) {
      throw new ValueError(`load_state_dict: Error(s) in loading state_dict: Missing key(s): ${missing.join(", ") || "none"}. Unexpected key(s): ${unexpected.join(", ") || "none"}.`);
    }
    for (const [name, p] of params) {
      const value = entries.get(name)!;
      checkTensor(value, "load_state_dict", name);
      if (!sameShape(value.shape, p.shape)) {
        throw new ShapeError(`load_state_dict: size mismatch for ${name}: copying a param with shape ${formatShape(value.shape)}, the shape in current model is ${formatShape(p.shape)}.`);
      }
    }
    for (const [name, p] of params) {
      p.data.set(entries.get(name)!.data);
      bumpVersion(p, "loadStateDict"); // PyTorch's param.copy_()
    }
  }

  /** One line per layer, like PyTorch's repr. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return head + ")";
    const lines = children.map(([name, child]) => `  (${name}): ${child.toString().split("\n").join("\n  ")}`);
    return `${head}\n${lines.join("\n")}\n)`;
  }

  /** The arguments shown inside the parentheses of toString(). */
  extraRepr(): string {
    return "";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
