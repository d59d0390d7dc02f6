// Typed errors. Messages follow PyTorch's wording, prefixed by the op that raised them,
// so a learner can paste the message next to the one PyTorch prints for the same mistake.

/** Base class of every error convlab throws on purpose. */
export class ConvlabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Tensor shapes that do not fit together (PyTorch raises RuntimeError for most of these). */
export class ShapeError extends ConvlabError {}

/** An argument with a value the op cannot accept (negative stride, unknown mode, ...). */
export class ValueError extends ConvlabError {}

/** An index or dimension outside its range. */
export class IndexError extends ConvlabError {}

/** A dtype the op does not support, or tensors of different dtypes mixed where that is not allowed. */
export class DTypeError extends ConvlabError {}

/** A misuse of autograd (backward on a non-scalar without a gradient, in-place on a leaf, ...). */
export class AutogradError extends ConvlabError {}

/** A file (dataset, weights) that is missing, truncated, corrupted or of the wrong kind. */
export class DataError extends ConvlabError {}

/** Training that cannot go on (a NaN or infinite loss), with where it happened and what to try. */
export class TrainingError extends ConvlabError {}
