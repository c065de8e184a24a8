/**
 * Stands in for an adapter whose code could not even be imported, so the runtime and
 * operators still see it by name, unavailable, with the reason.
 */
import { type Adapter, type Availability, HardwareError, HardwareErrorKind } from '../index.ts';

/** An adapter that is always unavailable with `availability`'s reason; every operation is UNAVAILABLE. */
export function createUnavailableAdapter(name: string, availability: Availability): Adapter {
  const refuse = async (): Promise<never> => {
    const why = availability.ok ? 'unavailable' : availability.message;
    throw new HardwareError(HardwareErrorKind.UNAVAILABLE, `adapter ${name} is unavailable: ${why}`, {
      adapter: name,
    });
  };
  return {
    name,
    presence: 'polling',
    initialize: async () => {},
    available: () => availability,
    start: async () => {},
    stop: async () => {},
    discover: refuse,
    open: refuse,
  };
}
