import { it } from 'vitest';
import { parseManifestText } from '../src/manifests/parse.js';
const inputs: Record<string,string> = { a: '['.repeat(100000), b: '- '.repeat(20000) + 'x\n', c: '{a: '.repeat(20000), e: '['.repeat(1000), f: '- '.repeat(1000) + 'x\n' };
it('x', () => {
  const text = inputs[process.env.W!]!;
  const t0 = Date.now();
  const r = parseManifestText('x.yaml', text, { vars: new Map(), defaultRegion: 'us-east-1' });
  console.log(Date.now() - t0, JSON.stringify(r.problems).slice(0, 300));
});
