// Small layers: Linear, the activations, Flatten and Sequential.
import { ValueError } from "../errors.js";
import { linear } from "../ops/linear.js";
import { relu, sigmoid, softmax, tanh } from "../ops/activation.js";
import { flatten } from "../ops/shape-ops.js";
import { allocate, checkAllocation, type FloatDType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { defaultLayerInit } from "./init.js";
import { Module } from "./module.js";
import { typeName } from "../tensor/arguments.js";

export function checkPositiveInt(value: number, name: string, op: string): void {
  if (!Number.isInteger(value) || value <= 0) throw new ValueError(`${op}: ${name} must be a positive integer, but got ${value}`);
}

/** A fresh trainable tensor, filled by the layer's initialiser. */
export function parameter(shape: number[], dtype: FloatDType = "float32", op = "parameter"): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  checkAllocation(size, dtype, op, shape);
  const t = new Tensor(allocate(dtype, size, op), shape);
  t.requiresGrad = true;
  return t;
}

export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true, dtype = "float32" as FloatDType } = {}) {
    super();
    checkPositiveInt(inFeatures, "in_features", "Linear");
    checkPositiveInt(outFeatures, "out_features", "Linear");
    this.weight = parameter([outFeatures, inFeatures], dtype, "Linear");
    this.bias = bias ? parameter([outFeatures], dtype, "Linear") : null;
    defaultLayerInit(this.weight, this.bias);
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

export class Sigmoid extends Module {
  forward(input: Tensor): Tensor { return sigmoid(input); }
}

export class ReLU extends Module {
  forward(input: Tensor): Tensor { return relu(input); }
}

export class Tanh extends Module {
  forward(input: Tensor): Tensor { return tanh(input); }
}

export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(input: Tensor): Tensor { return softmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** Flattens dims startDim..endDim (default: everything but the batch). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(input: Tensor): Tensor { return flatten(input, this.startDim, this.endDim); }
  override extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}

/** Runs its layers in order; they are named "0", "1", ... as in PyTorch. */
export class Sequential extends Module {
  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => {
      // A null or a function in the list would be skipped as a child and silently drop out of forward().
      if (!(layer instanceof Module)) throw new ValueError(`Sequential: argument ${i} must be a Module, not ${typeName(layer)}`);
      (this as unknown as Record<string, Module>)[String(i)] = layer;
    });
  }

  /** The layers, in order. */
  get layers(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  get length(): number {
    return this.layers.length;
  }

  at(index: number): Module {
    const layer = this.layers.at(index);
    if (!layer) throw new ValueError(`Sequential: index ${index} is out of range`);
    return layer;
  }

  forward(input: Tensor): Tensor {
    let x = input;
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      // Pairs a layer can run as one fused op (Conv2d then Sigmoid): same numbers, less memory traffic.
      const fused = layers[i].fuse(layers.slice(i + 1, i + 3), x);
      if (fused !== null) {
        x = fused.output;
        i += fused.layers;
      } else {
        x = layers[i].forward(x);
      }
    }
    return x;
  }
}
