// conv2d = (padding op, for non-zero padding modes) + unfold + one gemm per group (+ bias), and its backward.
// conv2dReference beside it is the direct seven-loop definition the tests hold the fast path to.
import { isGradEnabled, record } from "../autograd/graph.js";
import { conv2dInfo, type Conv2dInfo, type Conv2dOptions } from "../calc/conv-info.js";
import { padSourceIndex } from "../calc/pad-info.js";
import { DTypeError } from "../errors.js";
import { gemm } from "../kernels/gemm.js";
import { allocate, isFloat, type FloatStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { pad } from "./pad.js";
import { col2im, columnRows, im2col } from "./unfold.js";

function checkDtypes(input: Tensor, weight: Tensor, bias: Tensor | null, op: string): void {
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: expected a floating point input, but got ${input.dtype}`);
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t !== null && t.dtype !== input.dtype) {
      throw new DTypeError(`${op}: Input type (${input.dtype}) and ${name} type (${t.dtype}) should be the same`);
    }
  }
}

/**
 * 2-D cross-correlation over a batch, PyTorch's F.conv2d (with nn.Conv2d's paddingMode).
 * input [N, C_in, H, W] (or unbatched [C_in, H, W]), weight [C_out, C_in / groups, kH, kW], bias [C_out].
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  checkDtypes(input, weight, bias, "conv2d");
  const info = conv2dInfo(input.shape, weight.shape, options, bias?.shape ?? null);
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  if (info.paddingMode === "zeros" || !padded) return convolve(input, weight, bias, info);
  // Reflect / replicate / circular: pad explicitly (with its own backward), then convolve without padding.
  const paddedInput = pad(input, [info.padLeft, info.padRight, info.padTop, info.padBottom], info.paddingMode === "reflect"
    ? "reflect" : info.paddingMode === "replicate" ? "replicate" : "circular");
  const { stride, dilation, groups } = options;
  return convolve(paddedInput, weight, bias, conv2dInfo(paddedInput.shape, weight.shape, { stride, dilation, groups }, bias?.shape ?? null));
}

/** The unfold + gemm forward and backward for an info record whose padding (if any) is zeros. */
function convolve(input: Tensor, weight: Tensor, bias: Tensor | null, info: Conv2dInfo): Tensor {
  const N = info.batchSize, groups = info.groups;
  const positions = info.outHeight * info.outWidth;
  const rows = columnRows(info); // C_in·kH·kW
  const groupRows = rows / groups; // (C_in / groups)·kH·kW: the length of one filter
  const outPerGroup = info.outChannelsPerGroup;
  const imageSize = info.inChannels * info.inHeight * info.inWidth;
  const columnsSize = rows * positions;
  const x = input.data as FloatStorage, w = weight.data as FloatStorage;
  const out = allocate(input.dtype, N * info.outChannels * positions) as FloatStorage;
  // Keep every image's columns when the weight's gradient will need them; otherwise reuse one buffer.
  const keepColumns = weight.requiresGrad && isGradEnabled();
  const columns = allocate(input.dtype, (keepColumns ? N : 1) * columnsSize) as FloatStorage;
  for (let n = 0; n < N; n++) {
    const columnsOffset = keepColumns ? n * columnsSize : 0;
    im2col(x, n * imageSize, info, columns, columnsOffset);
    for (let g = 0; g < groups; g++) {
      // out[n, group g] (outPerGroup × positions) = W_g (outPerGroup × groupRows) · columns_g (groupRows × positions)
      gemm(w.subarray(g * outPerGroup * groupRows), columns.subarray(columnsOffset + g * groupRows * positions),
        out.subarray((n * info.outChannels + g * outPerGroup) * positions), outPerGroup, positions, groupRows);
    }
    if (bias !== null) {
      const b = bias.data;
      for (let o = 0; o < info.outChannels; o++) {
        const start = (n * info.outChannels + o) * positions;
        for (let l = 0; l < positions; l++) out[start + l] += b[o];
      }
    }
  }
  const result = new Tensor(out, info.outputShape);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  return record(result, "ConvolutionBackward", inputs, (gradOutput) => {
    const gy = gradOutput.data as FloatStorage;
    let gradInput: Tensor | null = null, gradWeight: Tensor | null = null, gradBias: Tensor | null = null;
    if (weight.requiresGrad) { // dW_g += dY[n, g] · columns_g[n]ᵀ, summed over the batch
      const gw = allocate(input.dtype, weight.size) as FloatStorage;
      for (let n = 0; n < N; n++) {
        for (let g = 0; g < groups; g++) {
          gemm(gy.subarray((n * info.outChannels + g * outPerGroup) * positions),
            columns.subarray(n * columnsSize + g * groupRows * positions),
            gw.subarray(g * outPerGroup * groupRows), outPerGroup, groupRows, positions, false, true, true);
        }
      }
      gradWeight = new Tensor(gw, weight.shape);
    }
    if (input.requiresGrad) { // d(columns_g) = W_gᵀ · dY[n, g], then fold the columns back onto the image
      const gx = allocate(input.dtype, input.size) as FloatStorage;
      const gradColumns = allocate(input.dtype, columnsSize) as FloatStorage;
      for (let n = 0; n < N; n++) {
        for (let g = 0; g < groups; g++) {
          gemm(w.subarray(g * outPerGroup * groupRows), gy.subarray((n * info.outChannels + g * outPerGroup) * positions),
            gradColumns.subarray(g * groupRows * positions), groupRows, positions, outPerGroup, true, false);
        }
        col2im(gradColumns, 0, info, gx, n * imageSize);
      }
      gradInput = new Tensor(gx, input.shape);
    }
    if (bias !== null && bias.requiresGrad) { // dB[o] = sum of dY over batch and positions
      const gb = allocate(input.dtype, info.outChannels) as FloatStorage;
      for (let n = 0; n < N; n++) {
        for (let o = 0; o < info.outChannels; o++) {
          const start = (n * info.outChannels + o) * positions;
          let total = 0;
          for (let l = 0; l < positions; l++) total += gy[start + l];
          gb[o] += total;
        }
      }
      gradBias = new Tensor(gb, bias.shape);
    }
    return bias === null ? [gradInput, gradWeight] : [gradInput, gradWeight, gradBias];
  });
}

/**
 * The definition, one output value at a time: out[n, o, oh, ow] = bias[o] +
 * Σ over the group's input channels c and taps (i, j) of weight[o, c, i, j] · x[n, c, oh·s + i·d - pad, ow·s + j·d - pad],
 * where pixels outside the input read 0 (or, for other padding modes, the pixel F.pad would put there).
 * Slow and forward-only, for tests and for reading; conv2d must agree with it.
 */
export function conv2dReference(input: Tensor, weight: Tensor, bias: Tensor | null = null,
  options: Conv2dOptions = {}): Tensor {
  checkDtypes(input, weight, bias, "conv2dReference");
  const info = conv2dInfo(input.shape, weight.shape, options, bias?.shape ?? null, "conv2dReference");
  const { inHeight: H, inWidth: W, kernelHeight: kH, kernelWidth: kW } = info;
  const x = input.data, w = weight.data;
  const out = allocate(input.dtype, info.outputShape.reduce((a, b) => a * b, 1));
  const padMode = info.paddingMode === "zeros" ? "constant" : info.paddingMode;
  let index = 0;
  for (let n = 0; n < info.batchSize; n++) {
    for (let o = 0; o < info.outChannels; o++) {
      const group = Math.floor(o / info.outChannelsPerGroup);
      for (let oh = 0; oh < info.outHeight; oh++) {
        for (let ow = 0; ow < info.outWidth; ow++) {
          let total = bias === null ? 0 : bias.data[o];
          for (let c = 0; c < info.inChannelsPerGroup; c++) {
            const inChannel = group * info.inChannelsPerGroup + c;
            for (let i = 0; i < kH; i++) {
              // Row of the padded image this tap reads, mapped back to the input (-1: a zero pad).
              const ih = padSourceIndex(padMode, oh * info.strideHeight + i * info.dilationHeight, info.padTop, H);
              if (ih < 0) continue;
              for (let j = 0; j < kW; j++) {
                const iw = padSourceIndex(padMode, ow * info.strideWidth + j * info.dilationWidth, info.padLeft, W);
                if (iw < 0) continue;
                total += w[((o * info.inChannelsPerGroup + c) * kH + i) * kW + j] * x[((n * info.inChannels + inChannel) * H + ih) * W + iw];
              }
            }
          }
          out[index++] = total;
        }
      }
    }
  }
  return new Tensor(out, info.outputShape);
}
