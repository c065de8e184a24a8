import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, tempDir, watch } from '../helpers/process.ts';

/**
 * `hcs serve` in development at a terminal, as a developer runs `npm start`: a pseudo-terminal
 * from util-linux `script`, whose output (the terminal's screen: standard output and error
 * together) is read here. Every other test reads JSON lines from a pipe, which covers the
 * other side of the choice.
 */

const TSX = import.meta.resolve('tsx');
// ANSI colours, and the carriage returns a terminal adds to each line end.
const strip = (text: string) => stripVTControlCharacters(text).replace(/\r$/, '');

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

if (!hasScript) {
  console.log('skipped: hcs serve at a terminal — util-linux `script` (a pseudo-terminal) is not installed');
} else {
  test('at a terminal in development: readable log lines and the admin password framed', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HCS_')));
    // `script` runs the command through $SHELL. A shell that stays as hcs's parent (dash, the
    // usual /bin/sh, does) gets the Ctrl-C too and dies of it, so the status read here would be
    // the shell's 130, whatever hcs did: `exec` makes hcs the terminal's process itself, and the
    // shell is pinned so the test runs the same under every user's login shell.
    const command = [
      'exec',
      ...[process.execPath, '--import', TSX, join(ROOT, 'src/main.ts'), 'serve'].map((part) => `'${part}'`),
    ].join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: tempDir(),
      env: {
        ...env,
        SHELL: '/bin/sh',
        HCS_ENV: 'development',
        HCS_HOST: '127.0.0.1',
        HCS_GRPC_PORT: '0',
        HCS_HTTP_PORT: '0',
        HCS_DATA_DIR: tempDir('hcs-data-'),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const terminal = watch(child);
    const screen = () => terminal.stdout.map(strip);
    try {
      await waitFor(() => screen().some((line) => line.includes('hcs is serving')), terminal);
    } finally {
      child.stdin?.write('\x03'); // Ctrl-C at the terminal: SIGINT to hcs.
    }
    const code = await exitWithin(terminal, 30_000);
    // What hcs printed after it said it serves tells why an exit went wrong: it comes first.
    const serving = screen().findIndex((line) => line.includes('hcs is serving'));
    assert.is(
      code,
      0,
      `exit status ${code}; the screen from "hcs is serving" on:\n${screen().slice(serving).join('\n')}`,
    );
    const lines = screen();
    const text = lines.join('\n');
    assert.ok(
      lines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hcs is serving$/.test(line)),
      `a readable "hcs is serving" line:\n${text}`,
    );
    assert.not.ok(
      lines.some((line) => line.startsWith('{')),
      `no JSON line at a terminal:\n${text}`,
    );
    // The warning line stays (it is what a log collector keeps); the frame repeats its password.
    const logged = /WARN: created the administrator "admin" with the generated password (\S+) /.exec(
      text,
    )?.[1];
    assert.ok(logged, `the warning line with the password:\n${text}`);
    const frame = lines.findIndex((line) => /^\+-+\+$/.test(line));
    assert.ok(frame >= 0, `a framed notice:\n${text}`);
    const notice = lines.slice(frame, lines.indexOf(lines[frame] ?? '', frame + 1) + 1);
    assert.ok(
      notice.length > 2 && notice.every((line) => line.length === notice[0]?.length),
      notice.join('\n'),
    );
    const passwordLine = new RegExp(`^\\|\\s+${logged}\\s+\\|$`);
    assert.ok(
      notice.some((line) => passwordLine.test(line)),
      `the password on a line of its own in the frame:\n${notice.join('\n')}`,
    );
  });
}

/** The exit status, or a failure naming the wait when the process is still there after it (then killed). */
async function exitWithin(process: ReturnType<typeof watch>, timeoutMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      process.child.kill('SIGKILL');
      reject(new Error(`still running ${timeoutMs} ms after Ctrl-C:\n${process.stdout.join('\n')}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([process.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(condition: () => boolean, process: ReturnType<typeof watch>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (process.child.exitCode !== null) throw new Error(`exited early:\n${process.stdout.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`timed out:\n${process.stdout.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.run();
