// loadFashionMnist in a browser (the browser build uses this in place of fashion-mnist.ts). There are no
// folders to search; a split comes from, in order:
//   1. options.files       the split's two files, picked by the learner (<input type="file" multiple>)
//   2. options.url         a folder URL holding the official files (raw or .gz), e.g. a course's own copy
//   3. setFashionMnistUrl  the same, configured once by the instructor for every lesson
//   4. the subset served with the site (data/fashion-mnist-subset next to convlab.js), its SHA256SUMS checked
// Files from 1–3 that match the official digests are reported as verified, others load as unverified (a
// user's own subset). Everything is fetched or read asynchronously; loadFashionMnistSync (the lessons use it)
// answers from what was loaded before — preloadFashionMnist() loads both splits, as the JupyterLite kernel does
// when it starts — and otherwise says to await loadFashionMnist first.
import { DataError, ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { checkSplitOptions, describeSplit, FashionMnistDataset, firstSamples, type DataSource as DataSourceOf } from "./fashion-mnist-dataset.js";
import { FASHION_MNIST_FILES, parseChecksums, type FashionMnistFile, type Split } from "./fashion-mnist-files.js";
import { toTensors } from "./fashion-mnist-tensors.js";
import { DEFAULT_MAX_INFLATED_BYTES, isGzip, parseIdx } from "./idx-format.js";

export type SourceKind = "files" | "url" | "subset";

/** Where a split came from (`kind` one of this loader's sources). */
export type DataSource = DataSourceOf<SourceKind>;

/** A picked file: a File, or any Blob with the official file name. */
export type NamedBlob = Blob & { readonly name: string };

export interface LoadFashionMnistOptions {
  split?: Split;
  /** "subset": load the subset served with the site, whatever else is configured. */
  source?: "auto" | "subset";
  /** The split's two files (more are fine: the right two are picked by name). */
  files?: Iterable<NamedBlob>;
  /** A folder URL holding the four IDX files (raw or .gz, official names), relative to the page. */
  url?: string;
  /** Keep only the first `limit` samples, in file order. */
  limit?: number;
  /** Where the bundled subset is served (default: data/fashion-mnist-subset/ next to convlab.js). */
  subsetUrl?: string;
}

let configuredUrl: string | null = null;
let defaultSubsetUrl: string | null = null;

/** The folder URL every loadFashionMnist() reads from unless a call says otherwise (null: the subset). */
export function setFashionMnistUrl(url: string | null): void {
  configuredUrl = url;
}

/** Where the subset is served; the browser entry sets it next to the bundle. */
export function setSubsetUrl(url: string): void {
  defaultSubsetUrl = url;
}

/** One split of Fashion-MNIST: a TensorDataset of (image, label) with what it is and where it came from. */
export class FashionMnist extends FashionMnistDataset<SourceKind> {}

interface Loaded { kind: SourceKind; path: string; verified: boolean; images: Tensor; labels: Tensor }

/** Whole splits loaded so far, by where they came from: what loadFashionMnistSync can answer from. */
const loadedSplits = new Map<string, Loaded>();

function cacheKey(split: Split, options: LoadFashionMnistOptions): string | null {
  if (options.source !== "subset" && options.files !== undefined) return null;
  if (options.source !== "subset" && (options.url ?? configuredUrl) !== null) return `url ${folderUrl(options.url ?? configuredUrl!)} ${split}`;
  return `subset ${folderUrl(options.subsetUrl ?? defaultSubsetUrl ?? "data/fashion-mnist-subset/")} ${split}`;
}

/** Loads both splits from where loadFashionMnist(options) would, so that loadFashionMnistSync can answer. */
export async function preloadFashionMnist(options: Omit<LoadFashionMnistOptions, "split" | "limit"> = {}): Promise<void> {
  await Promise.all((["train", "test"] as const).map((split) => loadFashionMnist({ ...options, split })));
}

export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<FashionMnist> {
  const split = checkOptions(options);
  const key = cacheKey(split, options);
  const known = key === null ? undefined : loadedSplits.get(key);
  if (known) return limited(split, known, options);
  const files = FASHION_MNIST_FILES[split];
  const wanted = [files.images, files.labels] as const;
  let found: { kind: SourceKind; path: string; bytes: Uint8Array[]; verified: boolean };
  if (options.source !== "subset" && options.files !== undefined) {
    const picked = [...options.files];
    const blobs = wanted.map((file) => picked.find((blob) => blob.name === file.name || blob.name === file.name.replace(/\.gz$/, "")));
    const missing = wanted.filter((_, i) => blobs[i] === undefined).map((file) => file.name);
    if (missing.length > 0) {
      throw new DataError(`loadFashionMnist: the files given (${picked.map((blob) => blob.name).join(", ") || "none"}) do not include ${missing.join(" or ")} (raw or .gz)`);
    }
    const bytes = await Promise.all(blobs.map(async (blob) => content(new Uint8Array(await blob!.arrayBuffer()), blob!.name)));
    found = { kind: "files", path: blobs.map((blob) => blob!.name).join(", "), bytes, verified: await official(bytes, wanted) };
  } else if (options.source !== "subset" && (options.url ?? configuredUrl) !== null) {
    const folder = folderUrl(options.url ?? configuredUrl!);
    const bytes = await Promise.all(wanted.map((file) => fetchIdx(folder, file)));
    found = { kind: "url", path: folder, bytes, verified: await official(bytes, wanted) };
  } else {
    const folder = folderUrl(options.subsetUrl ?? defaultSubsetUrl ?? "data/fashion-mnist-subset/");
    const sums = parseChecksums(new TextDecoder().decode(await fetchBytes(new URL("SHA256SUMS", folder).href)), `${folder}SHA256SUMS`);
    const bytes = await Promise.all(wanted.map(async (file) => {
      const raw = await fetchBytes(new URL(file.name, folder).href);
      const expected = sums.get(file.name);
      if (expected === undefined) throw new DataError(`loadFashionMnist: ${folder}SHA256SUMS lists no checksum for ${file.name}`);
      const actual = await sha256(raw);
      if (actual !== expected) {
        throw new DataError(`loadFashionMnist: checksum mismatch for ${folder}${file.name}: SHA-256 ${actual}, SHA256SUMS says ${expected}`);
      }
      return content(raw, file.name);
    }));
    found = { kind: "subset", path: folder, bytes, verified: true };
  }
  const images = parseIdx(found.bytes[0], files.images.name, files.images.magic);
  const labels = parseIdx(found.bytes[1], files.labels.name, files.labels.magic);
  const tensors = toTensors(images.shape, images.data, files.images.name, labels.shape, labels.data, files.labels.name);
  const loaded: Loaded = { kind: found.kind, path: found.path, verified: found.verified, ...tensors };
  if (key !== null) loadedSplits.set(key, loaded);
  return limited(split, loaded, options);
}

/** A dataset of the loaded split's first `limit` samples (all without a limit); the split's tensors are not copied. */
function limited(split: Split, loaded: Loaded, options: LoadFashionMnistOptions): FashionMnist {
  const { images, labels, limitNote } = firstSamples(loaded.images, loaded.labels, options.limit);
  const source: DataSource = { kind: loaded.kind, path: loaded.path, verified: loaded.verified, warnings: [] };
  const message = describeSplit(split, labels.shape[0], limitNote, source, SOURCE_NAMES[loaded.kind], "loadFashionMnist({ files }) with the official files, or a URL");
  return new FashionMnist(split, images, labels, source, message);
}

/** The split from where loadFashionMnist(options) would load it, if it was loaded before (preloadFashionMnist). */
export function loadFashionMnistSync(options: LoadFashionMnistOptions = {}): FashionMnist {
  const split = checkOptions(options);
  const key = cacheKey(split, options);
  if (options.files !== undefined && options.source !== "subset") {
    throw new ValueError("loadFashionMnistSync: picked files are read asynchronously; use `await loadFashionMnist({ files })`");
  }
  const known = key === null ? undefined : loadedSplits.get(key);
  if (!known) {
    throw new ValueError(`loadFashionMnistSync: a browser fetches data asynchronously, and the ${split} split has not been loaded here yet; `
      + "use `await loadFashionMnist(...)`, or `await preloadFashionMnist()` once before the synchronous calls");
  }
  return limited(split, known, options);
}

function checkOptions(options: LoadFashionMnistOptions): Split {
  const split = checkSplitOptions(options);
  if ("dir" in options) {
    throw new ValueError("loadFashionMnist: a browser has no folders; pass url (a folder URL) or files (from a file picker)");
  }
  return split;
}

function folderUrl(url: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const absolute = new URL(url, base).href;
  return absolute.endsWith("/") ? absolute : absolute + "/";
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DataError(`loadFashionMnist: cannot fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new DataError(`loadFashionMnist: cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The .gz file, else the raw one, from a folder URL; decompressed. */
async function fetchIdx(folder: string, file: FashionMnistFile): Promise<Uint8Array> {
  try {
    return await content(await fetchBytes(new URL(file.name, folder).href), file.name);
  } catch (error) {
    const rawName = file.name.replace(/\.gz$/, "");
    try {
      return await content(await fetchBytes(new URL(rawName, folder).href), rawName);
    } catch {
      throw error;
    }
  }
}

/** The IDX bytes of a file: gunzipped when it is gzip (detected by content), bounded against a gzip bomb. */
async function content(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > DEFAULT_MAX_INFLATED_BYTES) throw new DataError(`readIdx: ${name} inflates to more than ${DEFAULT_MAX_INFLATED_BYTES} bytes`);
      parts.push(value);
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`readIdx: ${name} is not a valid gzip file (${String(error)}): the file is truncated or corrupted; fetch it again`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function official(contents: Uint8Array[], files: readonly FashionMnistFile[]): Promise<boolean> {
  for (let i = 0; i < files.length; i++) {
    if (contents[i].length !== files[i].contentBytes || await sha256(contents[i]) !== files[i].contentSha256) return false;
  }
  return true;
}



const SOURCE_NAMES: Record<SourceKind, string> = {
  files: "the files picked",
  url: "the course's copy",
  subset: "the subset served with this site",
};
