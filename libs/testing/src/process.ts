import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** The built engine (`npm run build`), started as `npm start` starts it. */
export const ENGINE_MAIN = resolve(__dirname, '../../../dist/apps/engine/src/main.js');

export interface StartedProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns the built engine with only the environment given (plus PATH): the caller's service settings never leak in. */
export function startEngineProcess(env: Record<string, string>, main = ENGINE_MAIN): StartedProcess {
  let output = '';
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (address && typeof address === 'object' ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/** Polls /health until the process answers; fails with its output if it exits or stays silent. */
export async function waitForHealth(port: number, proc: StartedProcess, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`engine exited early (${proc.child.exitCode}):\n${proc.output()}`);
    try {
      return await fetch(`http://127.0.0.1:${port}/health`);
    } catch {
      if (Date.now() > deadline) throw new Error(`engine did not answer within ${timeoutMs} ms:\n${proc.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** SIGKILLs the process if it still runs, and waits for it to be gone. */
export async function killProcess(proc: StartedProcess | undefined): Promise<void> {
  if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}
