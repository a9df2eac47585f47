/** `devito-ts/io`: NumPy files, PNG images and figures for fields and records. */
export { writeNpy, readNpy, encodeNpy, decodeNpy, NpyFormatError, type NpyArray } from './npy.ts';
export { writePng, renderImage, encodePng, type ImageOptions } from './png.ts';
export { writeFigure, renderFigure, svgPathFor, type FigureOptions, type FigureAxis, type RenderedFigure } from './figure.ts';
export { renderLinePlot, writeLinePlot, type PlotSeries, type LinePlotOptions, type RenderedLinePlot } from './line-plot.ts';
export { FONT_PACKAGE, DEFAULT_FONT_PATH } from './font.ts';
export { renderSchedule, writeScheduleFigure, SCHEDULE_COLORS, type ScheduleFigureOptions } from './schedule-figure.ts';
