// conv2d = (padding op, for non-zero padding modes) + unfold + one gemm per group (+ bias), and its backward.
// conv2dReference beside it is the direct seven-loop definition the tests hold every path to. Which kernels run
// (this file's readable JS path, or the WebAssembly rows, channels or gemm paths) is planConv's choice: the table
// of paths is at the top of conv-plan.ts.
import { isGradEnabled, record } from "../autograd/graph.js";
import { conv2dInfo, type Conv2dInfo, type Conv2dOptions, type PaddingMode } from "../calc/conv-info.js";
import { padSourceIndex } from "../calc/pad-info.js";
import { DTypeError } from "../errors.js";
import { gemm } from "../kernels/gemm.js";
import { convChunkedBackwardWasm, convColumnsBackwardWasm, convGemmForwardWasm } from "../kernels/wasm/conv-gemm-wasm.js";
import { convDirectForwardWasm, convRowsWeightGradWasm } from "../kernels/wasm/conv-direct-wasm.js";
import type { SavedColumns } from "../kernels/wasm/conv-memory.js";
import { planConv, type ConvNeeds, type ConvPlan } from "./conv-plan.js";
import { allocate, isFloat, type FloatStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { pad } from "./pad.js";
import { col2im, columnRows, im2col } from "./unfold.js";
import { checkOptionalTensor, checkTensor } from "../tensor/arguments.js";

export function checkDtypes(input: Tensor, weight: Tensor, bias: Tensor | null, op: string): void {
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
  return conv2dWith("fast", input, weight, bias, options);
}

/**
 * Which kernels convolve: "fast" lets planConv pick (float32 runs in the WebAssembly conv module), "readable" makes
 * it pick the JS im2col / gemm / col2im below. Both give the same result (tests compare them); float64 always takes
 * the readable path.
 */
export type ConvKernels = "fast" | "readable";

/** What a convolution of these tensors must compute, for planConv. */
export function convNeeds(input: Tensor, weight: Tensor, bias: Tensor | null): ConvNeeds {
  const grad = isGradEnabled();
  return {
    float32: input.data instanceof Float32Array && weight.data instanceof Float32Array
      && (bias === null || bias.data instanceof Float32Array),
    inputGrad: grad && input.requiresGrad, weightGrad: grad && weight.requiresGrad,
    biasGrad: grad && bias !== null && bias.requiresGrad,
  };
}

/** conv2d with a choice of kernels, for the tests that hold the fast kernels to the readable ones. */
export function conv2dWith(kernels: ConvKernels, input: Tensor, weight: Tensor, bias: Tensor | null = null,
  options: Conv2dOptions = {}): Tensor {
  checkTensor(input, "conv2d", "input", 1);
  checkTensor(weight, "conv2d", "weight", 2);
  checkOptionalTensor(bias, "conv2d", "bias", 3);
  checkDtypes(input, weight, bias, "conv2d");
  const info = conv2dInfo(input.shape, weight.shape, options, bias?.shape ?? null);
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  if (info.paddingMode === "zeros" || !padded) return convolve(input, weight, bias, info, kernels);
  // Reflect / replicate / circular: pad explicitly (with its own backward), then convolve without padding.
  const mode = info.paddingMode as Exclude<PaddingMode, "zeros">; // F.pad's mode of the same name
  const paddedInput = pad(input, [info.padLeft, info.padRight, info.padTop, info.padBottom], mode);
  const { stride, dilation, groups } = options;
  return convolve(paddedInput, weight, bias,
    conv2dInfo(paddedInput.shape, weight.shape, { stride, dilation, groups }, bias?.shape ?? null), kernels);
}

/** Most column-matrix elements conv2d holds at once (32 MiB of float32); larger batches go in chunks. */
const COLUMNS_BUDGET = 1 << 23;

/**
 * The unfold + gemm forward and backward for an info record whose padding (if any) is zeros.
 * Images go through in chunks: the chunk's column matrices side by side, (C_in·kH·kW) × (images·L), so each
 * group is one gemm W_g · columns_g giving [C_out, images·L], which is then reordered to [images, C_out, L].
 * When the whole batch is one chunk (LeNet's batches of 256 are), backward reuses the forward's columns;
 * otherwise it recomputes each chunk's columns, so memory stays bounded for any batch.
 */
function convolve(input: Tensor, weight: Tensor, bias: Tensor | null, info: Conv2dInfo, kernels: ConvKernels): Tensor {
  const plan = planConv(info, { ...convNeeds(input, weight, bias), readable: kernels === "readable" });
  if (plan.forward !== "readable") return convolveWasm(input, weight, bias, info, plan);
  const N = info.batchSize, groups = info.groups, outChannels = info.outChannels;
  const positions = info.outHeight * info.outWidth; // L
  const rows = columnRows(info); // C_in·kH·kW
  const groupRows = rows / groups; // (C_in / groups)·kH·kW: the length of one filter
  const outPerGroup = info.outChannelsPerGroup;
  const imageSize = info.inChannels * info.inHeight * info.inWidth;
  const chunkImages = Math.max(1, Math.min(N, Math.floor(COLUMNS_BUDGET / Math.max(1, rows * positions))));
  const x = input.data as FloatStorage, w = weight.data as FloatStorage;
  const dtype = input.dtype;
  const columns = allocate(dtype, rows * chunkImages * positions) as FloatStorage;
  const product = allocate(dtype, outChannels * chunkImages * positions) as FloatStorage; // [C_out, images·L]

  /** The columns of images first..first+count-1, side by side: row stride count·L. */
  const unfoldChunk = (first: number, count: number) => {
    for (let n = 0; n < count; n++) im2col(x, (first + n) * imageSize, info, columns, n * positions, 0, count * positions);
  };
  /** Copies between [images, C_out, L] (the tensor layout) and [C_out, images·L] (the gemm layout). */
  const reorder = (batched: FloatStorage, first: number, count: number, toBatched: boolean) => {
    for (let o = 0; o < outChannels; o++) {
      for (let n = 0; n < count; n++) {
        const at = ((first + n) * outChannels + o) * positions, from = (o * count + n) * positions;
        if (toBatched) batched.set(product.subarray(from, from + positions), at);
        else product.set(batched.subarray(at, at + positions), from);
      }
    }
  };

  const out = allocate(dtype, N * outChannels * positions) as FloatStorage;
  for (let first = 0; first < N; first += chunkImages) {
    const count = Math.min(chunkImages, N - first), width = count * positions;
    unfoldChunk(first, count);
    for (let g = 0; g < groups; g++) {
      // product_g (outPerGroup × width) = W_g (outPerGroup × groupRows) · columns_g (groupRows × width)
      gemm(w.subarray(g * outPerGroup * groupRows), columns.subarray(g * groupRows * width),
        product.subarray(g * outPerGroup * width), outPerGroup, width, groupRows);
    }
    reorder(out, first, count, true);
  }
  if (bias !== null) {
    const b = bias.data;
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < outChannels; o++) {
        const start = (n * outChannels + o) * positions;
        for (let l = 0; l < positions; l++) out[start + l] += b[o];
      }
    }
  }

  const result = new Tensor(out, info.outputShape);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  return record(result, "ConvolutionBackward", inputs, (gradOutput) => {
    const gy = gradOutput.data as FloatStorage;
    const gw = weight.requiresGrad ? allocate(dtype, weight.size) as FloatStorage : null;
    const gx = input.requiresGrad ? allocate(dtype, input.size) as FloatStorage : null;
    const gradColumns = gx ? allocate(dtype, columns.length) as FloatStorage : null;
    for (let first = 0; first < N; first += chunkImages) {
      const count = Math.min(chunkImages, N - first), width = count * positions;
      reorder(gy, first, count, false); // product now holds dY as [C_out, images·L]
      if (gw) { // dW_g += dY_g · columns_gᵀ
        if (chunkImages < N) unfoldChunk(first, count); // one chunk: columns still hold it from the forward
        for (let g = 0; g < groups; g++) {
          gemm(product.subarray(g * outPerGroup * width), columns.subarray(g * groupRows * width),
            gw.subarray(g * outPerGroup * groupRows), outPerGroup, groupRows, width, false, true, true);
        }
      }
      if (gx && gradColumns) { // d(columns_g) = W_gᵀ · dY_g, then fold each image's columns back onto it
        for (let g = 0; g < groups; g++) {
          gemm(w.subarray(g * outPerGroup * groupRows), product.subarray(g * outPerGroup * width),
            gradColumns.subarray(g * groupRows * width), groupRows, width, outPerGroup, true, false);
        }
        for (let n = 0; n < count; n++) col2im(gradColumns, n * positions, info, gx, (first + n) * imageSize, width);
      }
    }
    const gradBias = bias !== null && bias.requiresGrad ? new Tensor(biasGradient(gy, info), bias.shape) : null;
    const gradInput = gx && new Tensor(gx, input.shape), gradWeight = gw && new Tensor(gw, weight.shape);
    return bias === null ? [gradInput, gradWeight] : [gradInput, gradWeight, gradBias];
  }, [input, weight]);
}

/**
 * The same convolution in the WebAssembly conv module, by the plan's forward: the rows or channels kernels (no
 * column matrix) or the gemm path (unfold, products, reorder, bias; the column matrices never become JS arrays).
 * Every forward gives the readable path's bits; the rows and chunked weight gradients sum in their own order
 * (within float32 rounding of the readable path's).
 */
function convolveWasm(input: Tensor, weight: Tensor, bias: Tensor | null, info: Conv2dInfo, plan: ConvPlan): Tensor {
  const x = input.data as Float32Array, w = weight.data as Float32Array, b = bias && bias.data as Float32Array;
  const out = new Float32Array(info.batchSize * info.outChannels * info.outHeight * info.outWidth);
  // A gemm forward whose backward goes through one column matrix keeps it in wasm memory when a weight gradient
  // will be asked for (only the weight gradient reads it).
  const keepColumns = plan.backward === "columns" && convNeeds(input, weight, bias).weightGrad;
  let kept: SavedColumns | null = null;
  if (plan.forward === "rows" || plan.forward === "channels") convDirectForwardWasm(plan.forward, x, w, b, info, out);
  else kept = convGemmForwardWasm(x, w, b, info, out, keepColumns);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  return record(new Tensor(out, info.outputShape), "ConvolutionBackward", inputs, (gradOutput) => {
    const gy = gradOutput.data as Float32Array;
    const gw = weight.requiresGrad ? new Float32Array(weight.size) : null;
    const gx = input.requiresGrad ? new Float32Array(input.size) : null;
    // The bias gradient is summed while dY is in wasm memory anyway (biasGradF32: biasGradient's order and bits).
    const gb = bias !== null && bias.requiresGrad ? new Float32Array(info.outChannels) : null;
    // The gradients asked for now decide the backward (planConv again, with what backward really needs).
    const { backward } = planConv(info, { float32: true, inputGrad: gx !== null, weightGrad: gw !== null, biasGrad: gb !== null });
    if (backward === "rows") convRowsWeightGradWasm(x, gy, info, gw!, gb);
    else if (backward === "channels") convChunkedBackwardWasm(x, w, gy, info, gx, gw, gb, null, "channels");
    else if (backward === "chunked") convChunkedBackwardWasm(x, w, gy, info, gx, gw, gb);
    else convColumnsBackwardWasm(x, w, gy, info, gx, gw, kept, gb);
    return wasmGradients(input, weight, bias, gx, gw, gb);
  }, [input, weight]);
}

/** The gradients a float32 convolution's backward returns, in record()'s order of inputs (null: not needed). */
export function wasmGradients(input: Tensor, weight: Tensor, bias: Tensor | null, gx: Float32Array | null,
  gw: Float32Array | null, gb: Float32Array | null): (Tensor | null)[] {
  const gradInput = gx && new Tensor(gx, input.shape), gradWeight = gw && new Tensor(gw, weight.shape);
  return bias === null ? [gradInput, gradWeight] : [gradInput, gradWeight, gb && new Tensor(gb, bias.shape)];
}

/** dB[o] = the sum of dY over the batch and every position of channel o. */
function biasGradient(gy: FloatStorage, info: Conv2dInfo): FloatStorage {
  const outChannels = info.outChannels, positions = info.outHeight * info.outWidth;
  const gb = allocate(gy instanceof Float32Array ? "float32" : "float64", outChannels) as FloatStorage;
  for (let n = 0; n < info.batchSize; n++) {
    for (let o = 0; o < outChannels; o++) {
      const start = (n * outChannels + o) * positions, end = start + positions;
      // Four running sums (positions mod 4) in float64: independent additions overlap in the CPU.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, l = start;
      for (; l + 4 <= end; l += 4) { s0 += gy[l]; s1 += gy[l + 1]; s2 += gy[l + 2]; s3 += gy[l + 3]; }
      for (; l < end; l++) s0 += gy[l];
      gb[o] += (s0 + s1) + (s2 + s3);
    }
  }
  return gb;
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
