// Parameter initialisation, drawn as torch.nn.init draws it, in place and outside autograd.
import { noGrad } from "../autograd/graph.js";
import { bumpVersion } from "../autograd/version.js";
import { ValueError } from "../errors.js";
import { defaultGenerator, fillNormal, type Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkTensor } from "../tensor/arguments.js";

/** fan_in and fan_out of a weight: in/out features times the receptive-field size for conv weights. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  checkTensor(t, "init", "tensor", 1);
  if (t.ndim < 2) throw new ValueError("init: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

/** U(low, high), as tensor.uniform_(low, high). */
export function uniform(t: Tensor, low = 0, high = 1, generator: Generator = defaultGenerator): Tensor {
  checkTensor(t, "uniform_", "tensor", 1);
  noGrad(() => {
    const float32 = t.dtype === "float32";
    // ATen casts the bounds to the tensor's dtype and subtracts them there before scaling the uniform draw.
    const from = float32 ? Math.fround(low) : low;
    const span = float32 ? Math.fround(Math.fround(high) - from) : high - low;
    for (let i = 0; i < t.size; i++) {
      const u = float32 ? generator.uniform24() : generator.uniform53();
      t.data[i] = u * span + from;
    }
  });
  bumpVersion(t, "uniform_");
  return t;
}

/** N(mean, std²), as tensor.normal_(mean, std). */
export function normal(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  checkTensor(t, "normal_", "tensor", 1);
  fillNormal(t.data as Float32Array | Float64Array, generator, mean, std);
  bumpVersion(t, "normal_");
  return t;
}

export function constant(t: Tensor, value: number): Tensor {
  checkTensor(t, "constant_", "tensor", 1);
  t.data.fill(value);
  bumpVersion(t, "fill_");
  return t;
}

export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** Glorot/Xavier uniform: U(-a, a) with a = gain·sqrt(6 / (fan_in + fan_out)); d2l initialises LeNet this way. */
export function xavierUniform(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const { fanIn, fanOut } = fans(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, generator);
}

export function xavierNormal(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

/** He/Kaiming uniform with leaky-ReLU slope a; PyTorch's default for Linear and Conv2d weights uses a = sqrt(5). */
export function kaimingUniform(t: Tensor, a = 0, generator: Generator = defaultGenerator): Tensor {
  const { fanIn } = fans(t);
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fanIn));
  return uniform(t, -bound, bound, generator);
}

/** PyTorch's reset_parameters() for Linear and Conv2d: kaiming_uniform(a=√5) weights, U(±1/√fan_in) bias. */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null, generator: Generator = defaultGenerator): void {
  kaimingUniform(weight, Math.sqrt(5), generator);
  if (bias) {
    const { fanIn } = fans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform(bias, -bound, bound, generator);
  }
}
