// The stop index of a JSON text (src/aws/json-string-stops.ts), which the events trim walks
// instead of reading each string's bytes: the WebAssembly module's index is the JavaScript
// loop's, for bytes of every value, every length around its 16-byte steps, bodies anywhere in
// their ArrayBuffer, and bodies that make its memory grow.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexesBySimd, stringStopsByLoop, stringStopsOf } from '../src/aws/json-string-stops.js';
import { mulberry32 } from './seeded-random.js';

const ROOT = resolve(import.meta.dirname, '..');
const indexOf = (bytes: Uint8Array) => Array.from(stringStopsOf(bytes));
const loopIndexOf = (bytes: Uint8Array) => Array.from(stringStopsByLoop(bytes));

describe('stringStopsOf', () => {
  it('runs the WebAssembly module on this Node (not the loop it falls back to)', () => {
    expect(indexesBySimd()).toBe(true);
  });

  it('lists each quote, backslash and byte below 0x20 in order, then the length', () => {
    const text = Buffer.from('{"a\\"b":\t"x\u0001y", "\u00e9\u0019"}\n', 'utf8');
    const expected = [...text.keys()].filter((i) => text[i] === 0x22 || text[i] === 0x5c || text[i]! < 0x20);
    expect(indexOf(text)).toEqual([...expected, text.length]);
    expect(loopIndexOf(text)).toEqual([...expected, text.length]);
    expect(indexOf(new Uint8Array(0))).toEqual([0]);
  });

  it('gives the loop its index for random bytes of every value and length, at every offset in their buffer (seeded)', () => {
    const random = mulberry32(16);
    for (let k = 0; k < 2000; k++) {
      const length = k < 100 ? k : Math.floor(random() * 600);
      const offset = Math.floor(random() * 20);
      const pool = Buffer.alloc(offset + length + 20, 0x22);
      // mostly the bytes of JSON text, often any byte
      for (let i = offset; i < offset + length; i++) pool[i] = random() < 0.7 ? 0x20 + Math.floor(random() * 0x60) : Math.floor(random() * 256);
      const bytes = pool.subarray(offset, offset + length);
      expect(indexOf(bytes), `${k}`).toEqual(loopIndexOf(bytes));
    }
  });

  it('grows its memory for a larger body and still indexes a small one after it', () => {
    const random = mulberry32(3);
    const big = Buffer.from(Array.from({ length: 400_000 }, () => (random() < 0.1 ? 0x22 : random() < 0.01 ? 0x0a : 0x61)));
    expect(indexOf(big)).toEqual(loopIndexOf(big));
    const small = Buffer.from('"ab\\"c"');
    expect(indexOf(small)).toEqual([0, 3, 4, 6, 7]);
    expect(indexOf(big.subarray(1000, 200_000))).toEqual(loopIndexOf(big.subarray(1000, 200_000)));
  });

  it('indexes by the loop where WebAssembly is off (node --jitless), and the trim still cuts', () => {
    const compiled = join(ROOT, 'dist', 'aws', 'trim-service-events.js');
    expect(existsSync(compiled), 'run npm run build first: the child runs the compiled module').toBe(true);
    const script = `
      const stops = await import(${JSON.stringify(join(ROOT, 'dist', 'aws', 'json-string-stops.js'))});
      const { trimmedBody } = await import(${JSON.stringify(compiled)});
      const body = Buffer.from(JSON.stringify({ services: [{ events: Array.from({ length: 20 }, (_, k) => ({ id: 'e-' + k, message: 'a "quoted" one' })) }] }));
      const events = JSON.parse(Buffer.from(trimmedBody(body)).toString()).services[0].events;
      console.log(JSON.stringify({ simd: stops.indexesBySimd(), stops: Array.from(stops.stringStopsOf(Buffer.from('"a\\\\"b"'))), events: events.length }));`;
    const child = spawnSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ simd: false, stops: [0, 2, 3, 5, 6], events: 10 });
  }, 30_000); // a whole node process: slow to start on a loaded machine
});
