// Receptive fields of a stack of layers, in closed form (Araujo, Norris & Sim, "Computing Receptive Fields of
// Convolutional Neural Networks", Distill 2019). Per axis, with k' = dilation·(k - 1) + 1 the span of a window:
//   jump_l  = jump_{l-1} · stride_l                     (input pixels between neighbouring units; jump_0 = 1)
//   size_l  = size_{l-1} + (k'_l - 1) · jump_{l-1}       (pixels one unit sees; size_0 = 1)
//   pad_l   = pad_{l-1} + padLeft_l · jump_{l-1}          (how far the first unit's field starts before pixel 0)
//   start_l = (size_l - 1) / 2 - pad_l                    (centre of the first unit's field, in input pixels)
import { ValueError } from "../errors.js";
import { pairOf, type Pair } from "./args.js";

/**
 * A layer as the calculator sees it. Conv and pooling modules carry these fields; layers without a
 * kernelSize (activations, ...) pass the field through unchanged. stride defaults to 1.
 */
export interface LayerGeometry {
  kernelSize?: Pair;
  stride?: Pair | null;
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
  name?: string;
}

export interface ReceptiveFieldRow {
  /** The layer's name (dotted module name and class for models). */
  name: string;
  /** [height, width] of the input patch one unit of this layer's output sees. */
  size: [number, number];
  /** Effective stride: input pixels between neighbouring units of this layer's output. */
  jump: [number, number];
  /** Effective padding: how many pixels before the input's first row / column the first unit's field begins. */
  padding: [number, number];
  /** Centre of the first unit's field in input coordinates (pixel centres at 0, 1, ...). */
  start: [number, number];
}

interface ModuleTree {
  namedModules(): [string, { namedChildren(): unknown[] }][];
}

function isModuleTree(value: unknown): value is ModuleTree {
  return typeof value === "object" && value !== null && typeof (value as ModuleTree).namedModules === "function";
}

/** Leaf layers of a model (modules without sub-modules), named "0: Conv2d"; or the given list. */
function layersOf(model: Iterable<LayerGeometry> | ModuleTree): [string, LayerGeometry][] {
  if (isModuleTree(model)) {
    const leaves = model.namedModules().filter(([, m]) => m.namedChildren().length === 0);
    return leaves.map(([name, m]) => [`${name}: ${m.constructor.name}`, m as LayerGeometry]);
  }
  return [...model].map((layer, i) => [layer.name ?? String(i), layer]);
}

/** Flatten and dense layers mix every position: from them on, each unit sees the whole input. */
function mixesAllPositions(layer: object): boolean {
  return "inFeatures" in layer || layer.constructor?.name === "Flatten";
}

/**
 * One row per layer, up to (not including) the first Flatten or Linear layer, after which every unit
 * sees the whole input. Accepts a list of layer descriptions or a model (its leaf modules, in order).
 *
 *   receptiveField([{ kernelSize: 3 }, { kernelSize: 3 }]).map((r) => r.size)   // [[3, 3], [5, 5]]
 */
export function receptiveField(model: Iterable<LayerGeometry> | ModuleTree): ReceptiveFieldRow[] {
  const op = "receptiveField";
  const rows: ReceptiveFieldRow[] = [];
  let size = [1, 1], jump = [1, 1], padding = [0, 0];
  for (const [name, layer] of layersOf(model)) {
    if (mixesAllPositions(layer)) break;
    if (layer.kernelSize !== undefined && layer.kernelSize !== null) {
      const kernel = pairOf(layer.kernelSize, "kernel_size", op);
      const stride = layer.stride === undefined || layer.stride === null ? [1, 1] : pairOf(layer.stride, "stride", op);
      const dilation = layer.dilation === undefined ? [1, 1] : pairOf(layer.dilation, "dilation", op);
      const span = [0, 1].map((a) => dilation[a] * (kernel[a] - 1) + 1);
      let padLeft: number[];
      if (layer.padding === "same") padLeft = span.map((s) => Math.floor((s - 1) / 2)); // PyTorch's left share
      else if (layer.padding === "valid" || layer.padding === undefined) padLeft = [0, 0];
      else padLeft = pairOf(layer.padding, "padding", op);
      if ([...kernel, ...stride, ...dilation].some((v) => v <= 0) || padLeft.some((p) => p < 0)) {
        throw new ValueError(`${op}: layer ${name} needs positive kernel size, stride and dilation and non-negative padding`);
      }
      size = [0, 1].map((a) => size[a] + (span[a] - 1) * jump[a]);
      padding = [0, 1].map((a) => padding[a] + padLeft[a] * jump[a]);
      jump = [0, 1].map((a) => jump[a] * stride[a]);
    }
    rows.push({
      name,
      size: [size[0], size[1]],
      jump: [jump[0], jump[1]],
      padding: [padding[0], padding[1]],
      start: [(size[0] - 1) / 2 - padding[0], (size[1] - 1) / 2 - padding[1]],
    });
  }
  return rows;
}
