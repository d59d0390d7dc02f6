// Writes one example of every figure type as .svg, .png and .html to a folder (default artifacts/viz-gallery),
// to look at them as a reader would:  node dist/tools/viz/gallery.js [folder]
import { join } from "node:path";
import { arange, corr2d, FASHION_MNIST_CLASSES, lenet, loadFashionMnistSync, manualSeed, randn, tensor } from "../../src/index.js";
import * as viz from "../../src/viz/index.js";
import { findChromium } from "../../src/viz/save.js";

export function galleryFigures(): Record<string, viz.Figure> {
  manualSeed(0);
  const X = arange(9).reshape(3, 3).float();
  const K = tensor([[0, 1], [2, 3]]);
  const data = loadFashionMnistSync({ split: "test", limit: 64 });
  const images = data.images.get("0:16");
  const labels = Array.from(data.labels.data as Int32Array).slice(0, 16).map((l) => FASHION_MNIST_CLASSES[l]);
  const net = lenet();
  const withGaps = randn([12, 16]);
  withGaps.data[5] = NaN; withGaps.data[40] = Infinity; withGaps.data[77] = -Infinity;
  const predicted = Array.from(data.labels.data as Int32Array).map((l, i) => (i % 5 === 0 ? (l + 1) % 10 : l));
  return {
    heatmap: viz.heatmap(X, { title: "X = arange(9).reshape(3, 3)" }),
    correlation: viz.correlationFigure(X, K, corr2d(X, K), { title: "Two-dimensional cross-correlation" }),
    image: viz.heatmap(data.images.get("0, 0"), { title: `Test image 0: ${FASHION_MNIST_CLASSES[(data.labels.data as Int32Array)[0]]}`, colorscale: "greys" }),
    gaps: viz.heatmap(withGaps, { title: "Values with NaN and ±Inf <b>escaped</b>" }),
    huge: viz.heatmap(randn([1024, 1024]), { title: "1024×1024 random" }),
    featureMaps: viz.featureMaps(randn([6, 28, 28]), { title: "Conv1 feature maps" }),
    kernels: viz.kernelGrid(randn([6, 1, 5, 5]), { title: "Conv1 kernels" }),
    kernelsSmall: viz.kernelGrid(tensor([[[[1, -1]]]]), { title: "Edge kernel [1, -1]" }),
    images: viz.imageGrid(images, labels, { title: "Fashion-MNIST test samples" }),
    misclassified: viz.imageGrid(images.get("0:6"), labels.slice(0, 6).map((l, i) => `true: ${l}\npred: ${FASHION_MNIST_CLASSES[(i + 3) % 10]}`), { title: "Misclassified" }),
    confusion: viz.confusionMatrix(predicted, data.labels, FASHION_MNIST_CLASSES),
    curves: viz.trainingCurves([
      { epoch: 1, trainLoss: 2.31, trainAcc: 0.10, testAcc: 0.10 },
      { epoch: 2, trainLoss: 1.5, trainAcc: 0.42, testAcc: 0.55 },
      { epoch: 3, trainLoss: 0.9, trainAcc: 0.65, testAcc: 0.66 },
      { epoch: 4, trainLoss: 0.72, trainAcc: 0.72, testAcc: 0.70 },
      { epoch: 5, trainLoss: 0.62, trainAcc: 0.76, testAcc: 0.74 },
    ], { epochs: 10, title: "LeNet on Fashion-MNIST" }),
    receptiveField: viz.receptiveFieldFigure(data.images.get("0, 0"), net, { output: [2, 2] }),
    paddingStride: viz.paddingStrideFigure({ inputSize: 3, kernelSize: 2, padding: 1, stride: [3, 2] }),
    paddingStrideLarge: viz.paddingStrideFigure({ inputSize: 8, kernelSize: 3, padding: 1, stride: 1 }),
  };
}

async function main(): Promise<void> {
  const folder = process.argv[2] ?? "artifacts/viz-gallery";
  const png = findChromium() !== null;
  for (const [name, figure] of Object.entries(galleryFigures())) {
    await viz.saveFigure(figure, join(folder, `${name}.svg`));
    await viz.saveFigure(figure, join(folder, `${name}.html`));
    if (png) await viz.saveFigure(figure, join(folder, `${name}.png`));
    console.log(`${name}: ${join(folder, name)}.{svg,html${png ? ",png" : ""}}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
