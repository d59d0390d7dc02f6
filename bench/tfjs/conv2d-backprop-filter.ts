// The filter gradient of conv2d for TF.js backends that lack it (the wasm backend in 4.22 has no
// Conv2DBackpropFilter kernel, so training any conv net there throws "Kernel ... not registered").
//
// The gradient is itself a convolution: dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh − pad, ow·s + kw − pad, ci]
// · dy[n, oh, ow, co]. Swapping roles — input channels become the batch, the batch becomes the channels, and dy
// becomes a filter whose taps are output positions, dilated by the forward stride — turns it into one ordinary
// Conv2D, which the backend runs with its own fast kernel.
import type { Tf } from "./load.js";
import type { Tensor4D, TensorInfo, NamedAttrMap, NamedTensorInfoMap } from "@tensorflow/tfjs-core";

type Padding = "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];

export interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: Padding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/** dW (filterShape, [kh, kw, ci, co]) of conv2d(x, W) given dy, computed from the backend's own ops. */
export function conv2dBackpropFilter(tf: Tf, x: Tensor4D, dy: Tensor4D, attrs: BackpropFilterAttrs): Tensor4D {
  if (attrs.dataFormat !== "NHWC") {
    throw new Error(`Conv2DBackpropFilter: only NHWC is implemented here, got ${attrs.dataFormat}`);
  }
  const [kernelHeight, kernelWidth, inChannels, outChannels] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad,
    attrs.dimRoundingMode, false, "channelsLast");
  const { top, bottom, left, right } = info.padInfo;
  return tf.tidy(() => {
    const padded = tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    const channelsAsBatch = tf.transpose(padded, [3, 1, 2, 0]); // [ci, Hp, Wp, n]
    const positionsAsTaps = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, co]
    const gradient = tf.conv2d(channelsAsBatch, positionsAsTaps, 1, "valid", "NHWC",
      [info.strideHeight, info.strideWidth]); // [ci, ≥kh, ≥kw, co]
    // Padding rows the forward's last window never reached make the result larger than the filter.
    const trimmed = tf.slice(gradient, [0, 0, 0, 0], [inChannels, kernelHeight, kernelWidth, outChannels]);
    return tf.transpose(trimmed, [1, 2, 0, 3]);
  });
}

/** Registers conv2dBackpropFilter as the backend's Conv2DBackpropFilter kernel (once). */
export function registerConv2dBackpropFilter(tf: Tf, backendName: string): void {
  if (tf.getKernel("Conv2DBackpropFilter", backendName)) return;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName,
    kernelFunc: ({ inputs, attrs }: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap }) => {
      // Kernel inputs are bare TensorInfos. A tensor wrapped around one must hold its own reference to the
      // data, or disposing the wrapper (tidy does) would free the caller's tensor.
      const wrap = (info: TensorInfo): Tensor4D => {
        const wrapped = tf.engine().makeTensorFromTensorInfo(info) as Tensor4D;
        tf.backend().incRef(info.dataId);
        return wrapped;
      };
      return tf.tidy(() => conv2dBackpropFilter(tf, wrap(inputs.x as TensorInfo), wrap(inputs.dy as TensorInfo),
        attrs as unknown as BackpropFilterAttrs));
    },
  });
}
