// From the two IDX arrays of a split to the tensors lessons use (no file access: shared by Node and the browser build).
import { DataError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { FASHION_MNIST_CLASSES } from "./fashion-mnist-files.js";

const IMAGE_SIZE = 28;

/** Check that the two IDX arrays describe the same samples, then convert to the tensors lessons use. */
export function toTensors(
  imageShape: number[], imageBytes: Uint8Array, imagesPath: string,
  labelShape: number[], labelBytes: Uint8Array, labelsPath: string,
): { images: Tensor; labels: Tensor } {
  const [count, rows, cols] = imageShape;
  if (rows !== IMAGE_SIZE || cols !== IMAGE_SIZE) {
    throw new DataError(`loadFashionMnist: ${imagesPath} holds ${rows}×${cols} images, expected ${IMAGE_SIZE}×${IMAGE_SIZE}`);
  }
  if (labelShape[0] !== count) {
    throw new DataError(`loadFashionMnist: ${imagesPath} holds ${count} images but ${labelsPath} holds ${labelShape[0]} labels; the two files must come from the same split`);
  }
  const pixels = new Float32Array(imageBytes.length);
  for (let i = 0; i < imageBytes.length; i++) pixels[i] = imageBytes[i] / 255;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labelBytes[i];
    if (label >= FASHION_MNIST_CLASSES.length) {
      throw new DataError(`loadFashionMnist: ${labelsPath} has label ${label} at index ${i}; Fashion-MNIST labels are 0 to ${FASHION_MNIST_CLASSES.length - 1}`);
    }
    labels[i] = label;
  }
  return {
    images: new Tensor(pixels, [count, 1, IMAGE_SIZE, IMAGE_SIZE]),
    labels: new Tensor(labels, [count]),
  };
}
