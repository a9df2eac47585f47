import { describe, expect, it } from 'vitest';
import { saltModel } from '../../src/cli/fwi/models.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import { SeismicModel } from '../../src/seismic/model.ts';
import { empiricalQp, gardnerDensity, presets, saltBodyVelocity, WATER_QP } from '../../src/seismic/presets.ts';

/** The command line's salt model as it was written before the preset took it over (frozen copy, the reference). */
function frozenSaltModel(nx: number, nz: number, spacing = 10): Float32Array {
  const vp = new Float32Array(nx * nz);
  const width = (nx - 1) * spacing;
  const depth = (nz - 1) * spacing;
  for (let i = 0; i < nx; i++) {
    const x = i * spacing;
    for (let j = 0; j < nz; j++) {
      const z = j * spacing;
      const dip = 0.05 * (x - width / 2);
      let v = z < 0.13 * depth ? 1.5 : z < 0.33 * depth + dip ? 2.0 : z < 0.6 * depth ? 2.5 : 3.0;
      const ex = (x - 0.5 * width) / (0.15 * width);
      const ez = (z - 0.47 * depth) / (0.13 * depth);
      if (ex * ex + ez * ez < 1) v = 4.5;
      vp[i * nz + j] = v;
    }
  }
  return vp;
}

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('presets.layers', () => {
  it('puts each interface at its depth: a point at or below it takes the layer under it', () => {
    const options = presets.layers({ shape: [5, 40], spacing: [10, 5], vp: [1.5, 2.0, 3.5], depths: [50, 120] });
    const vp = options.vp as Float64Array;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 40; j++) {
        const z = j * 5;
        expect(vp[i * 40 + j]).toBe(z < 50 ? 1.5 : z < 120 ? 2.0 : 3.5);
      }
    }
    expect([vp[9], vp[10], vp[23], vp[24]]).toEqual([1.5, 2.0, 2.0, 3.5]);
  });

  it('splits the depth points evenly by default, and takes a velocity ramp', () => {
    const vp = presets.layers({ shape: [3, 100], spacing: [10, 10], vp: { top: 1.5, bottom: 3.0, count: 4 } }).vp as Float64Array;
    // Interfaces at points 25, 50, 75 (250, 500, 750 m).
    expect([vp[24], vp[25], vp[49], vp[50], vp[74], vp[75], vp[99]]).toEqual([1.5, 2.0, 2.0, 2.5, 2.5, 3.0, 3.0]);
    expect(vp[200 + 60]).toBe(2.5);
  });

  it('3D: the last axis is depth', () => {
    const vp = presets.layers({ shape: [4, 3, 10], spacing: [10, 10, 10], vp: [2, 3] }).vp as Float64Array;
    expect(vp.length).toBe(120);
    for (let k = 0; k < 120; k += 10) {
      expect(Array.from(vp.subarray(k, k + 10))).toEqual([2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    }
  });

  it('fills elastic vs and Gardner density, water excepted; vs < vp everywhere; the model accepts them', () => {
    const options = presets.layers({ shape: [6, 30], spacing: [10, 10], vp: [1.5, 2.5, 4.0], physics: ['elastic'], nbl: 4 });
    const vp = options.vp as Float64Array;
    const vs = options.vs as Float64Array;
    const rho = options.rho as Float64Array;
    expect(vs[0]).toBe(0);
    expect(rho[0]).toBe(1);
    expect(vs[15]).toBeCloseTo(2.5 / Math.sqrt(3), 14);
    // Gardner: 0.31·2500^0.25 = 2.19203 g/cm³, 0.31·4000^0.25 = 2.46534 g/cm³.
    expect(rho[15]).toBeCloseTo(2.19203, 5);
    expect(rho[29]).toBeCloseTo(2.46534, 5);
    expect(gardnerDensity(2.5)).toBe(rho[15]);
    vp.forEach((v, k) => expect(vs[k]!).toBeLessThan(v));
    const model = new SeismicModel(options);
    expect(model.values('rho')[29]).toBe(rho[29]);
    expect(options.qp).toBeUndefined();
    expect(options.epsilon).toBeUndefined();
  });

  it('fills visco-acoustic qp by layer (Li\'s relation, water ~lossless) and TTI ε, δ, θ (φ in 3D)', () => {
    const options = presets.layers({ shape: [2, 3, 30], spacing: [10, 10, 10], vp: [1.5, 2.0, 3.0], physics: ['viscoacoustic', 'tti'] });
    const qp = options.qp as Float64Array;
    expect(qp[0]).toBe(WATER_QP);
    // 3.516·2000^2.2·1e-6 = 64.315; 3.516·3000^2.2·1e-6 = 156.93.
    expect(qp[15]).toBeCloseTo(64.315, 3);
    expect(qp[29]).toBeCloseTo(156.93, 2);
    expect(qp[29]).toBe(empiricalQp(3.0));
    expect((options.epsilon as Float64Array)[0]).toBe(0);
    expect((options.epsilon as Float64Array)[29]).toBeCloseTo(0.45, 14);
    expect((options.delta as Float64Array)[29]).toBeCloseTo(0.3, 14);
    expect((options.theta as Float64Array)[15]).toBeCloseTo(0.25, 14);
    expect((options.phi as Float64Array)[29]).toBeCloseTo(0.375, 14);
    expect(options.rho).toBeDefined();
    const model = new SeismicModel({ ...options, nbl: 2 });
    expect(model.has('phi')).toBe(true);
  });

  it('rejects interfaces that do not increase, unknown physics and m/s velocities', () => {
    expect(() => presets.layers({ shape: [4, 10], spacing: [10, 10], vp: [1.5, 2], depths: [] })).toThrow(/depths must list 1 increasing/);
    expect(() => presets.layers({ shape: [4, 10], spacing: [10, 10], vp: [1.5, 2, 3], depths: [50, 40] })).toThrow(InvalidArgumentError);
    expect(() => presets.layers({ shape: [4, 10], spacing: [10, 10], vp: [1500, 2000] })).toThrow(/looks like m\/s/);
    expect(() => presets.layers({ shape: [4, 10], spacing: [10, 10], vp: [1.5], physics: ['acoustic' as 'tti'] })).toThrow(/physics must list/);
  });
});

describe('presets.circle', () => {
  it('points within the radius take the circle velocity, the others the background', () => {
    const options = presets.circle({ shape: [41, 31], spacing: [10, 10], vp: 2.5, vpCircle: 3.0, radius: 100, origin: [100, 0] });
    const vp = options.vp as Float64Array;
    // Centre (100 + 200, 150) m: point (30, 15).
    let inside = 0;
    for (let i = 0; i < 41; i++) for (let j = 0; j < 31; j++) {
      const r = Math.hypot(i * 10 - 200, j * 10 - 150);
      expect(vp[i * 31 + j]).toBe(r <= 100 ? 3.0 : 2.5);
      if (r <= 100) inside++;
    }
    expect(inside).toBe(317); // lattice points in a radius-10 disc
    expect(vp[20 * 31 + 15]).toBe(3.0);
    expect(vp[30 * 31 + 15]).toBe(3.0); // exactly on the circle: inside
    expect(vp[31 * 31 + 15]).toBe(2.5);
    expect(vp[20 * 31 + 4]).toBe(2.5);
  });

  it('3D sphere around a given centre; build: true gives a SeismicModel', () => {
    const model = presets.circle({ shape: [11, 11, 11], spacing: [10, 10, 10], vp: 2.0, vpCircle: 1.8, radius: 25, center: [20, 30, 40], nbl: 2, build: true });
    expect(model).toBeInstanceOf(SeismicModel);
    const vp = model.vp;
    expect(vp[(2 * 11 + 3) * 11 + 4]).toBe(1.8);
    expect(vp[(4 * 11 + 3) * 11 + 4]).toBe(1.8); // 20 m away
    expect(vp[(5 * 11 + 3) * 11 + 4]).toBe(2.0); // 30 m away
    expect(vp[(4 * 11 + 5) * 11 + 4]).toBe(2.0); // √800 = 28.3 m away
  });
});

describe('presets.saltBody', () => {
  it('the command line\'s truth model is unchanged bit for bit (--small 120 × 60 and the default 600 × 300)', () => {
    for (const [nx, nz] of [[120, 60], [600, 300], [37, 23]] as const) {
      expect(bytes(saltModel(nx, nz).vp).equals(bytes(frozenSaltModel(nx, nz)))).toBe(true);
    }
    expect(bytes(saltModel(50, 40, 12.5).vp).equals(bytes(frozenSaltModel(50, 40, 12.5)))).toBe(true);
    const preset = presets.saltBody({ shape: [120, 60], spacing: [10, 10] }).vp as Float64Array;
    expect(bytes(Float32Array.from(preset)).equals(bytes(frozenSaltModel(120, 60)))).toBe(true);
  });

  it('water on top, salt velocity in the body, sediment layers elsewhere', () => {
    const vp = saltBodyVelocity([120, 60], [10, 10]);
    const at = (i: number, j: number): number => vp[i * 60 + j]!;
    expect(at(10, 0)).toBe(1.5);
    expect(at(10, 7)).toBe(1.5); // 70 m < 0.13 · 590 m
    expect(at(10, 8)).toBe(2.0);
    // The body's centre: x = half width, z = 0.47 · 590 = 277 m.
    expect(at(60, 28)).toBe(4.5);
    expect(at(60, 21)).toBe(4.5);
    expect(at(60, 19)).not.toBe(4.5);
    expect(at(0, 59)).toBe(3.0);
    expect(new Set(vp)).toEqual(new Set([1.5, 2.0, 2.5, 3.0, 4.5]));
  });

  it('3D: an ellipsoid, and the y-middle slice is the 2D model', () => {
    const vp = saltBodyVelocity([40, 21, 30], [10, 10, 10]);
    const twoD = saltBodyVelocity([40, 30], [10, 10]);
    for (let i = 0; i < 40; i++) {
      expect(Array.from(vp.subarray((i * 21 + 10) * 30, (i * 21 + 11) * 30))).toEqual(Array.from(twoD.subarray(i * 30, (i + 1) * 30)));
    }
    expect(vp[(20 * 21 + 0) * 30 + 14]).not.toBe(4.5); // the body ends before the side at y = 0
    expect(vp[(20 * 21 + 10) * 30 + 14]).toBe(4.5);
  });

  it('elastic parameters: vs < vp everywhere, zero in the water; rho by Gardner under the water', () => {
    const options = presets.saltBody({ shape: [60, 40], spacing: [10, 10], physics: ['elastic'], nbl: 5 });
    const vp = options.vp as Float64Array;
    const vs = options.vs as Float64Array;
    const rho = options.rho as Float64Array;
    vp.forEach((v, k) => {
      expect(vs[k]!).toBeLessThan(v);
      expect(vs[k]).toBe(v === 1.5 ? 0 : v / Math.sqrt(3));
      expect(rho[k]).toBe(v === 1.5 ? 1 : 0.31 * (1000 * v) ** 0.25);
    });
    // Salt: 0.31·4500^0.25 = 2.5390 g/cm³.
    expect(rho[vp.indexOf(4.5)]).toBeCloseTo(2.5390, 4);
    expect(() => new SeismicModel(options)).not.toThrow();
  });
});
