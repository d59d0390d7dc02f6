// convlab.viz: figures for the lessons. Builders return plain Plotly {data, layout} objects; show() displays
// them in a notebook (interactive plotly.js + a static SVG + text), saveFigure() writes files.
export type { Figure, Trace, HeatmapTrace, ScatterTrace, Layout, Axis, Annotation, Shape, Colorscale } from "./figure.js";
export { heatmap, correlationFigure, type HeatmapOptions } from "./heatmap.js";
export { featureMaps, kernelGrid, imageGrid, type FeatureMapOptions } from "./grids.js";
export { trainingCurves, type EpochRecord } from "./curves.js";
export { receptiveFieldFigure, paddingStrideFigure, type PaddingStrideOptions } from "./geometry.js";
export { confusionMatrix } from "./confusion.js";
export { COLORSCALES, type ColorscaleName } from "./colors.js";
export { show, liveFigure, mimeBundle, type LiveFigure, type MimeBundle } from "./show.js";
export { saveFigure, findChromium } from "./save.js";
export { renderSvg } from "./svg/render.js";
export { describeFigure } from "./summary.js";
export { setLocale, getLocale, LOCALES, type Locale } from "./locale.js";
export { plotlyLoaderHtml, figureHtml, standaloneHtml } from "./html.js";
