// convlab: convolutional networks with PyTorch's semantics, in TypeScript.
export { Tensor, type NestedArray, type Operand } from "./tensor/tensor.js";
export type { DType, FloatDType } from "./tensor/dtype.js";
export {
  tensor, fromData, zeros, ones, full, zerosLike, onesLike, arange, rand, randn, randint,
  type TensorOptions, type RandomOptions,
} from "./tensor/creation.js";
export { Generator, manualSeed, defaultGenerator } from "./tensor/random.js";
export { cat, stack } from "./ops/shape-ops.js";
export { matmul } from "./ops/matmul.js";
export { noGrad, isGradEnabled } from "./autograd/graph.js";
export { gradcheck } from "./autograd/gradcheck.js";
export * from "./errors.js";
export { corr2d, convolve2d } from "./ops/corr2d.js";
export { conv2dInfo, type Conv2dInfo, type Conv2dOptions, type PaddingMode } from "./calc/conv-info.js";
export { pool2dInfo, type Pool2dInfo } from "./calc/pool-info.js";
export { convOutputShape, poolOutputShape } from "./calc/output-shape.js";
export { receptiveField, type ReceptiveFieldRow, type LayerGeometry } from "./calc/receptive-field.js";
export { lenet, summary } from "./nn/index.js";
export { train, evaluateAccuracy, type TrainOptions, type TrainResult, type EpochMetrics } from "./train/index.js";
export { loadFashionMnist, loadFashionMnistSync, loadDataFashionMnist, DataLoader, TensorDataset, FASHION_MNIST_CLASSES } from "./data/index.js";
export * as data from "./data/index.js";
export * as F from "./ops/functional.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export { check, CheckError } from "./check.js";
export * as viz from "./viz/index.js";
export { show, liveFigure, saveFigure } from "./viz/index.js";
export { setNumThreads, getNumThreads } from "./kernels/threads.js";
