// TF.js's side of the bench: tfjsLenet on the same batches, moved into TF.js tensors before timing starts.
import type { Tensor, Tensor2D, Tensor4D } from "@tensorflow/tfjs-core";
import type { BenchBatches } from "./data.js";
import type { BenchSubject } from "./measure.js";
import type { Tf } from "./tfjs/load.js";
import { tfjsLenet } from "./tfjs/lenet.js";
import { CONV_LAYERS, type ConvLayerName, type WorkerSpec } from "./workload.js";

export function tfjsSubject(tf: Tf, spec: WorkerSpec, data: BenchBatches, version: string): BenchSubject {
  const model = tfjsLenet(tf, spec.seed);
  // convlab's images are N×1×28×28; with one channel that is the same memory as TF.js's N×28×28×1.
  const toImages = (images: { shape: readonly number[]; data: ArrayLike<number> }): Tensor4D =>
    tf.tensor4d(images.data as Float32Array, [images.shape[0], 28, 28, 1]);
  const toLabels = (labels: { data: ArrayLike<number> }): Tensor => tf.tensor1d(labels.data as Int32Array, "int32");
  const train = data.train.map(([images, labels]) => ({
    images: toImages(images),
    oneHot: tf.cast(tf.oneHot(toLabels(labels), 10), "float32") as Tensor2D,
  }));
  const evaluation = data.eval.map(([images, labels]) => ({ images: toImages(images), labels: toLabels(labels) }));
  const convInputs = {} as Record<ConvLayerName, { input: Tensor4D; filter: Tensor4D; bias: Tensor; padding: number }>;
  for (const layer of Object.keys(CONV_LAYERS) as ConvLayerName[]) {
    const { input: [n, c, h, w], weight: [out, inChannels, kh, kw], padding } = CONV_LAYERS[layer];
    convInputs[layer] = {
      input: tf.randomNormal([n, h, w, c]), filter: tf.randomNormal([kh, kw, inChannels, out]),
      bias: tf.randomNormal([out]), padding,
    };
  }

  return {
    version,
    trainBatchCount: train.length,
    evalBatchCount: evaluation.length,
    batchSize: (kind, index) => (kind === "train" ? train[index].images : evaluation[index].images).shape[0],
    trainStep: (index) => model.trainStep(train[index].images, train[index].oneHot),
    evalBatch: (index) => model.correct(evaluation[index].images, evaluation[index].labels),
    convForward(layer) {
      const { input, filter, bias, padding } = convInputs[layer];
      // Bias added in the same kernel, as convlab's and PyTorch's conv2d do; dataSync waits for the result.
      const output = tf.fused.conv2d({ x: input, filter, bias, strides: 1, pad: padding });
      output.dataSync();
      output.dispose();
    },
  };
}
