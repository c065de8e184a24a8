import { AppError, Code } from '../../platform/errors/index.ts';
import { SystemReason } from './reasons.ts';

/**
 * Refuses to run commands as root unless the operator allowed it
 * (HCS_SYSTEM_COMMANDS_ALLOW_ROOT): a command running as root can do anything to the box, so
 * that must be a deliberate choice, not the accident of a container's default user.
 * PERMISSION_DENIED `RUNS_AS_ROOT`. `uid` undefined (Windows) is not root.
 */
export function assertMayRunCommandsAs(uid: number | undefined, allowRoot: boolean): void {
  if (uid === 0 && !allowRoot) {
    throw new AppError(
      Code.PERMISSION_DENIED,
      SystemReason.RUNS_AS_ROOT,
      'hcs runs as root and HCS_SYSTEM_COMMANDS_ALLOW_ROOT is not true, so commands do not run',
    );
  }
}
