// The events a long-running ECS service carries, for the fake account's DescribeServices
// answers (bench/fake-aws-server.mjs) and the events trim's scan benchmark
// (bench/trim-scan.mjs): [API] Service.events "A maximum of 100 of the latest events are
// displayed", a steady state logged about every 6 hours.

const SIX_HOURS = 6 * 3600_000;
const t0 = Date.parse('2026-12-01T00:00:00Z');
/** the `k` newest events of service `name`, newest first: steady states six hours apart, a task start every 25th */
export function serviceEvents(name, k) {
  const out = [];
  for (let j = 0; j < k; j++) {
    const id = `${(0x10000000 + j * 7919 + name.length).toString(16)}-${name.slice(-5)}-4${String(j).padStart(3, '0')}-8bbe-${Math.abs(hashOf(name + j))
      .toString(16)
      .padStart(12, '0')
      .slice(0, 12)}`;
    const message =
      j % 25 === 24
        ? `(service ${name}) has started 1 tasks: (task ${Math.abs(hashOf(`${name}t${j}`))
            .toString(16)
            .padStart(8, '0')}${'0'.repeat(24)}).`
        : `(service ${name}) has reached a steady state.`;
    out.push({ id, createdAt: new Date(t0 - j * SIX_HOURS), message });
  }
  return out;
}
function hashOf(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
