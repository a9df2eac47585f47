/**
 * The actions of a checkpointing schedule: plain frozen data that a schedule yields and the
 * `Revolver` executes. Steps are counted from the initial state: "state `k`" is the forward
 * state after `k` forward steps, so the initial state is state 0 and the final one state `n`.
 */

/** Run forward steps `from … to-1`, taking the live state from state `from` to state `to`. */
export interface AdvanceAction {
  readonly kind: 'advance';
  readonly from: number;
  readonly to: number;
}

/** Copy the live state (state `step`) into storage slot `slot`, which must be free. */
export interface SaveAction {
  readonly kind: 'save';
  readonly slot: number;
  readonly step: number;
}

/**
 * Make state `step`, held in `slot`, the live state. `release` marks the last read of that
 * checkpoint: its slot is free afterwards.
 */
export interface RestoreAction {
  readonly kind: 'restore';
  readonly slot: number;
  readonly step: number;
  readonly release: boolean;
}

/** Run adjoint step `step`, i.e. `reverse.apply(step, step + 1)`; the live state is state `step + 1`. */
export interface ReverseAction {
  readonly kind: 'reverse';
  readonly step: number;
}

/**
 * Drop the checkpoint of state `step` held in `slot` without reading it: its slot is free
 * afterwards. Online schedules thin out their checkpoints this way while the forward runs.
 */
export interface DiscardAction {
  readonly kind: 'discard';
  readonly slot: number;
  readonly step: number;
}

/** The schedule is complete; nothing is stored any more. */
export interface TerminateAction {
  readonly kind: 'terminate';
}

export type Action = AdvanceAction | SaveAction | RestoreAction | DiscardAction | ReverseAction | TerminateAction;

export type ActionKind = Action['kind'];
