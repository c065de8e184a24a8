/**
 * Loads an adapter's native library lazily and turns a failure into an availability answer,
 * so a missing library or permission disables that one adapter, with the reason, and never
 * the process.
 */
import { AVAILABLE, type Availability, UnavailableReason, unavailable } from './availability.ts';

/** The loaded module, or why it could not be loaded. */
export type NativeLoad<T> =
  | { module: T; availability: Availability }
  | { module: undefined; availability: Availability };

/**
 * Calls `load` (typically `() => import('node-hid')`) once and classifies its failure:
 * a module or shared library that is not there is DRIVER_MISSING; EACCES/EPERM is
 * PERMISSION_DENIED. `library` names it in the message.
 */
export async function loadNative<T>(library: string, load: () => Promise<T>): Promise<NativeLoad<T>> {
  try {
    return { module: await load(), availability: AVAILABLE };
  } catch (error) {
    return { module: undefined, availability: availabilityFromLoadError(library, error) };
  }
}

/** Maps a load or probe error to an availability answer (exported for adapters that probe after loading). */
export function availabilityFromLoadError(library: string, error: unknown): Availability {
  const code = (error as { code?: unknown } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'EACCES' || code === 'EPERM' || /permission denied|EACCES|EPERM/i.test(text)) {
    return unavailable(
      UnavailableReason.PERMISSION_DENIED,
      `${library}: permission denied (${firstLine(text)})`,
    );
  }
  return unavailable(UnavailableReason.DRIVER_MISSING, `${library} could not be loaded: ${firstLine(text)}`);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
