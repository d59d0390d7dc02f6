// Adam (Kingma & Ba), as torch.optim.Adam with bias correction and optional L2 weight decay.
import { noGrad } from "../autograd/graph.js";
import { bumpVersion } from "../autograd/version.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer } from "./optimizer.js";

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private stepCount = 0;
  private readonly moments = new Map<Tensor, { m: Float64Array; v: Float64Array }>();

  constructor(params: Iterable<Tensor>, { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 }: AdamOptions = {}) {
    super(params, "Adam");
    if (!(lr >= 0)) throw new ValueError(`Adam: Invalid learning rate: ${lr}`);
    if (!(eps >= 0)) throw new ValueError(`Adam: Invalid epsilon value: ${eps}`);
    if (!(betas[0] >= 0 && betas[0] < 1)) throw new ValueError(`Adam: Invalid beta parameter at index 0: ${betas[0]}`);
    if (!(betas[1] >= 0 && betas[1] < 1)) throw new ValueError(`Adam: Invalid beta parameter at index 1: ${betas[1]}`);
    this.lr = lr; this.betas = betas; this.eps = eps; this.weightDecay = weightDecay;
  }

  step(): void {
    this.stepCount++;
    const [beta1, beta2] = this.betas;
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2 = 1 - beta2 ** this.stepCount;
    noGrad(() => {
      for (const p of this.params) {
        if (p.grad === null) continue;
        const w = p.data, g = p.grad.data;
        bumpVersion(p, "Adam.step"); // an in-place update, as PyTorch's p.add_(): a graph that saved p can no longer run backward
        let state = this.moments.get(p);
        if (!state) {
          state = { m: new Float64Array(w.length), v: new Float64Array(w.length) };
          this.moments.set(p, state);
        }
        const { m, v } = state;
        for (let i = 0; i < w.length; i++) {
          const d = g[i] + this.weightDecay * w[i];
          m[i] = beta1 * m[i] + (1 - beta1) * d;
          v[i] = beta2 * v[i] + (1 - beta2) * d * d;
          w[i] -= (this.lr * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + this.eps);
        }
      }
    });
  }
}
