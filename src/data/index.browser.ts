// Data in a browser (the browser build uses this in place of index.ts): the same loaders and datasets, with
// Fashion-MNIST fetched or read from picked files (fashion-mnist.browser.ts) instead of folders and downloads.
export { DataLoader, type DataLoaderOptions } from "./dataloader.js";
export { TensorDataset, gatherRows, type BatchSource } from "./dataset.js";
export {
  FashionMnist,
  loadFashionMnist,
  loadFashionMnistSync,
  preloadFashionMnist,
  setFashionMnistUrl,
  type DataSource,
  type LoadFashionMnistOptions,
  type NamedBlob,
  type SourceKind,
} from "./fashion-mnist.browser.js";
export {
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  type FashionMnistFile,
  type Split,
} from "./fashion-mnist-files.js";
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, encodeIdx, isGzip, parseIdx, type IdxArray } from "./idx-format.js";
export { loadDataFashionMnist, type FashionMnistLoaders, type LoadDataOptions } from "./load-data.js";
