/**
 * Where the runs of plain characters inside a JSON text's strings can end: every index of a
 * quote, a backslash or a byte below 0x20, found sixteen bytes at a time. The events trim
 * (trim-service-events.ts) skips each string of a DescribeServices answer by looking its end
 * up here instead of testing its bytes one at a time in JavaScript: three quarters of an
 * answer's bytes are inside strings (the 100 events ECS keeps a service, their ids and
 * messages), 150 MB a warm pass at 10,000 services (issue 19), and a JavaScript loop over
 * them was about half the trim's CPU. A call into WebAssembly per string costs more than the
 * short strings it would skip (an event's keys and ids are 2 to 36 bytes), so the whole body
 * is indexed in one call and the scanner walks the index.
 *
 * The index is a superset of what a string needs: those bytes outside strings too (the
 * opening quotes, a pretty-printed answer's newlines and tabs), which the scanner passes over.
 */

/** An index of one body: its stop positions in ascending order, then the body's length (so a look-up from any index up to it ends). Valid until the next call. */
export function stringStopsOf(bytes: Uint8Array): Int32Array {
  const n = bytes.length;
  // the body, 16 bytes of padding that hold no stop (the last vector reads past its end), then the index
  const indexAt = (n + 16 + 15) & ~15;
  const memoryNeeded = indexAt + 4 * (n + 1);
  const engine = simdEngine();
  if (engine === undefined || memoryNeeded > WASM_MEMORY_LIMIT) return stringStopsByLoop(bytes);
  const { memory, indexStops } = engine;
  if (memory.buffer.byteLength < memoryNeeded) memory.grow(Math.ceil((memoryNeeded - memory.buffer.byteLength) / WASM_PAGE));
  const heap = new Uint8Array(memory.buffer);
  heap.set(bytes, 0);
  heap.fill(0x20, n, n + 16);
  const count = indexStops(n, indexAt);
  const stops = new Int32Array(memory.buffer, indexAt, count + 1);
  stops[count] = n;
  return stops;
}

/** The same index, by a JavaScript loop: where WebAssembly is not there (node --jitless) or the body is past the module's memory limit; and the reference its tests hold the module to. */
export function stringStopsByLoop(bytes: Uint8Array): Int32Array {
  const n = bytes.length;
  const stops = new Int32Array(n + 1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0x22 || c === 0x5c || c < 0x20) stops[count++] = i;
  }
  stops[count] = n;
  return stops.subarray(0, count + 1);
}

/** whether this process indexes by the WebAssembly module (not where WebAssembly is off, as under node --jitless) */
export function indexesBySimd(): boolean {
  return simdEngine() !== undefined;
}

/** 64 KiB, WebAssembly's page */
const WASM_PAGE = 65536;
/** the module's memory is kept between calls (it only grows): an answer of 10 services is about 150 KB and needs about 750 KB; a body needing more than this is indexed by the loop instead of growing it further */
const WASM_MEMORY_LIMIT = 32 * 1024 * 1024;

/** the part of the WebAssembly JavaScript API used here (its types are in TypeScript's DOM library, which this tree does not load) */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface SimdEngine {
  memory: WasmMemory;
  /** (n, indexAt) => count: the stops of memory[0, n) written as i32 from indexAt */
  indexStops: (n: number, indexAt: number) => number;
}

/** null until the first call tries to compile the module; undefined where it could not */
let compiledEngine: SimdEngine | null | undefined = null;

/** the module, compiled once on first use; undefined where this Node cannot run it */
function simdEngine(): SimdEngine | undefined {
  if (compiledEngine === null) {
    try {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(STRING_STOPS_WASM));
      compiledEngine = { memory: instance.exports.memory as WasmMemory, indexStops: instance.exports.indexStops as SimdEngine['indexStops'] };
    } catch {
      compiledEngine = undefined;
    }
  }
  return compiledEngine;
}

const splat = (byte: number) => new Array<number>(16).fill(byte);

/**
 * The module, by hand in the binary format (WebAssembly Core Specification 2.0, chapter 5
 * "Binary Format", its vector instructions prefixed 0xFD), as this text. i8x16.bitmask puts
 * lane 0's top bit (the byte at the lowest address) in bit 0, so i32.ctz of the mask is the
 * first stop of the 16 bytes, and each stop is cleared in turn (bits & bits - 1):
 *
 *   (module
 *     (memory (export "memory") 1)
 *     (func (export "indexStops") (param $n i32) (param $out i32) (result i32)
 *       (local $i i32) (local $bits i32) (local $at i32) (local $v v128)
 *       (local.set $at (local.get $out))
 *       (block $done
 *         (loop $chunk
 *           (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
 *           (local.set $v (v128.load (local.get $i)))
 *           ;; a bit a byte of these 16: a quote, a backslash or below 0x20
 *           (local.set $bits (i8x16.bitmask (v128.or (v128.or
 *             (i8x16.eq (local.get $v) (v128.const i8x16 0x22 ...))
 *             (i8x16.eq (local.get $v) (v128.const i8x16 0x5c ...)))
 *             (i8x16.lt_u (local.get $v) (v128.const i8x16 0x20 ...)))))
 *           (block $written
 *             (loop $bit
 *               (br_if $written (i32.eqz (local.get $bits)))
 *               (i32.store (local.get $at) (i32.add (local.get $i) (i32.ctz (local.get $bits))))
 *               (local.set $at (i32.add (local.get $at) (i32.const 4)))
 *               (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
 *               (br $bit)))
 *           (local.set $i (i32.add (local.get $i) (i32.const 16)))
 *           (br $chunk)))
 *       (i32.shr_u (i32.sub (local.get $at) (local.get $out)) (i32.const 2))))
 *
 * Locals by index: 0 $n, 1 $out, 2 $i, 3 $bits, 4 $at, 5 $v.
 */
// biome-ignore format: an instruction a line, as the text above reads
const INDEX_STOPS_BODY = [
  // locals: 3 of i32, 1 of v128
  0x02, 0x03, 0x7f, 0x01, 0x7b,
  // $at = $out
  0x20, 0x01, 0x21, 0x04,
  // block $done, loop $chunk, br_if $done ($i >= $n)
  0x02, 0x40, 0x03, 0x40, 0x20, 0x02, 0x20, 0x00, 0x4f, 0x0d, 0x01,
  // $v = v128.load align=0 offset=0 ($i)
  0x20, 0x02, 0xfd, 0x00, 0x00, 0x00, 0x21, 0x05,
  // i8x16.eq $v 0x22..
  0x20, 0x05, 0xfd, 0x0c, ...splat(0x22), 0xfd, 0x23,
  // i8x16.eq $v 0x5c.., v128.or
  0x20, 0x05, 0xfd, 0x0c, ...splat(0x5c), 0xfd, 0x23, 0xfd, 0x50,
  // i8x16.lt_u $v 0x20.., v128.or
  0x20, 0x05, 0xfd, 0x0c, ...splat(0x20), 0xfd, 0x26, 0xfd, 0x50,
  // $bits = i8x16.bitmask
  0xfd, 0x64, 0x21, 0x03,
  // block $written, loop $bit, br_if $written (i32.eqz $bits)
  0x02, 0x40, 0x03, 0x40, 0x20, 0x03, 0x45, 0x0d, 0x01,
  // i32.store align=2 offset=0 ($at, $i + ctz $bits)
  0x20, 0x04, 0x20, 0x02, 0x20, 0x03, 0x68, 0x6a, 0x36, 0x02, 0x00,
  // $at += 4
  0x20, 0x04, 0x41, 0x04, 0x6a, 0x21, 0x04,
  // $bits &= $bits - 1, br $bit, end loop, end block
  0x20, 0x03, 0x20, 0x03, 0x41, 0x01, 0x6b, 0x71, 0x21, 0x03, 0x0c, 0x00, 0x0b, 0x0b,
  // $i += 16, br $chunk, end loop, end block
  0x20, 0x02, 0x41, 0x10, 0x6a, 0x21, 0x02, 0x0c, 0x00, 0x0b, 0x0b,
  // ($at - $out) >> 2, end
  0x20, 0x04, 0x20, 0x01, 0x6b, 0x41, 0x02, 0x76, 0x0b,
];

const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content];
const name = (text: string) => [text.length, ...Buffer.from(text, 'latin1')];
function leb128(value: number): number[] {
  const out: number[] = [];
  do {
    const low = value & 0x7f;
    value >>>= 7;
    out.push(value === 0 ? low : low | 0x80);
  } while (value !== 0);
  return out;
}

// biome-ignore format: a section a line
const STRING_STOPS_WASM = new Uint8Array([
  // magic, version 1
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // types: (i32, i32) -> i32
  ...section(1, [0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f]),
  // functions: one, of type 0
  ...section(3, [0x01, 0x00]),
  // memories: one, at least 1 page
  ...section(5, [0x01, 0x00, 0x01]),
  // exports: "memory" (memory 0), "indexStops" (function 0)
  ...section(7, [0x02, ...name('memory'), 0x02, 0x00, ...name('indexStops'), 0x00, 0x00]),
  // code: one body
  ...section(10, [0x01, ...leb128(INDEX_STOPS_BODY.length), ...INDEX_STOPS_BODY]),
]);
