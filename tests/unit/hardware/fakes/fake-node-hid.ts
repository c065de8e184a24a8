/**
 * A fake of node-hid 3's async API at the native boundary, with its real shapes and failure
 * modes: `devicesAsync()`, `HIDAsync.open(path)` failing with hidapi's messages, `read(timeout)`
 * resolving an empty buffer on timeout and rejecting "could not read data from device" once
 * unplugged, "device has been closed" after close. Each fake device is a loopback: an output
 * report's payload comes back as an input report, a feature report sent is the one got back.
 * Every report written is kept, byte for byte, in `written`.
 */
import type {
  HidDeviceDescriptor,
  HidHandle,
  HidNative,
} from '../../../../src/hardware/adapters/hid/index.ts';

interface FakeHidDevice {
  descriptor: HidDeviceDescriptor;
  inputs: Buffer[];
  features: Map<number, Buffer>;
  plugged: boolean;
  waiters: Set<() => void>;
}

export class FakeHidBus {
  private readonly devices = new Map<string, FakeHidDevice>();
  /** Paths whose open fails as hidraw does without permission. */
  readonly denied = new Set<string>();
  /** Handles ever opened (to check they get closed). */
  readonly handles: Array<{ closed: boolean }> = [];
  /** Reports written, in order, as the native call got them (report id first). */
  readonly written: Array<{ path: string; kind: 'output' | 'feature'; report: Buffer }> = [];

  add(descriptor: Partial<HidDeviceDescriptor> & { path: string }): void {
    this.devices.set(descriptor.path, {
      descriptor: { vendorId: 0x16c0, productId: 0x05df, release: 0x100, interface: 0, ...descriptor },
      inputs: [],
      features: new Map(),
      plugged: true,
      waiters: new Set(),
    });
  }

  unplug(path: string): void {
    const device = this.devices.get(path);
    if (!device) return;
    device.plugged = false;
    this.devices.delete(path);
    for (const wake of device.waiters) wake();
  }

  /** The device sends an input report by itself. */
  input(path: string, report: Buffer): void {
    const device = this.devices.get(path);
    if (!device) throw new Error(`no fake HID device ${path}`);
    device.inputs.push(report);
    for (const wake of device.waiters) wake();
  }

  /** The device's feature report `report[0]` from now on, as `getFeatureReport` answers it. */
  setFeature(path: string, report: Buffer): void {
    const device = this.devices.get(path);
    if (!device) throw new Error(`no fake HID device ${path}`);
    device.features.set(report[0] ?? 0, report);
  }

  module(): HidNative {
    return {
      devicesAsync: async () => [...this.devices.values()].map((device) => ({ ...device.descriptor })),
      HIDAsync: { open: async (path: string) => this.open(path) },
    };
  }

  private open(path: string): HidHandle {
    const device = this.devices.get(path);
    if (this.denied.has(path)) {
      throw new Error(
        `cannot open device with path ${path}: Failed to open a device with path '${path}': Permission denied`,
      );
    }
    if (!device) throw new Error(`cannot open device with path ${path}`);
    const state = { closed: false };
    this.handles.push(state);
    const check = (failure: string) => {
      if (state.closed) throw new Error('device has been closed');
      if (!device.plugged) throw new Error(`${failure}: No such device`);
    };
    return {
      close: async () => {
        state.closed = true;
        for (const wake of device.waiters) wake();
      },
      read: (timeoutMs = -1) =>
        new Promise<Buffer | undefined>((resolve, reject) => {
          const attempt = (): boolean => {
            try {
              check('could not read data from device');
            } catch (error) {
              reject(error);
              return true;
            }
            const report = device.inputs.shift();
            if (report === undefined) return false;
            resolve(report);
            return true;
          };
          if (attempt()) return;
          const wake = () => {
            if (attempt()) done();
          };
          const done = () => {
            clearTimeout(timer);
            device.waiters.delete(wake);
          };
          device.waiters.add(wake);
          const timer =
            timeoutMs < 0
              ? undefined
              : setTimeout(() => {
                  done();
                  resolve(Buffer.alloc(0));
                }, timeoutMs);
        }),
      write: async (values) => {
        check('Cannot write to hid device');
        const report = Buffer.from(values);
        this.written.push({ path, kind: 'output', report });
        this.input(path, report.subarray(1));
        return report.length;
      },
      sendFeatureReport: async (data) => {
        check('could not send feature report to device');
        const report = Buffer.from(data);
        this.written.push({ path, kind: 'feature', report });
        device.features.set(report[0] ?? 0, report);
        return report.length;
      },
      getFeatureReport: async (reportId, length) => {
        check('could not get feature report from device');
        const report = device.features.get(reportId);
        if (!report) throw new Error('could not get feature report from device: Broken pipe');
        return report.subarray(0, length);
      },
    };
  }
}
