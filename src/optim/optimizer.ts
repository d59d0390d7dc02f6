// What every optimizer shares: the parameter list and zeroGrad().
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

export abstract class Optimizer {
  readonly params: Tensor[];

  constructor(params: Iterable<Tensor>, name: string) {
    this.params = [...params];
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
