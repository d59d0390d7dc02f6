export { train, evaluateAccuracy, correctCount, type TrainOptions, type TrainResult, type Batch } from "./train.js";
export { createProgress, epochLine, type EpochMetrics, type ProgressMode, type ProgressReporter } from "./progress.js";
