// The `nn` namespace, as torch.nn: modules, layers and initialisation.
export { Module } from "./module.js";
export { Linear, Sigmoid, ReLU, Tanh, Softmax, Flatten, Sequential } from "./layers.js";
export { Conv2d, MaxPool2d, AvgPool2d, type Conv2dLayerOptions, type MaxPool2dLayerOptions, type AvgPool2dLayerOptions } from "./conv.js";
export { lenet, type LenetOptions } from "./lenet.js";
export { summary, ModelSummary, type SummaryRow } from "./summary.js";
export { saveWeights, loadWeights, encodeWeights, decodeWeights } from "./weights.js";
export * as init from "./init.js";
