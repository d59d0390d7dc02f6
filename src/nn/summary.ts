// summary(model, inputShape): each layer's output shape and parameter count, found by running a zero input
// through the model once (d2l prints the same table layer by layer).
import { noGrad } from "../autograd/graph.js";
import { zeros } from "../tensor/creation.js";
import { Module } from "./module.js";
import { Sequential } from "./layers.js";

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: number[];
  parameters: number;
}

export class ModelSummary {
  constructor(readonly inputShape: number[], readonly rows: SummaryRow[]) {}

  get totalParameters(): number {
    return this.rows.reduce((total, row) => total + row.parameters, 0);
  }

  toString(): string {
    const header = ["Layer (type)", "Output Shape", "Param #"];
    const body = this.rows.map((r) => [`${r.name} (${r.type})`, `[${r.outputShape.join(", ")}]`, r.parameters.toLocaleString("en-US")]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("   ");
    const rule = "-".repeat(widths.reduce((a, b) => a + b, 0) + 6);
    return [
      `Input shape: [${this.inputShape.join(", ")}]`, rule, line(header), rule, ...body.map(line), rule,
      `Total params: ${this.totalParameters.toLocaleString("en-US")}`,
    ].join("\n");
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Runs a zero tensor of inputShape through the model's layers (a Sequential's children, or the model itself). */
export function summary(model: Module, inputShape: number[]): ModelSummary {
  const layers: [string, Module][] = model instanceof Sequential ? model.namedChildren() : [["0", model]];
  const rows: SummaryRow[] = [];
  noGrad(() => {
    let x = zeros(inputShape, { dtype: model.parameters()[0]?.dtype ?? "float32" });
    for (const [name, layer] of layers) {
      x = layer.forward(x);
      rows.push({ name, type: layer.constructor.name, outputShape: [...x.shape], parameters: layer.parameterCount() });
    }
  });
  return new ModelSummary(inputShape, rows);
}
