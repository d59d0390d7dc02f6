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
import { downloadVerified, type FetchFunction } from "./download.js";
import { checkSplitOptions, describeSplit, FashionMnistDataset, firstSamples, type DataSource as DataSourceOf } from "./fashion-mnist-dataset.js";
import { FASHION_MNIST_BASE_URL, FASHION_MNIST_FILES, type Split } from "./fashion-mnist-files.js";
import { hasSplitFiles, readSplit, type SplitTensors } from "./fashion-mnist-read.js";
import { bundledSubsetDir, verifyChecksums } from "./subset.js";

export type SourceKind = "dir" | "env" | "cache" | "debian" | "download" | "subset";

/** Where a split came from (`kind` one of this loader's sources). */
export type DataSource = DataSourceOf<SourceKind>;

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
export class FashionMnist extends FashionMnistDataset<SourceKind> {}

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
  const split = checkSplitOptions(options);
  if (options.source === "subset" && options.dir !== undefined) {
    throw new ValueError('loadFashionMnist: pass either dir or source: "subset", not both');
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
  const { images, labels, limitNote } = firstSamples(found.tensors.images, found.tensors.labels, options.limit);
  const verified = found.kind === "subset" ? true : found.tensors.verified;
  const source: DataSource = { kind: found.kind, path: found.path, verified, warnings };
  const message = describeSplit(split, labels.shape[0], limitNote, source, SOURCE_NAMES[found.kind], "`apt install dataset-fashion-mnist` or a download");
  return new FashionMnist(split, images, labels, source, message);
}

const SOURCE_NAMES: Record<SourceKind, string> = {
  dir: "the folder given",
  env: "$CONVLAB_DATA",
  cache: "the convlab cache",
  debian: "Debian's dataset-fashion-mnist",
  download: "a fresh download (now cached)",
  subset: "the subset bundled with convlab",
};
