/** Exhaustive searches for the best possible schedules on tiny problems, to check schedules against. */

/**
 * The least forward steps to run every reverse step t (state t+1 live) from state 0 with at most
 * c states stored, by exhaustive 0-1 BFS over (live state, stored set, next reverse step).
 * `pinned`: the initial state holds a slot from the start and keeps it.
 */
export function bruteForce(n: number, c: number, pinned: boolean): number {
  const states = n + 1;
  const maskCount = 1 << states;
  const liveCount = states + 1; // live + 1, where −1 means no valid state
  const key = (k: number, live: number, mask: number) => (k * liveCount + live + 1) * maskCount + mask;
  const dist = new Int32Array((n + 1) * liveCount * maskCount).fill(-1);
  const popcount = (m: number) => {
    let count = 0;
    for (; m; m &= m - 1) count++;
    return count;
  };
  // 0-1 BFS: a deque as an array with a moving head, zero-cost edges pushed to the front.
  let front: number[] = [key(n, 0, pinned ? 1 : 0)];
  let next: number[] = [];
  let cost = 0;
  const seen = new Uint8Array(dist.length);
  while (front.length > 0) {
    while (front.length > 0) {
      const id = front.pop()!;
      if (seen[id]) continue;
      seen[id] = 1;
      dist[id] = cost;
      const mask = id % maskCount;
      const live = (Math.floor(id / maskCount) % liveCount) - 1;
      const k = Math.floor(id / maskCount / liveCount);
      if (k === 0) return cost;
      const zero = (id2: number) => {
        if (!seen[id2]) front.push(id2);
      };
      if (live >= 0 && live < n) next.push(key(k, live + 1, mask));
      if (live === k) zero(key(k - 1, -1, mask));
      if (live >= 0 && !(mask & (1 << live)) && popcount(mask) < c) zero(key(k, live, mask | (1 << live)));
      for (let j = 0; j < states; j++) {
        if (!(mask & (1 << j))) continue;
        zero(key(k, j, mask));
        if (!(pinned && j === 0)) zero(key(k, live, mask & ~(1 << j)));
      }
    }
    [front, next] = [next, []];
    cost += 1;
  }
  throw new Error(`no schedule for n=${n} c=${c}`);
}

/** Integer costs of a step and of a write and read per level, for `bruteForceTime`. */
export interface IntCosts {
  readonly step: number;
  readonly memory: { readonly write: number; readonly read: number };
  readonly disk: { readonly write: number; readonly read: number };
}

/**
 * The least time (steps × step cost + writes and reads × their level's cost) to run every reverse
 * step with `memory` memory slots (one reserved for state 0, as the schedules count it) and `disk`
 * disk slots, by Dijkstra over (next reverse step, live state, level of every stored state).
 */
export function bruteForceTime(n: number, memory: number, disk: number, costs: IntCosts): number {
  const states = n + 1;
  const pow3 = Array.from({ length: states + 1 }, (_, i) => 3 ** i);
  const levelsCount = pow3[states];
  const liveCount = states + 1;
  const key = (k: number, live: number, code: number) => (k * liveCount + live + 1) * levelsCount + code;
  const best = new Float64Array((n + 1) * liveCount * levelsCount).fill(Infinity);
  // A binary heap of [cost, id].
  const heap: [number, number][] = [];
  const push = (cost: number, id: number) => {
    if (cost >= best[id]) return;
    best[id] = cost;
    heap.push([cost, id]);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent][0] <= heap[i][0]) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  const write = [0, costs.memory.write, costs.disk.write];
  const read = [0, costs.memory.read, costs.disk.read];
  push(0, key(n, 0, 0));
  while (heap.length > 0) {
    const [cost, id] = pop();
    if (cost > best[id]) continue;
    const code = id % levelsCount;
    const live = (Math.floor(id / levelsCount) % liveCount) - 1;
    const k = Math.floor(id / levelsCount / liveCount);
    if (k === 0) return cost;
    const level = (j: number) => Math.floor(code / pow3[j]) % 3;
    let inMemory = 0;
    let onDisk = 0;
    for (let j = 1; j < states; j++) {
      if (level(j) === 1) inMemory++;
      if (level(j) === 2) onDisk++;
    }
    if (live >= 0 && live < n) push(cost + costs.step, key(k, live + 1, code));
    if (live === k) push(cost, key(k - 1, -1, code));
    if (live >= 0 && level(live) === 0) {
      const memoryRoom = live === 0 ? memory >= 1 : inMemory < memory - 1;
      if (memoryRoom) push(cost + write[1], key(k, live, code + pow3[live]));
      if (live > 0 && onDisk < disk) push(cost + write[2], key(k, live, code + 2 * pow3[live]));
    }
    for (let j = 0; j < states; j++) {
      const l = level(j);
      if (l === 0) continue;
      push(cost + read[l], key(k, j, code));
      push(cost, key(k, live, code - l * pow3[j]));
    }
  }
  throw new Error(`no schedule for n=${n}`);
}
