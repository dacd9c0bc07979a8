import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const ARRIVAL_BIN = path.resolve('bin/arrival.js');

/** The environment for a child Arrival process: this one's, minus anything that would change its driver. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const name of [
    'DATABASE_URL',
    'ARRIVAL_MASTER_KEY',
    'ARRIVAL_DEMO',
    'PORT',
    'DATA_DIR',
    'PUBLIC_BASE_URL',
  ]) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `arrival <args>` to its end. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  stdin = '',
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ARRIVAL_BIN, ...args], { env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `arrival start` on a free port and waits until it prints its URL. */
export function startServerProcess(
  env: Record<string, string | undefined>,
  args: string[] = [],
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ARRIVAL_BIN, 'start', ...args], {
      env: childEnv({ PORT: '0', ...env }),
    });
    let output = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d;
      const match = /Arrival is running at (\S+)/.exec(output);
      if (match?.[1] && child.pid) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more) => {
          output += more;
        });
        resolve({
          url: match[1],
          pid: child.pid,
          child,
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d) => {
      output += d;
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output}`));
    });
  });
}
