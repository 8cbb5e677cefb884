// The CLI as a process meets the world: a reader that stops early (`schema | head -1`)
// and a port already taken end with a line, never a stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const ROOT = resolve(import.meta.dirname, '..');

function listen(server: http.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

describe('the command as a process', () => {
  it('schema | head -1 exits quietly: a broken pipe is the normal end of a pipeline', async () => {
    expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run npm run build first: the launcher runs the compiled CLI').toBe(true);
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'ecs-reconciler.js'), 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    // the reader takes one chunk and goes away, as head -1 does
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000); // a whole node process: slow to start on a loaded machine

  it('run --listen on a taken port is a one-line error, before any AWS call', async () => {
    let awsCalls = 0;
    const aws = http.createServer((_req, res) => {
      awsCalls++;
      res.writeHead(500).end();
    });
    const taken = http.createServer();
    const awsPort = await listen(aws);
    const takenPort = await listen(taken);
    let err = '';
    try {
      const code = await main(
        ['run', join(ROOT, 'manifests'), '--listen', `127.0.0.1:${takenPort}`, '--endpoint', `http://127.0.0.1:${awsPort}`, '--region', 'us-east-1'],
        {
          stdout: () => undefined,
          stderr: (t) => (err += t),
          env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
          cwd: ROOT,
        },
      );
      expect(code).toBe(1);
    } finally {
      await new Promise((r) => taken.close(r));
      await new Promise((r) => aws.close(r));
    }
    expect(err).toBe(
      `ecs-reconciler run: cannot listen on 127.0.0.1:${takenPort}: the address is already in use (another daemon?); choose another with --listen HOST:PORT\n`,
    );
    expect(awsCalls).toBe(0);
  });
});
