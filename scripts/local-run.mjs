#!/usr/bin/env node
// The main job on the local emulator: start moto (scripts/emulator), show the plan of
// manifests/ against the empty account, apply it, show the plan after (all in-sync),
// then run the controller daemon on manifests/ until Ctrl-C.
//
//   npm run local                 # the whole thing; the daemon serves http://127.0.0.1:8080/
//   npm run local -- --once       # stop after the plan/apply/plan (no daemon)
//   npm run local -- --listen 127.0.0.1:9090
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const once = args.includes('--once');
const listenAt = args.indexOf('--listen');
const listen = listenAt >= 0 ? args[listenAt + 1] : '127.0.0.1:8080';
const envFile = join(root, '.emulator.env');
const cli = join(root, 'bin', 'ecs-reconciler.js');

function say(text) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

const emulator = spawn(join(root, 'scripts', 'emulator'), ['--env-file', envFile], { stdio: ['ignore', 'pipe', 'inherit'] });
const endpoint = await new Promise((resolve, reject) => {
  let out = '';
  emulator.stdout.setEncoding('utf8').on('data', (c) => {
    out += c;
    const m = /ECS endpoint: (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  emulator.on('exit', (code) => reject(new Error(`scripts/emulator exited with ${code} before it was ready (see above)`)));
}).catch((err) => {
  console.error(String(err.message ?? err));
  process.exit(1);
});

const vars = Object.fromEntries(
  readFileSync(envFile, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_0-9]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: vars.AWS_ACCESS_KEY_ID ?? 'test',
  AWS_SECRET_ACCESS_KEY: vars.AWS_SECRET_ACCESS_KEY ?? 'test',
  AWS_REGION: vars.AWS_REGION ?? 'us-east-1',
};
const common = ['--var-file', envFile, '--endpoint', endpoint];

function run(argv, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...argv], { env, stdio: 'inherit', cwd: root });
    if (opts.onChild) opts.onChild(child);
    child.on('exit', (code) => resolve(code));
  });
}

let stopping = false;
let daemon;
const stopAll = () => {
  if (stopping) return;
  stopping = true;
  daemon?.kill('SIGTERM');
  emulator.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

console.log(`ECS emulator at ${endpoint} (network ids in .emulator.env)`);
say('plan manifests/ against the empty emulator');
await run(['plan', 'manifests/', ...common]);
say('apply manifests/');
const applied = await run(['apply', 'manifests/', ...common]);
say('plan again: everything in-sync, nothing to do');
const after = await run(['plan', 'manifests/', ...common, '--detailed-exitcode']);
let code = applied === 0 && after === 0 ? 0 : 1;

if (!once && code === 0) {
  say(`the controller daemon on manifests/ (Ctrl-C to stop)`);
  console.log(`  page:    http://${listen}/`);
  console.log(`  report:  curl -s http://${listen}/report | jq .summary`);
  console.log(`  metrics: curl -s http://${listen}/metrics`);
  console.log(`  try:     edit manifests/web/web.yaml (the image tag) and watch it roll out;`);
  console.log(
    `           or change a service behind its back: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url ${endpoint} ecs update-service --cluster prod --service api --desired-count 9`,
  );
  code = await run(['run', 'manifests/', ...common, '--listen', listen, '--interval', '10s', '--log-format', 'pretty'], { onChild: (c) => (daemon = c) });
}
stopAll();
await new Promise((r) => (emulator.exitCode !== null ? r() : emulator.on('exit', r)));
process.exit(code ?? 1);
