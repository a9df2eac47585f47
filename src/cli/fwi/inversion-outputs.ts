import { join } from 'node:path';
import { writeFigure } from '../../io/figure.ts';
import { writeLinePlot } from '../../io/line-plot.ts';
import { writeNpy } from '../../io/npy.ts';
import { writeFileAtomic } from '../../support/atomic-write.ts';
import type { VelocityModel } from './models.ts';

/**
 * The files of the `fwi` job, each a PNG figure (axes in metres, a colour bar) with its float32
 * `.npy` array of shape [nx, nz]. Written as the job goes, so an interrupted run keeps the
 * iterations it finished. Under mpirun every rank keeps the list but only world rank 0 (`writes`)
 * writes the files.
 */
export class InversionOutputs {
  /** File names written so far, relative to the output directory. */
  readonly files: string[] = [];
  private readonly shape: [number, number];
  private readonly space: { xAxis: { label: string; start: number; step: number }; yAxis: { label: string; start: number; step: number } };

  constructor(private readonly out: string, model: VelocityModel, private readonly bounds: readonly [number, number], private readonly writes = true) {
    this.shape = [model.shape[0], model.shape[1]];
    this.space = {
      xAxis: { label: 'x (m)', start: model.origin[0], step: model.spacing[0] },
      yAxis: { label: 'depth (m)', start: model.origin[1], step: model.spacing[1] },
    };
  }

  /** A velocity model: one colour scale, the bounds, for every model so the iterations compare. */
  model(name: string, vp: ArrayLike<number>, title: string): void {
    const [vmin, vmax] = this.bounds;
    this.write(name, vp, { colormap: 'viridis', vmin, vmax, title, colorbar: { label: 'vp (km/s)' } });
  }

  /** A gradient or an image: symmetric about 0, clipped at the 98th percentile of |value|. */
  image(name: string, values: ArrayLike<number>, title: string, unit: string): void {
    this.write(name, values, { colormap: 'seismic', clipPercentile: 98, title, colorbar: { label: unit } });
  }

  /** Misfit and model error per iteration, both relative to the starting model (one plot, one scale). */
  misfit(misfit: readonly number[], modelError: readonly number[]): void {
    this.files.push('misfit.png');
    if (!this.writes) return;
    const relative = (values: readonly number[]): [number, number][] => values.map((v, k) => [k, v / values[0]!]);
    writeLinePlot(join(this.out, 'misfit.png'), [
      { label: 'misfit', points: relative(misfit), color: [31, 119, 180], style: 'both' },
      { label: 'model error', points: relative(modelError), color: [214, 39, 40], style: 'both' },
    ], { xLabel: 'iteration', yLabel: 'relative to iteration 0', title: 'FWI convergence' });
  }

  summary(content: object): void {
    this.files.push('summary.json');
    if (this.writes) writeFileAtomic(join(this.out, 'summary.json'), JSON.stringify(content, null, 2));
  }

  /** Paths of the files written, for the log. */
  paths(): string[] {
    return this.files.map((f) => join(this.out, f));
  }

  private write(name: string, values: ArrayLike<number>, style: Omit<Parameters<typeof writeFigure>[3], 'xAxis' | 'yAxis'>): void {
    this.files.push(`${name}.png`, `${name}.npy`);
    if (!this.writes) return;
    writeNpy(join(this.out, `${name}.npy`), Float32Array.from(values), this.shape);
    writeFigure(join(this.out, `${name}.png`), values, this.shape, { ...this.space, ...style });
  }
}
