/**
 * An open connection to a simulated device: bytes written are split into command lines, each
 * answered by the model after the configured latency; reads take reply lines in order.
 * Injected faults act here, at the byte level, exactly where a real link would fail.
 */
import {
  abortError,
  type DeviceConnection,
  HardwareError,
  HardwareErrorKind,
  type IoRequest,
  type Probeable,
} from '../../index.ts';
import { commandWords, encodeLine, LineSplitter } from './line-protocol.ts';
import type { SimulatedUnit } from './simulated-unit.ts';

interface PendingRead {
  resolve: (bytes: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/** One open connection; several may be open on one unit (each sees its own replies). */
export class SimulatedConnection implements DeviceConnection, Probeable {
  private readonly splitter = new LineSplitter();
  private readonly replies: Uint8Array[] = [];
  private readonly reads: PendingRead[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastDeliveryMs = 0;
  private closed = false;

  /** The id of the device this connection is open on. */
  get unitId(): string {
    return this.unit.id;
  }

  constructor(
    private readonly unit: SimulatedUnit,
    private readonly onClose: (connection: SimulatedConnection) => void,
  ) {}

  read(_request: IoRequest, signal: AbortSignal): Promise<Uint8Array> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    if (signal.aborted) return Promise.reject(abortError(signal, `read on ${this.unit.id}`));
    if (this.unit.injectIoError()) return Promise.reject(this.ioError('read'));
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<Uint8Array>((resolve, reject) => {
      const pending: PendingRead = {
        resolve: (bytes) => {
          signal.removeEventListener('abort', onAbort);
          resolve(bytes);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.reads.splice(this.reads.indexOf(pending), 1);
        reject(abortError(signal, `read on ${this.unit.id}`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.reads.push(pending);
    });
  }

  async write(data: Uint8Array, _request: IoRequest, signal: AbortSignal): Promise<void> {
    const refusal = this.refusal();
    if (refusal) throw refusal;
    if (signal.aborted) throw abortError(signal, `write on ${this.unit.id}`);
    if (this.unit.injectIoError()) throw this.ioError('write');
    for (const line of this.splitter.push(data)) {
      const reply = line === null ? 'ERR TOO_LONG' : this.answer(line);
      if (reply !== undefined) this.deliver(encodeLine(reply));
    }
  }

  async probe(signal: AbortSignal): Promise<void> {
    await this.write(encodeLine('PING'), {}, signal);
    const reply = Buffer.from(await this.read({}, signal)).toString('latin1');
    if (reply !== 'PONG\n') throw this.ioError(`probe (answered ${JSON.stringify(reply)})`);
  }

  async close(): Promise<void> {
    this.detach(new HardwareError(HardwareErrorKind.CANCELLED, `connection to ${this.unit.id} was closed`));
  }

  /** Ends the connection because the unit was unplugged or the adapter stopped. */
  detach(error: HardwareError): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const read of this.reads.splice(0)) read.reject(error);
    this.onClose(this);
  }

  private answer(line: string): string | undefined {
    const words = commandWords(line);
    if (this.unit.injectDroppedReply()) return undefined;
    if (words.length === 0) return 'ERR SYNTAX';
    if (words.length === 1 && words[0] === 'PING') return 'PONG';
    if (words.length === 1 && words[0] === 'ID?') return `${this.unit.model.model},${this.unit.id}`;
    return this.unit.model.handle(words, this.unit.nowMs());
  }

  /** Hands a reply to the oldest waiting read, after the latency, never out of order. */
  private deliver(bytes: Uint8Array): void {
    const delay = this.unit.replyDelayMs();
    const push = () => {
      const read = this.reads.shift();
      if (read) read.resolve(bytes);
      else this.replies.push(bytes);
    };
    if (delay === 0 && this.timers.size === 0) {
      push();
      return;
    }
    const now = performance.now();
    const at = Math.max(now + delay, this.lastDeliveryMs);
    this.lastDeliveryMs = at;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      push();
    }, at - now);
    this.timers.add(timer);
  }

  private refusal(): HardwareError | undefined {
    if (!this.unit.present) {
      return new HardwareError(
        HardwareErrorKind.DEVICE_ABSENT,
        `simulated device ${this.unit.id} is unplugged`,
      );
    }
    if (this.closed) {
      return new HardwareError(HardwareErrorKind.CANCELLED, `connection to ${this.unit.id} is closed`);
    }
    return undefined;
  }

  private ioError(what: string): HardwareError {
    return new HardwareError(HardwareErrorKind.IO_ERROR, `simulated ${what} failure on ${this.unit.id}`);
  }
}
