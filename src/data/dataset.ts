// A dataset of tensors that share their first dimension, like torch.utils.data.TensorDataset.
// Samples are rows along dimension 0; a batch gathers chosen rows into new contiguous tensors,
// which is all the DataLoader needs.
import { IndexError, ShapeError, ValueError } from "../errors.js";
import type { Storage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { checkTensor } from "../tensor/arguments.js";

/** Anything a DataLoader can draw batches from. */
export interface BatchSource<Batch> {
  readonly length: number;
  /** The samples at these indices, stacked along a new first dimension. */
  batch(indices: ArrayLike<number>): Batch;
}

export class TensorDataset implements BatchSource<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError("TensorDataset: at least one tensor is required");
    tensors.forEach((t, i) => checkTensor(t, "TensorDataset", `tensors[${i}]`, i + 1));
    for (const t of tensors) {
      if (t.ndim === 0) throw new ShapeError("TensorDataset: tensors need a first dimension to index samples along, got a 0-d tensor");
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new ShapeError(`TensorDataset: Size mismatch between tensors: first dimensions ${tensors.map((x) => x.shape[0]).join(", ")}`);
      }
    }
    this.tensors = Object.freeze([...tensors]);
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Sample `index` (negative counts from the end): one tensor per stored tensor, without dimension 0. */
  get(index: number): Tensor[] {
    const row = this.checkIndex(index);
    return this.tensors.map((t) => {
      const rowSize = t.size / t.shape[0];
      return new Tensor(t.data.slice(row * rowSize, (row + 1) * rowSize), t.shape.slice(1));
    });
  }

  batch(indices: ArrayLike<number>): Tensor[] {
    const rows = Array.from(indices, (i) => this.checkIndex(i));
    return this.tensors.map((t) => gatherRows(t, rows));
  }

  private checkIndex(index: number): number {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new IndexError(`TensorDataset: index ${index} is out of bounds for dimension 0 with size ${n}`);
    }
    return index < 0 ? index + n : index;
  }
}

/** Rows `rows` of `source` (along dimension 0) copied into one new contiguous tensor. */
export function gatherRows(source: Tensor, rows: readonly number[]): Tensor {
  const rowSize = source.shape[0] === 0 ? 0 : source.size / source.shape[0];
  const data = newStorageLike(source.data, rows.length * rowSize);
  rows.forEach((row, k) => data.set(source.data.subarray(row * rowSize, (row + 1) * rowSize), k * rowSize));
  return new Tensor(data, [rows.length, ...source.shape.slice(1)]);
}

function newStorageLike(data: Storage, length: number): Storage {
  const Constructor = data.constructor as new (length: number) => Storage;
  return new Constructor(length);
}
