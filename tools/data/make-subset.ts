// Make data/fashion-mnist-subset from the real Fashion-MNIST files: the first N images of each class
// (600 per class from train, 100 from test), in their original order, as gzip IDX files with the
// official names, plus SHA256SUMS and a README. The loader checks SHA256SUMS at every load.
//
//   npm run build && node dist/tools/data/make-subset.js [--from DIR] [--out DIR] [--train-per-class N] [--test-per-class N]
//
// --from defaults to Debian's /usr/share/datasets/fashion-mnist (apt install dataset-fashion-mnist);
// its files must match the official digests, so the subset is always cut from the real data.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { FASHION_MNIST_CLASSES, FASHION_MNIST_FILES, type Split } from "../../src/data/fashion-mnist-files.js";
import { findFile } from "../../src/data/fashion-mnist-read.js";
import { encodeIdx, readIdx } from "../../src/data/idx.js";
import { CHECKSUMS_FILE, firstPerClass } from "../../src/data/subset.js";
import { DEBIAN_DIR } from "../../src/data/fashion-mnist.js";

const IMAGE_BYTES = 28 * 28;

const { values } = parseArgs({
  options: {
    from: { type: "string", default: DEBIAN_DIR },
    out: { type: "string", default: join("data", "fashion-mnist-subset") },
    "train-per-class": { type: "string", default: "600" },
    "test-per-class": { type: "string", default: "100" },
  },
});
const perClass: Record<Split, number> = {
  train: Number(values["train-per-class"]),
  test: Number(values["test-per-class"]),
};
const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });

const checksumLines: string[] = [];
const readmeRows: string[] = [];
for (const split of ["train", "test"] as const) {
  const files = FASHION_MNIST_FILES[split];
  const imagesPath = findFile(values.from!, files.images);
  const labelsPath = findFile(values.from!, files.labels);
  if (!imagesPath || !labelsPath) throw new Error(`make-subset: ${values.from} lacks the ${split} files`);
  const images = readIdx(imagesPath, files.images.magic);
  const labels = readIdx(labelsPath, files.labels.magic);
  for (const [path, file, idx] of [[imagesPath, files.images, images], [labelsPath, files.labels, labels]] as const) {
    const headerBytes = 4 + 4 * idx.shape.length;
    const content = new Uint8Array(idx.data.buffer, idx.data.byteOffset - headerBytes, idx.data.length + headerBytes);
    const digest = createHash("sha256").update(content).digest("hex");
    if (digest !== file.contentSha256) throw new Error(`make-subset: ${path} is not the official file (SHA-256 ${digest})`);
  }

  const kept = firstPerClass(labels.data, perClass[split], FASHION_MNIST_CLASSES.length);
  const keptImages = new Uint8Array(kept.length * IMAGE_BYTES);
  const keptLabels = new Uint8Array(kept.length);
  kept.forEach((source, k) => {
    keptImages.set(images.data.subarray(source * IMAGE_BYTES, (source + 1) * IMAGE_BYTES), k * IMAGE_BYTES);
    keptLabels[k] = labels.data[source];
  });
  const outputs: [string, Uint8Array][] = [
    [files.images.name, encodeIdx([kept.length, 28, 28], keptImages)],
    [files.labels.name, encodeIdx([kept.length], keptLabels)],
  ];
  for (const [name, idxBytes] of outputs) {
    const gz = gzipSync(idxBytes, { level: 9 });
    writeFileSync(join(outDir, name), gz);
    checksumLines.push(`${createHash("sha256").update(gz).digest("hex")}  ${name}`);
    readmeRows.push(`| ${name} | ${split} | ${kept.length} | ${gz.length} |`);
  }
  console.log(`${split}: kept ${kept.length} of ${labels.shape[0]} (${perClass[split]} per class), last source index ${kept[kept.length - 1]}`);
}
writeFileSync(join(outDir, CHECKSUMS_FILE), checksumLines.join("\n") + "\n");
writeFileSync(join(outDir, "README.md"), `# Fashion-MNIST subset bundled with convlab

A balanced subset of Fashion-MNIST (Zalando Research, MIT licence, see LICENSE;
https://github.com/zalandoresearch/fashion-mnist) so every lesson runs offline on a fresh clone.
\`loadFashionMnist\` falls back to it when no full copy is found, and checks \`${CHECKSUMS_FILE}\` at every load.

Made by \`tools/data/make-subset.ts\` from the official files (their content SHA-256 is checked first):
the first ${perClass.train} training and the first ${perClass.test} test images of each of the ten classes,
kept in their original order, written as gzip IDX files with the official names.

| file | split | samples | bytes |
|---|---|---|---|
${readmeRows.join("\n")}

Remake it with:

    npm run build && node dist/tools/data/make-subset.js --from /usr/share/datasets/fashion-mnist
`);
// The data is Zalando's under the MIT licence, whose notice must travel with every copy.
writeFileSync(join(outDir, "LICENSE"), `The MIT License (MIT)

Copyright (c) 2017 Zalando SE

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`);
console.log(`wrote ${outDir}`);
