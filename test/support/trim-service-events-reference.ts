// The DescribeServices events trim's byte scanner as it was before it was made cheaper
// (src/aws/trim-service-events.ts at d6f9450: one JavaScript loop over every byte), kept
// unchanged as the reference the faster scanner is compared with (test/trim-scan-reference.test.ts,
// bench/trim-scan.mjs): the same bytes out, the same fallback, the same plain-number mark,
// for every body. Do not edit it to follow the new scanner; it is the old behaviour.

/** what trimmedBody gave back for `bytes` before this change, and whether it marked that body as holding only plain numbers */
export function referenceTrimmedBody(bytes: Uint8Array, keep: number): { body: Uint8Array; onlyPlainNumbers: boolean } {
  const cuts: number[] = [];
  scan.numbersPlain = true;
  scan.checkingNumbers = true;
  if (!scanAnswer(bytes, keep, cuts)) return { body: bytes, onlyPlainNumbers: false };
  const out = cuts.length === 0 ? bytes : cutOut(bytes, cuts);
  return { body: out, onlyPlainNumbers: scan.numbersPlain };
}

function cutOut(bytes: Uint8Array, cuts: readonly number[]): Uint8Array {
  let length = bytes.length;
  for (let k = 0; k < cuts.length; k += 2) length -= cuts[k + 1]! - cuts[k]!;
  const out = Buffer.allocUnsafe(length);
  let from = 0;
  let at = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    out.set(bytes.subarray(from, cuts[k]), at);
    at += cuts[k]! - from;
    from = cuts[k + 1]!;
  }
  out.set(bytes.subarray(from), at);
  return out;
}

// The scanner: RFC 8259 JSON over bytes. Each function takes the index where its value
// starts and gives the index after it, or FAILED. Plain functions over a Uint8Array, no
// closures: the string loop runs over every byte of every answer.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
/** a scan that failed: the text is not read as the answer (invalid JSON, or a shape or depth this scanner leaves to the SDK) */
const FAILED = -1;
/** deeper than any ECS answer (a service's deepest member is a few levels down); deeper text goes to the SDK as it came */
const MAX_DEPTH = 64;
/** skipValue's open containers, innermost last: an object or an array */
const openContainers = new Uint8Array(MAX_DEPTH);
const IN_OBJECT = 1;
const IN_ARRAY = 2;
/** one scan's note of the numbers it met: checked only where they are kept (not in the events cut out) */
const scan = { numbersPlain: true, checkingNumbers: true };
const SERVICES = Buffer.from('services', 'latin1');
const EVENTS = Buffer.from('events', 'latin1');

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** the one-letter escapes of RFC 8259 section 7: \" \\ \/ \b \f \n \r \t */
const isShortEscape = (c: number) => c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;

/** the whole text: one object, whitespace around it, nothing else; a `services` array in it is scanned for services */
function scanAnswer(b: Uint8Array, keep: number, cuts: number[]): boolean {
  let i = space(b, 0);
  if (b[i] !== OPEN_OBJECT) return false;
  i = space(b, i + 1);
  if (b[i] === CLOSE_OBJECT) return space(b, i + 1) === b.length;
  for (;;) {
    const key = i;
    i = memberValueAt(b, i);
    if (i === FAILED) return false;
    i = isKey(b, key, SERVICES) && b[i] === OPEN_ARRAY ? scanServices(b, i, keep, cuts) : skipValue(b, i);
    i = afterItem(b, i, CLOSE_OBJECT);
    if (i === FAILED) return false;
    if (b[i - 1] === CLOSE_OBJECT) return space(b, i) === b.length;
  }
}

/** `services`: each object in it is a service, anything else is skipped as a value */
function scanServices(b: Uint8Array, i: number, keep: number, cuts: number[]): number {
  i = space(b, i + 1);
  if (b[i] === CLOSE_ARRAY) return i + 1;
  for (;;) {
    i = b[i] === OPEN_OBJECT ? scanService(b, i, keep, cuts) : skipValue(b, i);
    i = afterItem(b, i, CLOSE_ARRAY);
    if (i === FAILED || b[i - 1] === CLOSE_ARRAY) return i;
  }
}

function scanService(b: Uint8Array, i: number, keep: number, cuts: number[]): number {
  i = space(b, i + 1);
  if (b[i] === CLOSE_OBJECT) return i + 1;
  for (;;) {
    const key = i;
    i = memberValueAt(b, i);
    if (i === FAILED) return FAILED;
    i = isKey(b, key, EVENTS) && b[i] === OPEN_ARRAY ? scanEvents(b, i, keep, cuts) : skipValue(b, i);
    i = afterItem(b, i, CLOSE_OBJECT);
    if (i === FAILED || b[i - 1] === CLOSE_OBJECT) return i;
  }
}

/** `events`, newest first: the bytes after the first `keep` elements up to the closing bracket are cut */
function scanEvents(b: Uint8Array, i: number, keep: number, cuts: number[]): number {
  let count = 0;
  let keptEnd = i + 1;
  i = space(b, i + 1);
  if (b[i] === CLOSE_ARRAY) return i + 1;
  for (;;) {
    scan.checkingNumbers = count < keep;
    i = skipValue(b, i);
    scan.checkingNumbers = true;
    if (i === FAILED) return FAILED;
    if (++count === keep) keptEnd = i;
    i = afterItem(b, i, CLOSE_ARRAY);
    if (i === FAILED) return FAILED;
    if (b[i - 1] === CLOSE_ARRAY) {
      if (count > keep) cuts.push(keptEnd, i - 1);
      return i;
    }
  }
}

/** from a member's key (its opening quote) to its value's first byte */
function memberValueAt(b: Uint8Array, i: number): number {
  if (b[i] !== QUOTE) return FAILED;
  i = skipString(b, i);
  if (i === FAILED) return FAILED;
  i = space(b, i);
  return b[i] === COLON ? space(b, i + 1) : FAILED;
}

/** after a member or an element (its end `i`, or FAILED): the index after the closing `close`, or the next item's first byte */
function afterItem(b: Uint8Array, i: number, close: number): number {
  if (i === FAILED) return FAILED;
  i = space(b, i);
  if (b[i] === close) return i + 1;
  return b[i] === COMMA ? space(b, i + 1) : FAILED;
}

/** any value, validated, without recursion: the open containers are kept in openContainers */
function skipValue(b: Uint8Array, i: number): number {
  let depth = 0;
  for (;;) {
    // a value starts at i
    const c = b[i];
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === MAX_DEPTH) return FAILED;
      i = space(b, i + 1);
      if (b[i] === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) i++;
      else {
        openContainers[depth++] = c === OPEN_OBJECT ? IN_OBJECT : IN_ARRAY;
        if (c === OPEN_OBJECT) i = memberValueAt(b, i);
        if (i === FAILED) return FAILED;
        continue;
      }
    } else if (c === QUOTE) i = skipString(b, i);
    else if (c === 0x74) i = skipLiteral(b, i, 'true');
    else if (c === 0x66) i = skipLiteral(b, i, 'false');
    else if (c === 0x6e) i = skipLiteral(b, i, 'null');
    else i = skipNumber(b, i);
    if (i === FAILED) return FAILED;
    // a value ended at i: a comma goes on to the next in its container, a close ends the container
    for (;;) {
      if (depth === 0) return i;
      const inObject = openContainers[depth - 1] === IN_OBJECT;
      i = space(b, i);
      if (b[i] === (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        depth--;
        i++;
        continue;
      }
      if (b[i] !== COMMA) return FAILED;
      i = space(b, i + 1);
      if (inObject) i = memberValueAt(b, i);
      if (i === FAILED) return FAILED;
      break;
    }
  }
}

/** a string from its opening quote: escapes as RFC 8259 has them, no raw control character */
function skipString(b: Uint8Array, i: number): number {
  const n = b.length;
  i++;
  while (i < n) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      const e = i + 1 < n ? b[i + 1]! : 0;
      if (isShortEscape(e)) i += 2;
      else if (e === 0x75 && i + 5 < n && isHex(b[i + 2]!) && isHex(b[i + 3]!) && isHex(b[i + 4]!) && isHex(b[i + 5]!)) i += 6;
      else return FAILED;
    } else if (c < 0x20) return FAILED;
    else i++;
  }
  return FAILED;
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, noted as plain or not where it is kept */
function skipNumber(b: Uint8Array, from: number): number {
  const end = numberEnd(b, from);
  if (end !== FAILED && scan.checkingNumbers && scan.numbersPlain && !isPlainNumber(b, from, end)) scan.numbersPlain = false;
  return end;
}

/**
 * The SDK's jsonReviver (@smithy/core protocols) gives a number back as JSON.parse read it
 * when it is within the safe integer range and its text is String() of its value (its
 * first test, isRepresentable); otherwise a NumericValue or a BigInt. An integer of at most
 * 15 digits is both; anything else is tested as the reviver tests it.
 */
function isPlainNumber(b: Uint8Array, from: number, end: number): boolean {
  const digitsFrom = b[from] === MINUS ? from + 1 : from;
  let integer = end - digitsFrom <= 15 && !(b[from] === MINUS && b[digitsFrom] === 0x30);
  for (let k = digitsFrom; integer && k < end; k++) integer = isDigit(b[k]!);
  if (integer) return true;
  const text = Buffer.from(b.buffer, b.byteOffset + from, end - from).toString('latin1');
  const value = Number(text);
  return String(value) === text && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
}

function numberEnd(b: Uint8Array, i: number): number {
  const digitsFrom = (k: number) => {
    if (!(k < b.length && isDigit(b[k]!))) return FAILED;
    while (k < b.length && isDigit(b[k]!)) k++;
    return k;
  };
  if (b[i] === MINUS) i++;
  if (b[i] === 0x30) i++;
  else i = digitsFrom(i);
  if (i === FAILED) return FAILED;
  if (b[i] === DOT) i = digitsFrom(i + 1);
  if (i !== FAILED && (b[i] === 0x65 || b[i] === 0x45)) i = digitsFrom(b[i + 1] === PLUS || b[i + 1] === MINUS ? i + 2 : i + 1);
  return i;
}

function skipLiteral(b: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return FAILED;
  return i + word.length;
}

function space(b: Uint8Array, i: number): number {
  for (;;) {
    const c = b[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

/** the key (a string scanned from index `key`) spelt as `name` with no escape: a key written with escapes is not compared, and its value is scanned as any other */
function isKey(b: Uint8Array, key: number, name: Uint8Array): boolean {
  if (b[key + name.length + 1] !== QUOTE) return false;
  for (let k = 0; k < name.length; k++) if (b[key + 1 + k] !== name[k]) return false;
  return true;
}
