/**
 * An open serial port: incoming bytes are framed and queued (bounded) for reads; a write
 * resolves once drained to the OS. A disconnect (serialport's `close` with `disconnected`)
 * fails reads in flight with DEVICE_ABSENT.
 */
import {
  abortError,
  type DeviceConnection,
  HardwareError,
  HardwareErrorKind,
  raceAbort,
  throwIfAborted,
} from '../../index.ts';
import type { Framer } from './serial-framing.ts';
import type { SerialStream } from './serial-native.ts';

/** Frames kept for reads before the oldest is dropped; a device talking to no one must not grow memory. */
export const MAX_QUEUED_FRAMES = 1024;

interface PendingRead {
  resolve: (frame: Uint8Array) => void;
  reject: (error: unknown) => void;
}

export class SerialConnection implements DeviceConnection {
  private readonly frames: Uint8Array[] = [];
  private readonly reads = new Set<PendingRead>();
  private ended: HardwareError | undefined;

  constructor(
    private readonly port: SerialStream,
    private readonly framer: Framer,
    private readonly deviceId: string,
    private readonly onClose: (connection: SerialConnection) => void,
  ) {
    port.on('data', (chunk) => {
      for (const frame of this.framer.push(chunk)) this.deliver(frame);
    });
    port.on('close', (error) => {
      const gone = error?.disconnected === true;
      this.end(
        gone
          ? new HardwareError(HardwareErrorKind.DEVICE_ABSENT, `serial port ${deviceId} was disconnected`, {
              cause: error,
            })
          : new HardwareError(HardwareErrorKind.CANCELLED, `serial port ${deviceId} was closed`),
      );
    });
    port.on('error', () => {}); // surfaced through the write callbacks and the close event
  }

  read(_request: unknown, signal: AbortSignal): Promise<Uint8Array> {
    if (this.ended) return Promise.reject(this.ended);
    if (signal.aborted) return Promise.reject(abortError(signal, `read on ${this.deviceId}`));
    const frame = this.frames.shift();
    if (frame !== undefined) return Promise.resolve(frame);
    return new Promise<Uint8Array>((resolve, reject) => {
      const pending: PendingRead = {
        resolve: (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.reads.delete(pending);
        reject(abortError(signal, `read on ${this.deviceId}`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.reads.add(pending);
    });
  }

  async write(data: Uint8Array, _request: unknown, signal: AbortSignal): Promise<void> {
    if (this.ended) throw this.ended;
    throwIfAborted(signal, `write on ${this.deviceId}`);
    const sent = new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(data), (error) => {
        if (error) return reject(this.ended ?? ioError(this.deviceId, error));
        this.port.drain((drainError) =>
          drainError ? reject(this.ended ?? ioError(this.deviceId, drainError)) : resolve(),
        );
      });
    });
    await raceAbort(sent, signal, `write on ${this.deviceId}`);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.end(
      new HardwareError(HardwareErrorKind.CANCELLED, `connection to serial port ${this.deviceId} was closed`),
    );
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private deliver(frame: Uint8Array): void {
    const [read] = this.reads;
    if (read) {
      this.reads.delete(read);
      read.resolve(frame);
      return;
    }
    if (this.frames.length >= MAX_QUEUED_FRAMES) this.frames.shift();
    this.frames.push(frame);
  }

  private end(error: HardwareError): void {
    if (this.ended) return;
    this.ended = error;
    for (const read of this.reads) read.reject(error);
    this.reads.clear();
    this.onClose(this);
  }
}

function ioError(deviceId: string, cause: Error): HardwareError {
  return new HardwareError(
    HardwareErrorKind.IO_ERROR,
    `serial I/O on ${deviceId} failed: ${cause.message.slice(0, 160)}`,
    {
      cause,
    },
  );
}
