// Data: Fashion-MNIST loading, the IDX reader, datasets of tensors and the DataLoader.
export { DataLoader, type DataLoaderOptions } from "./dataloader.js";
export { TensorDataset, gatherRows, type BatchSource } from "./dataset.js";
export { downloadVerified, checkDownloadUrl, type DownloadOptions, type FetchFunction } from "./download.js";
export {
  FashionMnist,
  loadFashionMnist,
  loadFashionMnistSync,
  fashionMnistCacheDir,
  DEBIAN_DIR,
  type DataSource,
  type LoadFashionMnistOptions,
  type SourceKind,
} from "./fashion-mnist.js";
export {
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  type FashionMnistFile,
  type Split,
} from "./fashion-mnist-files.js";
export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, encodeIdx, isGzip, parseIdx, readIdx, type IdxArray } from "./idx.js";
export { bundledSubsetDir } from "./subset.js";
export { loadDataFashionMnist, type FashionMnistLoaders, type LoadDataOptions } from "./load-data.js";
