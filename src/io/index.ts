/** `devito-ts/io`: NumPy files, PNG images and figures for fields and records. */
export { writeNpy, readNpy, encodeNpy, decodeNpy, NpyFormatError, type NpyArray } from './npy.ts';
export { writePng, renderImage, encodePng, type ImageOptions } from './png.ts';
export { writeFigure, renderFigure, type FigureOptions, type FigureAxis } from './figure.ts';
export { renderLinePlot, writeLinePlot, type PlotSeries, type LinePlotOptions } from './line-plot.ts';
export { renderSchedule, writeScheduleFigure, SCHEDULE_COLORS, type ScheduleFigureOptions } from './schedule-figure.ts';
