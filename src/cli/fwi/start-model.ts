import { SALT_MODEL } from '../../seismic/presets.ts';
import { gaussianBlur, type VelocityModel } from './models.ts';

/**
 * The `fwi` job's starting model: what a survey knows before inversion. The water layer is exact
 * (its velocity and depth are measured); the sediments are a smooth trend; the salt is absent.
 *
 * Why not `smoothModel(truth)` as fwi-gradient uses: a blur across the sea floor slows the first
 * sediments and the blurred salt already sits in the model, so the first gradient is a band under
 * the sea floor and the salt only sharpens. Here the water is filled with the sediment below it
 * before the blur and put back after, and each salt point takes the sediment velocity left of the
 * body: the largest error left, and so the first gradient's strongest feature, is the salt.
 */
export function startingModel(truth: VelocityModel, sigma: number): VelocityModel {
  const [nx, nz] = truth.shape;
  const water = truth.vp[0]!;
  const filled = truth.vp.slice();
  const floor = new Int32Array(nx);
  for (let i = 0; i < nx; i++) {
    let j = 0;
    while (j < nz && filled[i * nz + j] === water) j++;
    floor[i] = j;
    const below = j < nz ? filled[i * nz + j]! : water;
    for (let k = 0; k < j; k++) filled[i * nz + k] = below;
  }
  // Salt → the sediment at the same depth just left of it (the layers dip gently).
  for (let j = 0; j < nz; j++) {
    for (let i = 1; i < nx; i++) if (filled[i * nz + j] === SALT_MODEL.salt) filled[i * nz + j] = filled[(i - 1) * nz + j]!;
  }
  const vp = gaussianBlur(filled, truth.shape, sigma);
  for (let i = 0; i < nx; i++) for (let k = 0; k < floor[i]!; k++) vp[i * nz + k] = water;
  return { ...truth, vp };
}
