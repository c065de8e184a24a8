import type { DeviceRef, HardwareRuntime } from '../../hardware/index.ts';
import { decodeReplyFrame, encodeRequestFrame } from './binary-codec.ts';
import { decodeReplyLine, encodeRequestLine } from './line-codec.ts';
import type { ProfileBody, ResourceSpec } from './profile-schema.ts';
import type { StoredReading, StoredValue } from './typed-value.ts';

/** A command ready to send: its declaration, its checked values, the profile's resources. */
export interface PreparedCommand {
  command: ProfileBody['commands'][number];
  parameters: Record<string, StoredValue>;
  resources: ReadonlyMap<string, ResourceSpec>;
}

/**
 * Sends one command through the runtime and returns its readings. Line-protocol commands are
 * one exchange (write the request line, read the reply line in one queue slot); framed
 * commands write their request, read their reply, or exchange both in one slot, at the
 * frame's targets; the raw profile's commands write, read or exchange the bytes given. Never retried: the runtime
 * retries nothing that writes, and the device may have acted.
 */
export async function sendCommand(
  runtime: HardwareRuntime,
  ref: DeviceRef,
  prepared: PreparedCommand,
  signal: AbortSignal,
): Promise<StoredReading[]> {
  const { command, parameters, resources } = prepared;
  const raw = command.attributes.raw;
  if (raw !== undefined) {
    const target = parameters.target?.value ? String(parameters.target.value) : undefined;
    const request = {
      ...(target === undefined ? {} : { target }),
      ...(parameters.length === undefined ? {} : { length: Number(parameters.length.value) }),
    };
    const data =
      parameters.data === undefined ? new Uint8Array() : Buffer.from(String(parameters.data.value), 'base64');
    let bytes: Uint8Array | undefined;
    if (raw === 'write') await runtime.write(ref, data, request, { signal });
    else if (raw === 'read') bytes = await runtime.read(ref, request, { signal });
    else bytes = await runtime.exchange(ref, data, { write: request, read: request }, { signal });
    if (bytes === undefined) return [];
    return [
      {
        resource: 'data',
        value: { type: 'bytes', value: Buffer.from(bytes).toString('base64') },
        units: '',
        readTime: new Date().toISOString(),
      },
    ];
  }
  let readTime: Date;
  let readings: StoredReading[];
  if (command.frame !== undefined) {
    readings = await sendFrame(runtime, ref, prepared, signal);
    readTime = new Date();
  } else {
    const reply = await runtime.exchange(
      ref,
      encodeRequestLine(command, parameters, resources),
      {},
      { signal },
    );
    readTime = new Date();
    readings = decodeReplyLine(command, reply, resources, readTime);
  }
  // A write the device acknowledged set the resources its parameters map to (unless its
  // frame's reply reported them: the device's word wins).
  const reported = new Set(command.frame === undefined ? [] : readings.map((reading) => reading.resource));
  for (const spec of command.parameters) {
    const value = parameters[spec.name];
    const resource = spec.resource === '' ? undefined : resources.get(spec.resource);
    if (
      command.kind === 'write' &&
      value !== undefined &&
      resource !== undefined &&
      !reported.has(resource.name)
    ) {
      readings.push({
        resource: resource.name,
        value,
        units: resource.units,
        readTime: readTime.toISOString(),
      });
    }
  }
  return readings;
}

/** A framed command: its request written, its reply read, or both in one queue slot. */
async function sendFrame(
  runtime: HardwareRuntime,
  ref: DeviceRef,
  { command, parameters, resources }: PreparedCommand,
  signal: AbortSignal,
): Promise<StoredReading[]> {
  const frame = command.frame;
  if (frame === undefined) return [];
  const write = frame.target === '' ? {} : { target: frame.target };
  const data = encodeRequestFrame(command, parameters, resources);
  const reply = frame.reply;
  if (reply === undefined) {
    await runtime.write(ref, data, write, { signal });
    return [];
  }
  const read = {
    ...(reply.target === '' ? {} : { target: reply.target }),
    ...(reply.length === undefined ? {} : { length: reply.length }),
  };
  const bytes =
    frame.request.length === 0
      ? await runtime.read(ref, read, { signal })
      : await runtime.exchange(ref, data, { write, read }, { signal });
  const readings = decodeReplyFrame(command, bytes, resources, new Date());
  // In the order of the command's resources, as ExecuteCommand promises.
  const order = (reading: StoredReading) => command.resources.indexOf(reading.resource);
  return readings.sort((a, b) => order(a) - order(b));
}
