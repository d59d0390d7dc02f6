// What every optimizer shares: the parameter list and zeroGrad().
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkTensor, typeName } from "../tensor/arguments.js";

export abstract class Optimizer {
  readonly params: Tensor[];

  constructor(params: Iterable<Tensor>, name: string) {
    if (params === null || typeof params !== "object" || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== "function") {
      throw new ValueError(`${name}: params argument given to the optimizer should be an iterable of Tensors, but got ${typeName(params)}`);
    }
    this.params = [...params];
    this.params.forEach((p, i) => checkTensor(p, name, `params[${i}]`));
    if (this.params.length === 0) throw new ValueError(`${name}: optimizer got an empty parameter list`);
    for (const p of this.params) {
      if (!p.requiresGrad) throw new ValueError(`${name}: can't optimize a tensor that does not require grad`);
    }
  }

  /** Updates every parameter from its .grad. */
  abstract step(): void;

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}
