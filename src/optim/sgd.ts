// Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay, as torch.optim.SGD.
import { noGrad } from "../autograd/graph.js";
import { bumpVersion } from "../autograd/version.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer } from "./optimizer.js";

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly buffers = new Map<Tensor, Float32Array | Float64Array>();

  constructor(params: Iterable<Tensor>, { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false }: SGDOptions) {
    super(params, "SGD");
    if (!(lr >= 0)) throw new ValueError(`SGD: Invalid learning rate: ${lr}`);
    if (!(momentum >= 0)) throw new ValueError(`SGD: Invalid momentum value: ${momentum}`);
    if (!(weightDecay >= 0)) throw new ValueError(`SGD: Invalid weight_decay value: ${weightDecay}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ValueError("SGD: Nesterov momentum requires a momentum and zero dampening");
    this.lr = lr; this.momentum = momentum; this.dampening = dampening; this.weightDecay = weightDecay; this.nesterov = nesterov;
  }

  step(): void {
    noGrad(() => {
      for (const p of this.params) {
        if (p.grad === null) continue;
        const w = p.data, g = p.grad.data;
        bumpVersion(p, "SGD.step"); // an in-place update, as PyTorch's p.add_(): a graph that saved p can no longer run backward
        let buffer = this.buffers.get(p);
        const first = buffer === undefined;
        if (this.momentum !== 0 && buffer === undefined) {
          buffer = new (w instanceof Float32Array ? Float32Array : Float64Array)(w.length);
          this.buffers.set(p, buffer);
        }
        for (let i = 0; i < w.length; i++) {
          let d = g[i] + this.weightDecay * w[i];
          if (buffer) {
            // PyTorch starts the momentum buffer at the first gradient, without dampening.
            buffer[i] = first ? d : this.momentum * buffer[i] + (1 - this.dampening) * d;
            d = this.nesterov ? d + this.momentum * buffer[i] : buffer[i];
          }
          w[i] -= this.lr * d;
        }
      }
    });
  }
}
