// d2l's LeNet in TF.js ops, channels-last (TF.js's native layout): the same layers, sizes, Xavier-uniform
// weights, zero biases, SGD lr 0.9 and mean cross-entropy as convlab's lenet() + train().
import type { Scalar, Tensor, Tensor2D, Tensor4D, Variable } from "@tensorflow/tfjs-core";
import { LEARNING_RATE } from "../workload.js";
import type { Tf } from "./load.js";

export interface TfjsLenet {
  variables: Variable[];
  /** N×28×28×1 images → N×10 logits. */
  forward(images: Tensor4D): Tensor2D;
  /** One SGD step on a batch; returns the batch loss (read back, so the step has finished). */
  trainStep(images: Tensor4D, oneHotLabels: Tensor2D): number;
  /** Correct predictions in a batch. */
  correct(images: Tensor4D, labels: Tensor): number;
}

export function tfjsLenet(tf: Tf, seed: number): TfjsLenet {
  let nextSeed = seed;
  // Xavier (Glorot) uniform, as d2l's init_weights: limit √(6 / (fanIn + fanOut)).
  const xavier = (shape: number[], fanIn: number, fanOut: number): Variable => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.variable(tf.randomUniform(shape, -limit, limit, "float32", nextSeed++));
  };
  const zeros = (n: number): Variable => tf.variable(tf.zeros([n]));
  const conv1 = xavier([5, 5, 1, 6], 25, 150), conv1Bias = zeros(6);
  const conv2 = xavier([5, 5, 6, 16], 150, 400), conv2Bias = zeros(16);
  const fc1 = xavier([400, 120], 400, 120), fc1Bias = zeros(120);
  const fc2 = xavier([120, 84], 120, 84), fc2Bias = zeros(84);
  const fc3 = xavier([84, 10], 84, 10), fc3Bias = zeros(10);
  const variables = [conv1, conv1Bias, conv2, conv2Bias, fc1, fc1Bias, fc2, fc2Bias, fc3, fc3Bias];
  const optimizer = tf.train.sgd(LEARNING_RATE);

  const forward = (images: Tensor4D): Tensor2D => {
    let h: Tensor4D = tf.sigmoid(tf.add<Tensor4D>(tf.conv2d(images, conv1 as Tensor4D, 1, 2), conv1Bias));
    h = tf.avgPool(h, 2, 2, "valid");
    h = tf.sigmoid(tf.add<Tensor4D>(tf.conv2d(h, conv2 as Tensor4D, 1, "valid"), conv2Bias));
    h = tf.avgPool(h, 2, 2, "valid");
    // Channels-last flattening orders the 400 features differently from NCHW; the layer is the same size.
    let z: Tensor2D = tf.reshape(h, [images.shape[0], 400]);
    z = tf.sigmoid(tf.add<Tensor2D>(tf.matMul(z, fc1 as Tensor2D), fc1Bias));
    z = tf.sigmoid(tf.add<Tensor2D>(tf.matMul(z, fc2 as Tensor2D), fc2Bias));
    return tf.add<Tensor2D>(tf.matMul(z, fc3 as Tensor2D), fc3Bias);
  };

  return {
    variables,
    forward,
    trainStep(images, oneHotLabels) {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(oneHotLabels, forward(images)) as Scalar,
        true, variables) as Scalar;
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    },
    correct(images, labels) {
      const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(forward(images), 1), labels), "int32")));
      const value = hits.dataSync()[0];
      hits.dispose();
      return value;
    },
  };
}
