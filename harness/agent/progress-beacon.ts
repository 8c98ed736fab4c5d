/**
 * How the agent tells a slow operation from a hung one. A matrix worker marks, in shared memory,
 * which case × transform × strategy it is about to run and bumps a sequence number; the agent's
 * main thread (never blocked in a syscall) reads it. A sequence that stops moving for longer than
 * the hang limit means one operation never returned: a driver that accepted a request and never
 * completed it leaves the worker asleep in the kernel, where no signal reaches it.
 */

const SEQUENCE = 0;
const CASE = 1;
const ALG = 2;
const STRATEGY = 3;
const SLOTS = 4;

export interface BeaconPosition {
  /** operations started so far (wraps; only change matters) */
  sequence: number;
  /** index of the case in the request the worker was given */
  caseIndex: number;
  /** index into the request's algs */
  algIndex: number;
  /** index into ALL_STRATEGIES (harness/protocol/constants.ts) */
  strategyIndex: number;
}

export class ProgressBeacon {
  constructor(readonly cells: Int32Array) {
    if (cells.length < SLOTS) throw new Error(`a progress beacon needs ${SLOTS} cells`);
  }

  static create(): ProgressBeacon {
    return new ProgressBeacon(new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)));
  }

  /** Before an operation (or a step of a long one, with the same position). */
  mark(caseIndex: number, algIndex: number, strategyIndex: number): void {
    Atomics.store(this.cells, CASE, caseIndex);
    Atomics.store(this.cells, ALG, algIndex);
    Atomics.store(this.cells, STRATEGY, strategyIndex);
    Atomics.add(this.cells, SEQUENCE, 1);
  }

  /** The same position, still alive (long operations such as a Monte-Carlo case). */
  beat(): void {
    Atomics.add(this.cells, SEQUENCE, 1);
  }

  read(): BeaconPosition {
    return {
      sequence: Atomics.load(this.cells, SEQUENCE),
      caseIndex: Atomics.load(this.cells, CASE),
      algIndex: Atomics.load(this.cells, ALG),
      strategyIndex: Atomics.load(this.cells, STRATEGY),
    };
  }
}

/**
 * Watches one beacon while a worker is busy: `check` is called periodically with the time, and
 * answers how long the sequence has stood still. Pure (the clock comes in), so it is unit-tested.
 */
export class StallWatch {
  private lastSequence: number;
  private lastChangeMs: number;

  constructor(
    private readonly beacon: { read(): BeaconPosition },
    startMs: number,
  ) {
    this.lastSequence = beacon.read().sequence;
    this.lastChangeMs = startMs;
  }

  /** Milliseconds the beacon has not moved, as of `nowMs`. */
  stalledMs(nowMs: number): number {
    const { sequence } = this.beacon.read();
    if (sequence !== this.lastSequence) {
      this.lastSequence = sequence;
      this.lastChangeMs = nowMs;
    }
    return nowMs - this.lastChangeMs;
  }
}
