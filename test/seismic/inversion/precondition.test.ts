import { describe, expect, it } from 'vitest';
import { AcquisitionGeometry, SeismicModel } from '../../../src/index.ts';
import {
  compensateIllumination, laplacianFilter, muteWeights, seaFloorDepth, sourceIllumination, waterMute, wavefieldEnergy,
} from '../../../src/seismic/inversion/precondition.ts';
import { rtm } from '../../../src/seismic/inversion/rtm.ts';
import { modelShots } from '../../../src/seismic/inversion/shots.ts';
import { AcousticWaveSolver } from '../../../src/seismic/acoustic-solver.ts';

describe('water mute', () => {
  // 20 × 30 points at 10 m, origin z = 5 m: depths 5, 15, …, 295 m.
  const shape = [20, 30];
  const nz = 30;
  const model = new SeismicModel({ vp: 1.5, shape, spacing: [10, 10], origin: [0, 5], nbl: 4, spaceOrder: 4 });
  const values = Float64Array.from({ length: 600 }, (_, k) => 1 + Math.sin(k));

  it('zeroes exactly above the depth, tapers in [depth, depth + taper), leaves the rest untouched', () => {
    const muted = waterMute(values, model, { depth: 100, taper: 40 });
    for (let k = 0; k < 600; k++) {
      const z = 5 + (k % nz) * 10;
      if (z < 100) expect(muted[k]).toBe(0);
      else if (z >= 140) expect(muted[k]).toBe(values[k]);
      else {
        const w = 0.5 * (1 - Math.cos((Math.PI * (z - 100)) / 40));
        expect(muted[k]).toBeCloseTo(values[k]! * w, 14);
      }
    }
    // A hard mute (no taper) keeps the depth itself.
    const hard = muteWeights(model, { depth: 105 });
    expect(hard[10]).toBe(1); // z = 105
    expect(hard[9]).toBe(0); // z = 95
  });

  it('follows the sea floor found in vp (first point faster than the water)', () => {
    const vp = Float64Array.from({ length: 600 }, (_, k) => ((k % nz) * 10 + 5 >= 55 + 10 * Math.floor(k / nz) ? 2.0 : 1.5));
    const layered = new SeismicModel({ vp, shape, spacing: [10, 10], origin: [0, 5], nbl: 4, spaceOrder: 4 });
    const floor = seaFloorDepth(layered, 1.51);
    expect(floor[0]).toBe(55);
    expect(floor[3]).toBe(85);
    const w = muteWeights(layered, { waterVelocity: 1.51 });
    for (let k = 0; k < 600; k++) expect(w[k]).toBe(vp[k] === 2.0 ? 1 : 0);
  });
});

describe('illumination compensation', () => {
  it('divides by Σ_t u² + ε: a point value', () => {
    const image = Float64Array.from([2, -3, 5]);
    const energy = Float64Array.from([4, 0, 1]);
    const out = compensateIllumination(image, energy, { epsilon: 0.5 });
    expect(Array.from(out)).toEqual([2 / 4.5, -3 / 0.5, 5 / 1.5]);
    // Default ε: 1e-3 of the largest energy.
    expect(compensateIllumination(image, energy)[1]).toBe(-3 / 0.004);
  });

  for (const [dtype, tolerance] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
    it(`${dtype}: sourceIllumination (Inc during forward) is Σ_t u[t]² of the saved forward wavefield at each physical point (rel. ${tolerance})`, () => {
      const shape = [30, 24];
      const model = new SeismicModel({ vp: 1.8, shape, spacing: [10, 10], nbl: 6, spaceOrder: 4, dtype });
      const geometry = new AcquisitionGeometry(model, { srcCoordinates: [[145.5, 40.2]], recCoordinates: [[50, 20]], tn: 150, f0: 0.02 });
      const energy = sourceIllumination({ model, shots: [{ geometry }], nthreads: 1 });
      const solver = new AcousticWaveSolver(model, geometry);
      const { u } = solver.forward({ save: true, nthreads: 1 });
      const [i, j] = [16, 7];
      let expected = 0;
      for (let t = 0; t < geometry.nt; t++) expected += u.data.get(t, i + 6, j + 6) ** 2;
      expect(expected).toBeGreaterThan(0);
      // Accumulated by an Inc during the forward run vs summed from the saved history.
      expect(Math.abs(energy[i * 24 + j]! - expected) / expected).toBeLessThan(tolerance);
      const saved = wavefieldEnergy(u, model);
      const worst = saved.reduce((w, e, k) => Math.max(w, Math.abs(e - energy[k]!)), 0);
      expect(worst / Math.max(...saved)).toBeLessThan(tolerance);
    });
  }
});

describe('rtm', () => {
  it('images a flat reflector at its depth; the Laplacian filter, illumination and mute apply in that order', () => {
    // 50 × 40 at 10 m: 1.5 km/s above z = 250 m, 2.0 below. Migration velocity: 1.5 everywhere.
    const shape = [50, 40];
    const nz = 40;
    const truth = Float64Array.from({ length: 2000 }, (_, k) => ((k % nz) * 10 >= 250 ? 2.0 : 1.5));
    const model = new SeismicModel({ vp: 1.5, shape, spacing: [10, 10], nbl: 10, spaceOrder: 4, dtype: 'float64' });
    const recCoordinates = Array.from({ length: 49 }, (_, i) => [5 + 10 * i, 10]);
    const geometries = [[150.5, 10.2], [340.5, 10.2]].map((s) => new AcquisitionGeometry(model, { srcCoordinates: [s], recCoordinates, tn: 500, f0: 0.02, dt: 1.5 }));
    const shots = modelShots({ model, geometries, vp: truth, nthreads: 1 });
    const { image, raw, illumination } = rtm({ model, shots, subtractModelled: true, laplacianFilter: true, illumination: { relativeEpsilon: 1e-2 }, mute: { depth: 80, taper: 40 }, nthreads: 1 });
    // Depth profile of Σ_x |image| over the central columns: its peak is at the reflector (±2 points).
    const profile = Array.from({ length: nz }, (_, j) => { let s = 0; for (let i = 10; i < 40; i++) s += Math.abs(image[i * nz + j]!); return s; });
    const peak = profile.indexOf(Math.max(...profile));
    console.log(`rtm: image peak at z = ${peak * 10} m (reflector at 250 m); image there ${image[25 * nz + peak]!.toExponential(3)}`);
    expect(Math.abs(peak - 25)).toBeLessThanOrEqual(2);
    for (let k = 0; k < 2000; k++) if ((k % nz) * 10 < 80) expect(image[k]).toBe(0);
    // The stages, recomposed from the raw image.
    const expected = waterMute(compensateIllumination(laplacianFilter(raw, model), illumination!, { relativeEpsilon: 1e-2 }), model, { depth: 80, taper: 40 });
    expect(Array.from(image)).toEqual(Array.from(expected));
    // Checkpointed: the raw image bitwise; the illumination from an Inc run instead of the saved history.
    const checkpointed = rtm({ model, shots, subtractModelled: true, illumination: true, checkpointing: { nCheckpoints: 5 }, nthreads: 1 });
    expect(Array.from(checkpointed.raw)).toEqual(Array.from(raw));
    const worst = checkpointed.illumination!.reduce((w, e, k) => Math.max(w, Math.abs(e - illumination![k]!)), 0);
    expect(worst / Math.max(...illumination!)).toBeLessThan(1e-12);
  });
});
