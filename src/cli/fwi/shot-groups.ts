// The collectives are installed by the runtime; importing it here keeps this module usable on its own.
import '../../runtime/mpi.ts';
import { collectives, type Communicator } from '../../dsl/parallel.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { RevolverStats } from '../../revolve/revolver.ts';
import type { ShotGroupSharing } from '../../seismic/inversion/shots.ts';

/**
 * Shots over MPI ranks. Under `mpirun -np N` the ranks form N / r shot groups of r consecutive
 * ranks (r = `--ranks-per-shot`); a group's model is split over its r ranks, and the groups
 * take the shots round-robin (shot s → group s mod groups), so one round computes up to one shot
 * per group at once. Without mpirun there is one group of one process and every call here is the
 * one-process identity (no MPI is loaded).
 */
export interface ShotGroups {
  /** Every rank of the job. */
  readonly world: Communicator;
  /** The ranks this process computes its shots with: the model of its shots is split over them. */
  readonly group: Communicator;
  /** This process's group, in 0 … count − 1. */
  readonly index: number;
  readonly count: number;
  readonly ranksPerShot: number;
  /** World rank 0: the one process that logs, draws progress and writes the outputs. */
  readonly leader: boolean;
}

/**
 * Splits the ranks `mpirun` started into groups of `ranksPerShot`. Collective over the world (every
 * rank calls it, with the same value); it throws the same error on every rank when `ranksPerShot`
 * does not divide the number of ranks, before any work.
 */
export function shotGroups(ranksPerShot: number): ShotGroups {
  const world = collectives().world();
  if (!Number.isInteger(ranksPerShot) || ranksPerShot < 1) throw new InvalidArgumentError(`--ranks-per-shot must be a positive integer, got ${ranksPerShot}`);
  if (world.size % ranksPerShot !== 0) {
    throw new InvalidArgumentError(`--ranks-per-shot ${ranksPerShot} must divide the number of MPI ranks (${world.size}${world.size === 1 ? ': not running under mpirun' : ''})`);
  }
  const index = Math.floor(world.rank / ranksPerShot);
  // Keyed by the world rank: a group's rank 0 is its lowest world rank (index × ranksPerShot).
  const group = world.size === 1 ? world : collectives().split(world, index, world.rank);
  return Object.freeze({ world, group, index, count: world.size / ranksPerShot, ranksPerShot, leader: world.rank === 0 });
}

/** Rounds needed for `shots` shots: every group computes one shot per round (the last may leave some idle). */
export function roundCount(groups: ShotGroups, shots: number): number {
  return Math.ceil(shots / groups.count);
}

/** The shots of `round`, in shot order (the i-th is group i's). */
export function shotsOfRound(groups: ShotGroups, round: number, shots: number): number[] {
  const first = round * groups.count;
  return Array.from({ length: Math.min(groups.count, shots - first) }, (_, i) => first + i);
}

/** The shot `group` computes in `round`, or undefined when that group idles. */
export function shotOfGroup(groups: ShotGroups, group: number, round: number, shots: number): number | undefined {
  const shot = round * groups.count + group;
  return shot < shots ? shot : undefined;
}

/** The shot this process's group computes in `round`, or undefined when its group idles. */
export function myShot(groups: ShotGroups, round: number, shots: number): number | undefined {
  return shotOfGroup(groups, groups.index, round, shots);
}

/** The group that computes `shot`. */
export function groupOf(groups: ShotGroups, shot: number): number {
  return shot % groups.count;
}

/** The world rank of a group's rank 0 (the one that contributes the group's results). */
export function groupLeader(groups: ShotGroups, group: number): number {
  return group * groups.ranksPerShot;
}

/** The shots (of `shots`) `group` computes, in shot order. */
export function shotsOfGroup(groups: ShotGroups, group: number, shots: number): number[] {
  return Array.from({ length: Math.max(0, Math.ceil((shots - group) / groups.count)) }, (_, i) => group + i * groups.count);
}

/**
 * Every shot's result on every rank, in shot order (shot k: `lengths[k]` values; 0 for a shot not
 * asked for, such as one outside the current round), from the shots each group computed (`mine`:
 * this rank's group's shots). One allgatherv over the world; only each group's rank 0 sends (its
 * group's shots, concatenated in shot order): the other ranks of a group hold the same results.
 */
export function gatherShots(groups: ShotGroups, lengths: readonly number[], mine: ReadonlyMap<number, Float64Array>): Float64Array[] {
  const shots = lengths.length;
  const sent = (worldRank: number): number[] => (worldRank % groups.ranksPerShot === 0 ? shotsOfGroup(groups, Math.floor(worldRank / groups.ranksPerShot), shots) : []);
  const counts = Array.from({ length: groups.world.size }, (_, worldRank) => sent(worldRank).reduce((n, shot) => n + lengths[shot]!, 0));
  const send = new Float64Array(counts[groups.world.rank]!);
  let at = 0;
  for (const shot of sent(groups.world.rank)) {
    // A shot without values (outside a round, say) sends nothing.
    if (lengths[shot] === 0) continue;
    const result = mine.get(shot);
    if (result === undefined || result.length !== lengths[shot]) {
      throw new InvalidArgumentError(`gatherShots: rank ${groups.world.rank} holds ${result?.length ?? 'nothing'} values for shot ${shot}, expected ${lengths[shot]}`);
    }
    send.set(result, at);
    at += result.length;
  }
  const all = groups.world.size === 1 ? send : collectives().allgatherv(groups.world, send, counts);
  const results = new Array<Float64Array>(shots);
  at = 0;
  for (let worldRank = 0; worldRank < groups.world.size; worldRank++) {
    for (const shot of sent(worldRank)) {
      results[shot] = all.subarray(at, at + lengths[shot]!);
      at += lengths[shot]!;
    }
  }
  return results;
}

/** The inversion library's hook (`ModellingOptions.shotGroups`): each group computes its shots (shot s on group s mod count). */
export function shotSharing(groups: ShotGroups): ShotGroupSharing {
  return {
    owns: (shot) => groupOf(groups, shot) === groups.index,
    gather: (lengths, mine) => gatherShots(groups, lengths, mine),
  };
}

/** The Revolver's counters that are numbers, in the order `Revolver.stats` lists them. */
const STAT_KEYS = [
  'forwardSteps', 'forwardCalls', 'reverseSteps', 'saves', 'restores', 'inPlaceRestores', 'peakSlots', 'peakCheckpointBytes',
  'reservedBytes', 'bytesWritten', 'bytesRead', 'compressionRatio', 'forwardMs', 'reverseMs', 'storageMs',
] as const satisfies readonly (keyof RevolverStats)[];

/** Numbers sent per shot by `statsToNumbers`. */
export const STAT_COUNT = STAT_KEYS.length;

/** A shot's Revolver counters as numbers to gather (an absent compression ratio as NaN). */
export function statsToNumbers(stats: RevolverStats): number[] {
  return STAT_KEYS.map((key) => stats[key] ?? Number.NaN);
}

/**
 * Counters gathered by `statsToNumbers` → RevolverStats. The compression counters (codec names,
 * not numbers) are not gathered: the jobs here do not compress, so they are undefined anyway.
 */
export function statsFromNumbers(values: ArrayLike<number>): RevolverStats {
  const entries = STAT_KEYS.map((key, i) => [key, key === 'compressionRatio' && Number.isNaN(values[i]!) ? undefined : values[i]!] as const);
  const stats = Object.fromEntries(entries) as Record<(typeof STAT_KEYS)[number], number> & { compressionRatio: number | undefined };
  // Same key order as Revolver.stats: summary.json lists the counters as one process did.
  const { forwardMs, reverseMs, storageMs, ...counts } = stats;
  return { ...counts, compression: undefined, forwardMs, reverseMs, storageMs };
}
