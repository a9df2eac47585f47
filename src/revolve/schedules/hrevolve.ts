/**
 * H-Revolve (after Herrmann & Pallez) for two levels, memory and disk, each with a write and a
 * read cost, and a cost per forward step: a dynamic program over chains gives, for every chain
 * length, free slots per level and level of the chain's head, the split and the tail head's
 * level that minimise the total time. `diskRevolve` (after Aupy, Herrmann, Hovland & Robert) is
 * the same program with as many disk slots as useful.
 */
import type { Action } from '../actions.ts';
import { CheckpointBudgetError } from '../../errors.ts';
import { assertCount } from '../schedule.ts';
import { reverseChains, type SplitRule } from './chain.ts';
import { levelled } from './levelled.ts';
import { SlotPools } from './pools.ts';
import { STEP_COUNT_COSTS, type CostModel, type LevelledSchedule, type ScheduleName, type ScheduleRequest, type StorageLevel } from './types.ts';

/** Inner-loop iterations the program may take before we refuse (about a second on one core). */
const HREVOLVE_WORK_LIMIT = 1e8;

/** `(n, memory slots, disk slots)` → inner-loop iterations of the dynamic program. */
function hrevolveWork(nTimesteps: number, memorySlots: number, diskSlots: number): number {
  const sd = Number.isFinite(diskSlots) ? Math.min(diskSlots, nTimesteps) + 1 : 1;
  return 4 * (Math.min(memorySlots, nTimesteps + 1) + 1) * sd * ((nTimesteps + 1) * (nTimesteps + 2)) / 2;
}

interface Program {
  readonly rule: SplitRule;
}

/**
 * Builds the tables. `F(Z, L, len, sm, sd)`: least time to reverse a chain of `len` states whose
 * head is stored at level `L` and live, with `sm`/`sd` free slots; `Z = 1` for chains starting
 * at state 0, whose head chain of one state needs nothing (no restore). Every head restore costs
 * the read of its level, every tail head stored the write of its level. The top chain (state 0
 * live, not yet stored) is decided apart: it stores state 0 only if it splits with `m > 1`.
 */
function program(n: number, memorySlots: number, diskSlots: number, topLevel: StorageLevel, costs: CostModel): Program {
  const unlimited = !Number.isFinite(diskSlots);
  const SM = Math.min(memorySlots, n + 1);
  const SD = unlimited ? 0 : Math.min(diskSlots, n + 1);
  const N = n + 1;
  const size = 4 * (SM + 1) * (SD + 1) * (N + 1);
  const cost = new Float64Array(size);
  const choice = new Int32Array(size);
  const at = (Z: number, L: number, sm: number, sd: number, len: number) =>
    (((Z * 2 + L) * (SM + 1) + sm) * (SD + 1) + sd) * (N + 1) + len;
  const write = [costs.memory.writeMs, costs.disk.writeMs];
  const read = [costs.memory.readMs, costs.disk.readMs];
  const uf = costs.forwardStepMs;
  // tail[sm, sd, len]: least time of a tail chain of `len` states (head not yet stored), and in
  // tailDisk whether its head goes to disk; filled for each length once its F values are known.
  const tailSize = (SM + 1) * (SD + 1) * (N + 1);
  const tail = new Float64Array(tailSize);
  const tailDisk = new Uint8Array(tailSize);
  const tt = (sm: number, sd: number, len: number) => (sm * (SD + 1) + sd) * (N + 1) + len;
  const fillTail = (len: number) => {
    for (let sm = 0; sm <= SM; sm++) {
      for (let sd = 0; sd <= SD; sd++) {
        const viaMemory = sm > 0 ? write[0] + cost[at(0, 0, sm - 1, sd, len)] : Infinity;
        const viaDisk = unlimited || sd > 0 ? write[1] + cost[at(0, 1, sm, unlimited ? 0 : sd - 1, len)] : Infinity;
        tail[tt(sm, sd, len)] = Math.min(viaMemory, viaDisk);
        tailDisk[tt(sm, sd, len)] = viaDisk < viaMemory ? 1 : 0;
      }
    }
  };
  // A tail of one state is reversed at once (nothing stored): tail[·, ·, 1] stays 0.
  for (let len = 2; len <= N; len++) {
    for (let Z = 0; Z < 2; Z++) {
      for (let L = 0; L < 2; L++) {
        for (let sm = 0; sm <= SM; sm++) {
          for (let sd = 0; sd <= SD; sd++) {
            let best = Infinity;
            let pick = 0;
            const headBase = at(Z, L, sm, sd, 0);
            const tailBase = tt(sm, sd, len);
            for (let m = 1; m < len; m++) {
              const head = Z === 1 && m === 1 ? 0 : read[L] + cost[headBase + m];
              const total = m * uf + tail[tailBase - m] + head;
              if (total < best) {
                best = total;
                pick = m * 2 + tailDisk[tailBase - m];
              }
            }
            cost[headBase + len] = best;
            choice[headBase + len] = pick;
          }
        }
      }
    }
    fillTail(len);
  }
  // The top chain: state 0 live and unstored, its slot reserved at `topLevel`.
  const T = topLevel === 'memory' ? 0 : 1;
  const topSm = T === 0 ? SM - 1 : SM;
  const topSd = unlimited ? 0 : T === 1 ? SD - 1 : SD;
  let topPick = 0;
  let topBest = Infinity;
  for (let m = 1; m < N; m++) {
    const head = m === 1 ? 0 : write[T] + read[T] + cost[at(1, T, topSm, topSd, m)];
    const total = m * uf + tail[tt(topSm, topSd, N - m)] + head;
    if (total < topBest) {
      topBest = total;
      topPick = m * 2 + tailDisk[tt(topSm, topSd, N - m)];
    }
  }
  const rule: SplitRule = (a, len, budget, headLevel) => {
    const pick =
      a === 0 && len === N
        ? topPick
        : choice[at(a === 0 ? 1 : 0, headLevel === 'memory' ? 0 : 1, Math.min(budget.memory, SM), unlimited ? 0 : Math.min(budget.disk, SD), len)];
    return { m: pick >> 1, tailLevel: pick & 1 ? 'disk' : 'memory' };
  };
  return { rule };
}

function* hrevolveActions(n: number, memorySlots: number, diskSlots: number, rule: SplitRule, pools: SlotPools): Generator<Action, void, undefined> {
  // The initial state lives in memory when there is any (it is restored the most).
  const level: StorageLevel = memorySlots > 0 ? 'memory' : 'disk';
  const budget = level === 'memory' ? { memory: memorySlots - 1, disk: diskSlots } : { memory: 0, disk: diskSlots - 1 };
  yield* reverseChains({ a: 0, len: n + 1, budget, level, slot: -1 }, [], pools, rule);
  yield Object.freeze({ kind: 'terminate' });
}

function build(name: ScheduleName, request: ScheduleRequest, diskSlots: number): LevelledSchedule {
  const { nTimesteps: n, memorySlots } = request;
  const costs = request.costs ?? STEP_COUNT_COSTS;
  assertCount('nTimesteps', n, 1);
  assertCount('memory slots', memorySlots, 0);
  if (Number.isFinite(diskSlots)) assertCount('disk slots', diskSlots, 0);
  if (memorySlots + diskSlots < 1) throw new CheckpointBudgetError(`${name}: give at least one memory or disk slot`);
  const work = hrevolveWork(n, memorySlots, diskSlots);
  if (work > HREVOLVE_WORK_LIMIT) {
    throw new CheckpointBudgetError(
      `${name}: its dynamic program for ${n} steps, ${memorySlots} memory and ${diskSlots} disk slots takes ` +
        `${work.toExponential(1)} iterations; use 'periodicDisk' or 'multistage', or fewer slots`,
    );
  }
  const { rule } = program(n, memorySlots, diskSlots, memorySlots > 0 ? 'memory' : 'disk', costs);
  const finiteDisk = Number.isFinite(diskSlots) ? Math.min(diskSlots, n + 1) : n + 1;
  const pools = new SlotPools(Math.min(memorySlots, n + 1), finiteDisk);
  const actions = hrevolveActions(n, Math.min(memorySlots, n + 1), Number.isFinite(diskSlots) ? finiteDisk : Infinity, rule, pools);
  return levelled(name, actions, n, memorySlots + finiteDisk, (slot) => pools.levels[slot]);
}

/**
 * H-Revolve over `memorySlots` memory and `diskSlots` disk slots, minimising the cost model's time.
 * When the budget's program is too large, the program with unlimited disk (far smaller) is tried:
 * the least time over every schedule is also the least over those within the budget when its
 * schedule keeps to the budget's disk slots, so it is then the answer.
 */
export function hrevolveSchedule(request: ScheduleRequest): LevelledSchedule {
  const { nTimesteps: n, memorySlots, diskSlots } = request;
  if (Number.isFinite(diskSlots) && hrevolveWork(n, memorySlots, diskSlots) > HREVOLVE_WORK_LIMIT && hrevolveWork(n, memorySlots, Infinity) <= HREVOLVE_WORK_LIMIT) {
    const unlimited = build('hrevolve', request, Infinity);
    if (unlimited.disk.slots <= diskSlots) return unlimited;
  }
  return build('hrevolve', request, diskSlots);
}

/** Disk-Revolve: H-Revolve with as many disk slots as useful. */
export function diskRevolveSchedule(request: ScheduleRequest): LevelledSchedule {
  return build('diskRevolve', request, Infinity);
}
