// loadFashionMnist: the Fashion-MNIST split as tensors, from the first place that has it.
// Sources, in order (the one used is reported in `source` and in the one-line `message`):
//   1. options.dir              (explicit; a problem there is an error, never a silent fallback)
//   2. $CONVLAB_DATA            (the files themselves, or its fashion-mnist/ subfolder; a broken file is an
//                               error, a folder without the files is skipped with a warning)
//   3. the user cache           ($XDG_CACHE_HOME/convlab/fashion-mnist, else ~/.cache/convlab/fashion-mnist)
//   4. Debian's package         (/usr/share/datasets/fashion-mnist, apt package dataset-fashion-mnist)
//   5. a download into the cache (HTTPS, size-bounded, SHA-256 checked; both files of the split;
//                               not with download: false, never in loadFashionMnistSync)
//   6. the subset bundled with convlab (6000 train / 1000 test, balanced), so lessons run offline.
// A corrupted cache or Debian file is reported in source.warnings and skipped.
import { homedir } from "node:os";
import { join } from "node:path";
import { DataError, ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { TensorDataset } from "./dataset.js";
import { downloadVerified, type FetchFunction } from "./download.js";
import { FASHION_MNIST_BASE_URL, FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, type Split } from "./fashion-mnist-files.js";
import { hasSplitFiles, readSplit, type SplitTensors } from "./fashion-mnist-read.js";
import { bundledSubsetDir, verifyChecksums } from "./subset.js";

export type SourceKind = "dir" | "env" | "cache" | "debian" | "download" | "subset";

export interface DataSource {
  kind: SourceKind;
  /** The folder the files were read from. */
  path: string;
  /** True when the files match the official Fashion-MNIST digests (or, for the subset, its SHA256SUMS). */
  verified: boolean;
  /** Sources that were tried and skipped because something was wrong with them. */
  warnings: string[];
}

export interface LoadFashionMnistOptions {
  split?: Split;
  /** A folder holding the four IDX files (raw or .gz, official names). */
  dir?: string;
  /** "subset": skip every other source and load the subset bundled with convlab (checked against its SHA256SUMS). */
  source?: "auto" | "subset";
  /** Allow a download into the cache when no local copy is found (default true; the sync loader never downloads). */
  download?: boolean;
  /** Keep only the first `limit` samples, in file order (not stratified). */
  limit?: number;
  /** Mirror to download from (default Zalando's repository); must be https://. */
  baseUrl?: string;
  /** Replaces global fetch (tests). */
  fetch?: FetchFunction;
  /** Replaces the default locations (tests, unusual installs). */
  cacheDir?: string;
  debianDir?: string;
  subsetDir?: string;
}

export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** One split of Fashion-MNIST: a TensorDataset of (image, label) with what it is and where it came from. */
export class FashionMnist extends TensorDataset {
  readonly split: Split;
  readonly images: Tensor;
  readonly labels: Tensor;
  readonly classes: readonly string[] = FASHION_MNIST_CLASSES;
  readonly source: DataSource;
  /** One line saying what was loaded and from where, for a lesson to print. */
  readonly message: string;

  constructor(split: Split, images: Tensor, labels: Tensor, source: DataSource, limitNote: string) {
    super(images, labels);
    this.split = split;
    this.images = images;
    this.labels = labels;
    this.source = source;
    this.message = describe(this, limitNote);
  }
}

/** The user cache folder for Fashion-MNIST (where downloads go). */
export function fashionMnistCacheDir(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cacheRoot, "convlab", "fashion-mnist");
}

/** Load a split, downloading the official files into the cache if no local copy exists. */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<FashionMnist> {
  const split = checkOptions(options);
  const warnings: string[] = [];
  if (options.source === "subset") return finish(split, loadSubset(split, options), options, warnings);
  const local = tryLocalSources(split, options, warnings);
  if (local) return finish(split, local, options, warnings);
  if (options.download !== false) {
    const cacheDir = options.cacheDir ?? fashionMnistCacheDir();
    try {
      await downloadSplit(split, cacheDir, options);
      const tensors = readSplit(cacheDir, split, true);
      return finish(split, { kind: "download", path: cacheDir, tensors }, options, warnings);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      warnings.push(error.message);
    }
  }
  return finish(split, loadSubset(split, options), options, warnings);
}

/** The same sources without the download (for code that cannot await). */
export function loadFashionMnistSync(options: LoadFashionMnistOptions = {}): FashionMnist {
  const split = checkOptions(options);
  const warnings: string[] = [];
  const local = options.source === "subset" ? null : tryLocalSources(split, options, warnings);
  return finish(split, local ?? loadSubset(split, options), options, warnings);
}

interface Found {
  kind: SourceKind;
  path: string;
  tensors: SplitTensors;
}

function checkOptions(options: LoadFashionMnistOptions): Split {
  const split = options.split ?? "train";
  if (split !== "train" && split !== "test") {
    throw new ValueError(`loadFashionMnist: split must be "train" or "test", got ${JSON.stringify(split)}`);
  }
  if (options.source !== undefined && options.source !== "auto" && options.source !== "subset") {
    throw new ValueError(`loadFashionMnist: source must be "auto" or "subset", got ${JSON.stringify(options.source)}`);
  }
  if (options.source === "subset" && options.dir !== undefined) {
    throw new ValueError('loadFashionMnist: pass either dir or source: "subset", not both');
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit <= 0)) {
    throw new ValueError(`loadFashionMnist: limit must be a positive integer, got ${options.limit}`);
  }
  return split;
}

function tryLocalSources(split: Split, options: LoadFashionMnistOptions, warnings: string[]): Found | null {
  // An explicit folder is used as given: missing or broken files are errors, and files that are
  // not the official ones (another IDX dataset, a user's subset) load, reported as unverified.
  if (options.dir !== undefined) {
    return { kind: "dir", path: options.dir, tensors: readSplit(options.dir, split, false) };
  }
  const envRoot = process.env.CONVLAB_DATA;
  if (envRoot) {
    const envDir = [join(envRoot, "fashion-mnist"), envRoot].find((dir) => hasSplitFiles(dir, split));
    if (envDir) return { kind: "env", path: envDir, tensors: readSplit(envDir, split, false) };
    warnings.push(`$CONVLAB_DATA: neither ${envRoot} nor ${join(envRoot, "fashion-mnist")} holds the ${split} files`);
  }
  // The cache and Debian's folder should hold exact copies, so anything else there is damage.
  const copies: [SourceKind, string][] = [
    ["cache", options.cacheDir ?? fashionMnistCacheDir()],
    ["debian", options.debianDir ?? DEBIAN_DIR],
  ];
  for (const [kind, dir] of copies) {
    if (!hasSplitFiles(dir, split)) continue;
    try {
      return { kind, path: dir, tensors: readSplit(dir, split, true) };
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      warnings.push(`${kind}: ${error.message}; not used`);
    }
  }
  return null;
}

async function downloadSplit(split: Split, cacheDir: string, options: LoadFashionMnistOptions): Promise<void> {
  const baseUrl = options.baseUrl ?? FASHION_MNIST_BASE_URL;
  const files = FASHION_MNIST_FILES[split];
  for (const file of [files.labels, files.images]) {
    await downloadVerified({
      url: new URL(file.name, baseUrl.endsWith("/") ? baseUrl : baseUrl + "/").href,
      destination: join(cacheDir, file.name),
      sha256: file.gzipSha256,
      maxBytes: file.gzipBytes,
      fetch: options.fetch,
    });
  }
}

function loadSubset(split: Split, options: LoadFashionMnistOptions): Found {
  const dir = options.subsetDir ?? bundledSubsetDir();
  if (dir === null) {
    throw new DataError("loadFashionMnist: no Fashion-MNIST files found, and the bundled subset (data/fashion-mnist-subset) is missing from this installation");
  }
  const files = FASHION_MNIST_FILES[split];
  verifyChecksums(dir, [files.images.name, files.labels.name]);
  return { kind: "subset", path: dir, tensors: readSplit(dir, split, false) };
}

function finish(split: Split, found: Found, options: LoadFashionMnistOptions, warnings: string[]): FashionMnist {
  let { images, labels } = found.tensors;
  const available = labels.shape[0];
  let limitNote = "";
  if (options.limit !== undefined) {
    if (options.limit < available) {
      // Rows are contiguous, so the first N samples are a prefix of each array.
      images = firstRows(images, options.limit);
      labels = firstRows(labels, options.limit);
      limitNote = `the first ${options.limit} of ${available}`;
    } else {
      limitNote = `limit ${options.limit} ≥ the ${available} available: all`;
    }
  }
  const verified = found.kind === "subset" ? true : found.tensors.verified;
  return new FashionMnist(split, images, labels, { kind: found.kind, path: found.path, verified, warnings }, limitNote);
}

/** The first `count` samples: a prefix of the contiguous data, copied so the full array can be freed. */
function firstRows(source: Tensor, count: number): Tensor {
  const rowSize = source.size / source.shape[0];
  return new Tensor(source.data.slice(0, count * rowSize), [count, ...source.shape.slice(1)]);
}

const SOURCE_NAMES: Record<SourceKind, string> = {
  dir: "the folder given",
  env: "$CONVLAB_DATA",
  cache: "the convlab cache",
  debian: "Debian's dataset-fashion-mnist",
  download: "a fresh download (now cached)",
  subset: "the subset bundled with convlab",
};

function describe(dataset: FashionMnist, limitNote: string): string {
  const { source, split } = dataset;
  const count = dataset.length;
  const what = limitNote ? `${count} images (${limitNote})` : `${count} images`;
  const check = source.kind === "subset"
    ? "SHA256SUMS checked"
    : source.verified ? "official SHA-256 verified" : "not the official files' checksums";
  let line = `Fashion-MNIST ${split}: ${what} from ${SOURCE_NAMES[source.kind]} (${source.path}), ${check}`;
  if (source.kind === "subset") {
    line += `; the full ${FASHION_MNIST_FILES[split].count} come from \`apt install dataset-fashion-mnist\` or a download`;
  }
  if (source.warnings.length > 0) line += `; skipped: ${source.warnings.join("; ")}`;
  return line;
}
