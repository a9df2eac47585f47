/** The inversion layer: FWI objective and optimisation, RTM, preconditioning. */
export { fwiObjective, FwiObjective, halfSquaredMisfit, velocityGradient, type FwiObjectiveOptions, type FwiObjectiveResult } from './objective.ts';
export { fwi, type FwiOptions, type FwiResult, type FwiIteration } from './fwi.ts';
export { rtm, type RtmOptions, type RtmResult } from './rtm.ts';
export {
  minimise, projectedGradientNorm,
  type MinimiseOptions, type MinimiseResult, type OptimiserIteration, type OptimiserMethod, type StopReason, type ValueAndGradient,
} from './optimise.ts';
export {
  waterMute, muteWeights, seaFloorDepth, compensateIllumination, sourceIllumination, wavefieldEnergy, laplacianFilter,
  type MuteOptions, type IlluminationOptions,
} from './precondition.ts';
export { IlluminationModelling } from './illumination.ts';
export { modelShots, type Shot, type ModellingOptions } from './shots.ts';
