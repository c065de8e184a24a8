/**
 * `@serialport/binding-mock` with what it lacks and real ports do: unplugging (the port's
 * pending read fails with EIO, as bindings-cpp reports a vanished tty, so serialport's stream
 * closes with `disconnected`) and open failing with the OS's permission error. Everything
 * else is the mock binding itself, under serialport's real `SerialPortStream`.
 */

/** `@serialport/binding-mock`'s MockBinding, as serialport exposes it (typed through serialport). */
const MockBinding = SerialPortMock.binding;
type BindingInterface = ConstructorParameters<typeof SerialPortStream>[0]['binding'];
type BindingPortInterface = Awaited<ReturnType<typeof MockBinding.open>>;
type OpenOptions = Parameters<typeof MockBinding.open>[0];

import { SerialPortStream } from '@serialport/stream';
import { SerialPortMock } from 'serialport';
import type { SerialNative, SerialStream } from '../../../../src/hardware/adapters/serial/index.ts';

export class UnpluggableBinding {
  private readonly unplugged = new Set<string>();
  private readonly open = new Map<string, () => void>();
  readonly denied = new Set<string>();

  constructor() {
    MockBinding.reset();
  }

  createPort(path: string, options: { echo?: boolean } = {}): void {
    MockBinding.createPort(path, { echo: true, record: true, ...options });
    this.unplugged.delete(path);
  }

  /** The port vanishes: its pending read fails as the OS reports it, and listing no longer shows it. */
  unplug(path: string): void {
    this.unplugged.add(path);
    this.open.get(path)?.();
  }

  /** Data the device sends by itself. */
  emit(path: string, data: string): void {
    (this.ports.get(path) as unknown as { emitData(data: string): void } | undefined)?.emitData(data);
  }

  private readonly ports = new Map<string, BindingPortInterface>();

  binding(): BindingInterface {
    return {
      list: async () => (await MockBinding.list()).filter((info) => !this.unplugged.has(info.path)),
      open: async (options: OpenOptions) => {
        if (this.denied.has(options.path))
          throw new Error(`Error: Permission denied, cannot open ${options.path}`);
        if (this.unplugged.has(options.path))
          throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
        const inner = await MockBinding.open(options);
        this.ports.set(options.path, inner);
        let fail: (error: Error) => void = () => {};
        const vanished = new Promise<never>((_, reject) => {
          fail = reject;
        });
        vanished.catch(() => {});
        this.open.set(options.path, () =>
          fail(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })),
        );
        return new Proxy(inner, {
          get: (target, property, receiver) => {
            if (property === 'read') {
              return (buffer: Buffer, offset: number, length: number) =>
                Promise.race([target.read(buffer, offset, length), vanished]);
            }
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
    } as BindingInterface;
  }

  /** serialport as the adapter loads it, over this binding. */
  native(): SerialNative {
    const binding = this.binding();
    return {
      list: () => binding.list(),
      open: (options) => new SerialPortStream({ ...options, binding }) as unknown as SerialStream,
    };
  }
}
