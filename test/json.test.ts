// src/model/json.ts: the helpers every stage uses on manifest and API data.
import { describe, expect, it } from 'vitest';
import { omit } from '../src/model/json.js';

describe('omit', () => {
  it('leaves out the keys given and keeps the others in their order, the original untouched', () => {
    const spec = { b: 1, tags: { a: 'x' }, a: [1], desiredCount: 2 };
    const out = omit(spec, 'tags', 'desiredCount', 'absent');
    expect(Object.keys(out)).toEqual(['b', 'a']);
    expect(out).toEqual({ b: 1, a: [1] });
    expect(Object.keys(spec)).toEqual(['b', 'tags', 'a', 'desiredCount']);
  });

  it('keeps a "__proto__" member (outside data) as a member, as a spread copy does, not as the copy’s prototype', () => {
    const spec = JSON.parse('{"__proto__": {"polluted": true}, "a": 1, "b": 2}') as Record<string, unknown>;
    const out = omit(spec, 'b');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect((out as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(out)).toBe(JSON.stringify({ ...spec, b: undefined }));
  });

  it('gives a null-prototype map of a null-prototype map (a normalized spec), a plain object of a plain one', () => {
    const record = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, tags: {}, b: 2 });
    const out = omit(record, 'tags');
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect({ ...out }).toEqual({ a: 1, b: 2 });
    expect(Object.getPrototypeOf(omit({ a: 1 }, 'a'))).toBe(Object.prototype);
  });
});
