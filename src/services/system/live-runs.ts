import type { CommandProcess } from './command-process.ts';

/** A run this process started and still watches. */
export interface LiveRun {
  readonly process: CommandProcess;
  /** Resolves once the run's final row is stored. */
  stored: Promise<void>;
  /** Who asked to cancel it; '' until someone does. */
  cancelledBy: string;
}

/**
 * The runs this process is running, and the slots of the concurrency cap. A slot is taken
 * synchronously before any await of a start, so concurrent starts cannot both pass the cap.
 */
export class LiveRuns {
  readonly #runs = new Map<string, LiveRun>();
  #reserved = 0;

  constructor(private readonly capacity: number) {}

  /** Takes a slot; false when all {@link capacity} are taken. */
  reserve(): boolean {
    if (this.#reserved >= this.capacity) return false;
    this.#reserved++;
    return true;
  }

  /** Gives back a slot taken by {@link reserve}. */
  release(): void {
    this.#reserved = Math.max(0, this.#reserved - 1);
  }

  add(id: string, run: LiveRun): void {
    this.#runs.set(id, run);
  }

  get(id: string): LiveRun | undefined {
    return this.#runs.get(id);
  }

  delete(id: string): void {
    this.#runs.delete(id);
  }

  /** Every live run. */
  all(): LiveRun[] {
    return [...this.#runs.values()];
  }
}
