// What the four Fashion-MNIST files are, and the digests that prove a copy is the real one.
//
// Two digests per file, because the same data travels in two different gzip wrappings:
// - `gzipSha256`/`gzipBytes`: the official .gz files as Zalando publishes them (the digests other
//   loaders pin, e.g. TensorFlow Datasets; their MD5s are the ones in Zalando's README). A download
//   is checked against these.
// - `contentSha256`/`contentBytes`: the decompressed IDX bytes, computed from Debian's package
//   dataset-fashion-mnist. Debian's .gz differ byte-wise from the originals: their gzip header has
//   no stored file name and a 2020 timestamp (so they are 23-24 bytes shorter). The deflate streams
//   are the originals': putting the name and the 2017 timestamp back gives files whose SHA-256 and
//   MD5 are the official ones (test/data/fashion-mnist.test.ts rebuilds them). Files on disk are
//   checked by content, so Debian's copies, official downloads and gunzipped copies all verify.
import { DataError } from "../errors.js";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from "./idx-format.js";

export type Split = "train" | "test";

export interface FashionMnistFile {
  /** Official file name; the same name without ".gz" is accepted for a raw copy. */
  name: string;
  magic: number;
  gzipSha256: string;
  gzipBytes: number;
  contentSha256: string;
  contentBytes: number;
}

export interface SplitFiles {
  images: FashionMnistFile;
  labels: FashionMnistFile;
  count: number;
}

export const FASHION_MNIST_FILES: Record<Split, SplitFiles> = {
  train: {
    count: 60000,
    images: {
      name: "train-images-idx3-ubyte.gz",
      magic: IDX_IMAGES_MAGIC,
      gzipSha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
      gzipBytes: 26421880,
      contentSha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      contentBytes: 47040016,
    },
    labels: {
      name: "train-labels-idx1-ubyte.gz",
      magic: IDX_LABELS_MAGIC,
      gzipSha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
      gzipBytes: 29515,
      contentSha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      contentBytes: 60008,
    },
  },
  test: {
    count: 10000,
    images: {
      name: "t10k-images-idx3-ubyte.gz",
      magic: IDX_IMAGES_MAGIC,
      gzipSha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
      gzipBytes: 4422102,
      contentSha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      contentBytes: 7840016,
    },
    labels: {
      name: "t10k-labels-idx1-ubyte.gz",
      magic: IDX_LABELS_MAGIC,
      gzipSha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
      gzipBytes: 5148,
      contentSha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
      contentBytes: 10008,
    },
  },
};

/** Class names by label, as d2l's get_fashion_mnist_labels spells them. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "t-shirt", "trouser", "pullover", "dress", "coat",
  "sandal", "shirt", "sneaker", "bag", "ankle boot",
]);

/**
 * The official HTTPS location: the data/fashion folder of Zalando's repository, which the README
 * names as an alternative to its S3 bucket (the bucket serves plain HTTP only).
 */
export const FASHION_MNIST_BASE_URL = "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/";

/** Parse `sha256sum` output (a SHA256SUMS file): "<64 hex>  <name>" per line. */
export function parseChecksums(text: string, path: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const [lineIndex, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (!match) throw new DataError(`loadFashionMnist: ${path} line ${lineIndex + 1} is not "<sha256>  <file name>"`);
    sums.set(match[2], match[1]);
  }
  return sums;
}
