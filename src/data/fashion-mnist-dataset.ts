// What a loaded Fashion-MNIST split is, on every platform: the dataset class, the checks of the options both
// loaders share, keeping the first `limit` samples, and the one-line message saying what was loaded from where.
// Where the files come from differs (fashion-mnist.ts searches folders and downloads in Node;
// fashion-mnist.browser.ts reads picked files or fetches URLs), so each loader names its own sources.
import { ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { TensorDataset } from "./dataset.js";
import { FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, type Split } from "./fashion-mnist-files.js";

export interface DataSource<Kind extends string = string> {
  kind: Kind;
  /** The folder, URL or file names the data was read from. */
  path: string;
  /** True when the files match the official Fashion-MNIST digests (or, for the subset, its SHA256SUMS). */
  verified: boolean;
  /** Sources that were tried and skipped because something was wrong with them. */
  warnings: string[];
}

/** One split of Fashion-MNIST: a TensorDataset of (image, label) with what it is and where it came from. */
export class FashionMnistDataset<Kind extends string = string> extends TensorDataset {
  readonly classes: readonly string[] = FASHION_MNIST_CLASSES;

  constructor(
    readonly split: Split,
    readonly images: Tensor,
    readonly labels: Tensor,
    readonly source: DataSource<Kind>,
    /** One line saying what was loaded and from where, for a lesson to print. */
    readonly message: string,
  ) {
    super(images, labels);
  }
}

/** The checks both loaders make: split, source and limit. */
export function checkSplitOptions(options: { split?: Split; source?: string; limit?: number }): Split {
  const split = options.split ?? "train";
  if (split !== "train" && split !== "test") {
    throw new ValueError(`loadFashionMnist: split must be "train" or "test", got ${JSON.stringify(split)}`);
  }
  if (options.source !== undefined && options.source !== "auto" && options.source !== "subset") {
    throw new ValueError(`loadFashionMnist: source must be "auto" or "subset", got ${JSON.stringify(options.source)}`);
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit <= 0)) {
    throw new ValueError(`loadFashionMnist: limit must be a positive integer, got ${options.limit}`);
  }
  return split;
}

/** The first `limit` samples (all without one), and the note the message gives about it. */
export function firstSamples(images: Tensor, labels: Tensor, limit: number | undefined): { images: Tensor; labels: Tensor; limitNote: string } {
  const available = labels.shape[0];
  if (limit === undefined) return { images, labels, limitNote: "" };
  if (limit >= available) return { images, labels, limitNote: `limit ${limit} ≥ the ${available} available: all` };
  // Rows are contiguous, so the first N samples are a prefix of each array, copied so the full array can be freed.
  const firstRows = (source: Tensor) => {
    const rowSize = source.size / source.shape[0];
    return new Tensor(source.data.slice(0, limit * rowSize), [limit, ...source.shape.slice(1)]);
  };
  return { images: firstRows(images), labels: firstRows(labels), limitNote: `the first ${limit} of ${available}` };
}

/**
 * "Fashion-MNIST train: 6000 images from <where> (<path>), SHA256SUMS checked; the full 60000 come from …".
 * `sourceName`: how this platform names the source; `fullData`: how to get the full data from the subset.
 */
export function describeSplit(split: Split, count: number, limitNote: string, source: DataSource, sourceName: string, fullData: string): string {
  const what = limitNote ? `${count} images (${limitNote})` : `${count} images`;
  const check = source.kind === "subset" ? "SHA256SUMS checked"
    : source.verified ? "official SHA-256 verified" : "not the official files' checksums";
  let line = `Fashion-MNIST ${split}: ${what} from ${sourceName} (${source.path}), ${check}`;
  if (source.kind === "subset") line += `; the full ${FASHION_MNIST_FILES[split].count} come from ${fullData}`;
  if (source.warnings.length > 0) line += `; skipped: ${source.warnings.join("; ")}`;
  return line;
}
