// The functional namespace `F`, as torch.nn.functional: every op a model is built from.
export { linear } from "./linear.js";
export { sigmoid, relu, tanh, softmax, logSoftmax } from "./activation.js";
export { crossEntropy, mseLoss, type Reduction } from "./loss.js";
