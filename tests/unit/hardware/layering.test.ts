import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = join(import.meta.dirname, '../../../src/hardware');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

test('hardware/ knows nothing of the platform, the services, the transports or generated code', () => {
  const offenders = sources(ROOT).filter((file) =>
    /from '(\.\.\/)+(platform|services|transport|gen)\//.test(readFileSync(file, 'utf8')),
  );
  assert.equal(offenders, []);
});

test('native libraries are imported only dynamically, so a missing one cannot break loading', () => {
  const offenders = sources(ROOT).filter((file) =>
    /^import (?!type)[^;]*from '(node-hid|usb|serialport|@serialport\/[^']+)'/m.test(
      readFileSync(file, 'utf8'),
    ),
  );
  assert.equal(offenders, []);
});

test.run();
