// The functional namespace `F`, as torch.nn.functional: every op a model is built from.
export { conv2d, conv2dReference } from "./conv.js";
export { pad } from "./pad.js";
export { maxPool2d, avgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from "./pool.js";
export { maxPool2dReference, avgPool2dReference } from "./pool-reference.js";
export { unfold } from "./unfold.js";
export { linear } from "./linear.js";
export { sigmoid, relu, tanh, softmax, logSoftmax } from "./activation.js";
export { crossEntropy, mseLoss, type Reduction } from "./loss.js";
