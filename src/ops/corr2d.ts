// The book's corr2d, kept readable: one output pixel at a time, the sum of the window times the kernel.
// conv2d computes the same thing fast (unfold + gemm); the tests hold the two together.
import { record } from "../autograd/graph.js";
import { ShapeError } from "../errors.js";
import { allocate, floatResult, promote, type FloatStorage } from "../tensor/dtype.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkTensor } from "../tensor/arguments.js";

/**
 * Two-dimensional cross-correlation of X (h × w) with the kernel K (kh × kw): an (h - kh + 1) × (w - kw + 1) output,
 *   Y[i, j] = Σ_a Σ_b X[i + a, j + b] · K[a, b].
 * With a channel axis in front (X: c × h × w, K: c × kh × kw) the channels' results are added up,
 * as the book's corr2d_multi_in. Differentiable in X and K.
 */
export function corr2d(X: Tensor, K: Tensor): Tensor {
  checkTensor(X, "corr2d", "X", 1);
  checkTensor(K, "corr2d", "K", 2);
  return slide(X, K, false, "corr2d");
}

/**
 * True convolution: the kernel flipped in both directions before sliding,
 *   Y[i, j] = Σ_a Σ_b X[i + a, j + b] · K[kh - 1 - a, kw - 1 - b].
 * Deep-learning "convolutions" (conv2d) are cross-correlations; this is the one from signal processing.
 */
export function convolve2d(X: Tensor, K: Tensor): Tensor {
  checkTensor(X, "convolve2d", "X", 1);
  checkTensor(K, "convolve2d", "K", 2);
  return slide(X, K, true, "convolve2d");
}

function slide(X: Tensor, K: Tensor, flip: boolean, op: string): Tensor {
  if (X.ndim !== K.ndim || (X.ndim !== 2 && X.ndim !== 3)) {
    throw new ShapeError(`${op}: expected X and K both 2-D (h × w) or both 3-D (channels × h × w), but got X of size ${formatShape(X.shape)} and K of size ${formatShape(K.shape)}`);
  }
  const [channels, h, w] = X.ndim === 3 ? X.shape : [1, ...X.shape];
  const [kernelChannels, kh, kw] = K.ndim === 3 ? K.shape : [1, ...K.shape];
  if (channels !== kernelChannels) {
    throw new ShapeError(`${op}: X has ${channels} channels but K has ${kernelChannels}: X of size ${formatShape(X.shape)}, K of size ${formatShape(K.shape)}`);
  }
  if (kh > h || kw > w) {
    throw new ShapeError(`${op}: Kernel size can't be greater than actual input size: K of size ${formatShape(K.shape)}, X of size ${formatShape(X.shape)}`);
  }
  const outH = h - kh + 1, outW = w - kw + 1;
  const dtype = floatResult(promote(X.dtype, K.dtype));
  const x = X.data, k = K.data;
  // Which kernel entry multiplies X[i + a, j + b]: K[a, b], or K[kh-1-a, kw-1-b] for a true convolution.
  const kernelIndex = (c: number, a: number, b: number) =>
    (c * kh + (flip ? kh - 1 - a : a)) * kw + (flip ? kw - 1 - b : b);

  const Y = allocate(dtype, outH * outW) as FloatStorage;
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      let total = 0;
      for (let c = 0; c < channels; c++) {
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) total += x[(c * h + i + a) * w + j + b] * k[kernelIndex(c, a, b)];
        }
      }
      Y[i * outW + j] = total;
    }
  }

  return record(new Tensor(Y, [outH, outW]), flip ? "Convolve2dBackward" : "Corr2dBackward", [X, K], (gradOutput) => {
    // Each output pixel used X[i + a, j + b] and its kernel entry once: send dY[i, j] back to both.
    const dY = gradOutput.data;
    const dX = X.requiresGrad ? allocate(X.dtype, X.size) as FloatStorage : null;
    const dK = K.requiresGrad ? allocate(K.dtype, K.size) as FloatStorage : null;
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const g = dY[i * outW + j];
        for (let c = 0; c < channels; c++) {
          for (let a = 0; a < kh; a++) {
            for (let b = 0; b < kw; b++) {
              const xIndex = (c * h + i + a) * w + j + b, kIndex = kernelIndex(c, a, b);
              if (dX) dX[xIndex] += g * k[kIndex];
              if (dK) dK[kIndex] += g * x[xIndex];
            }
          }
        }
      }
    }
    return [dX && new Tensor(dX, X.shape), dK && new Tensor(dK, K.shape)];
  }, [K.requiresGrad ? X : null, X.requiresGrad ? K : null]);
}
