// LeNet-5 exactly as d2l builds it (sigmoid, average pooling), and the modern variant (ReLU, max pooling).
import { Conv2d, AvgPool2d, MaxPool2d } from "./conv.js";
import { Flatten, Linear, ReLU, Sequential, Sigmoid } from "./layers.js";
import type { Module } from "./module.js";

export interface LenetOptions {
  /** "sigmoid" (the book's) or "relu". */
  activation?: "sigmoid" | "relu";
  /** "avg" (the book's) or "max". */
  pooling?: "avg" | "max";
}

/**
 * Conv(1→6, 5×5, pad 2) → act → pool 2 → Conv(6→16, 5×5) → act → pool 2 → Flatten → 400→120 → act → 120→84 → act → 84→10.
 * 61,706 parameters; input N×1×28×28, output N×10 logits.
 */
export function lenet({ activation = "sigmoid", pooling = "avg" }: LenetOptions = {}): Sequential {
  const act = (): Module => (activation === "relu" ? new ReLU() : new Sigmoid());
  const pool = (): Module => (pooling === "max" ? new MaxPool2d(2, { stride: 2 }) : new AvgPool2d(2, { stride: 2 }));
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), act(), pool(),
    new Conv2d(6, 16, 5), act(), pool(),
    new Flatten(),
    new Linear(16 * 5 * 5, 120), act(),
    new Linear(120, 84), act(),
    new Linear(84, 10),
  );
}
