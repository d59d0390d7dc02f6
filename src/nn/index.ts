// The `nn` namespace, as torch.nn: modules, layers and initialisation.
export { Module } from "./module.js";
export { Linear, Sigmoid, ReLU, Tanh, Softmax, Flatten, Sequential } from "./layers.js";
export * as init from "./init.js";
