import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectVariables } from '../src/manifests/index.js';
import { mergeVariables, parseVarFile, parseVarFlag, substituteVariables } from '../src/manifests/variables.js';

const varFile = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'manifests', 'vars', 'release.env');

describe('var files', () => {
  it('reads NAME=value lines, skipping comments and blank lines, with quotes and export stripped', () => {
    const { vars } = parseVarFile('# c\n\nA=1\nexport B=two\nC="x # y"\nD=\'q\'\r\nE=\n');
    expect([...vars]).toEqual([
      ['A', '1'],
      ['B', 'two'],
      ['C', 'x # y'],
      ['D', 'q'],
      ['E', ''],
    ]);
  });

  it('reports each bad line with its line number and keeps the good ones', async () => {
    const r = await collectVariables({ files: [varFile] });
    expect(r.vars.get('IMAGE_TAG')).toBe('1.4.2');
    expect(r.vars.get('REGION')).toBe('eu-west-1');
    expect(r.vars.get('QUOTED')).toBe('two words # not a comment');
    expect(r.vars.get('SPACED')).toBe('padded value');
    expect(r.vars.get('EMPTY')).toBe('');
    expect(r.problems).toEqual([
      { stage: 'load', file: varFile, line: 8, column: 1, message: 'expected NAME=value, got "this line is wrong"' },
      { stage: 'load', file: varFile, line: 9, column: 1, message: 'BROKEN: the value opens a " quote that this line does not close' },
    ]);
  });

  it('reports a var file that cannot be read', async () => {
    const r = await collectVariables({ files: ['/nonexistent/vars.env'] });
    expect(r.problems).toEqual([{ stage: 'load', file: '/nonexistent/vars.env', message: 'cannot read --var-file: no such file or folder' }]);
  });
});

describe('--var flags', () => {
  it('splits at the first = only', () => {
    expect(parseVarFlag('URL=https://x/?a=b')).toEqual(['URL', 'https://x/?a=b']);
    expect(parseVarFlag('=x')).toBeUndefined();
    expect(parseVarFlag('1BAD=x')).toBeUndefined();
  });

  it('reports a --var without a name', async () => {
    const r = await collectVariables({ flags: ['novalue'] });
    expect(r.problems).toEqual([{ stage: 'load', message: '--var "novalue": expected NAME=value' }]);
  });
});

describe('precedence', () => {
  it('lets --var beat --var-file beat the allowed environment', async () => {
    const r = await collectVariables({
      env: { IMAGE_TAG: 'from-env', REGION: 'from-env', ONLY_ENV: 'env' },
      envNames: ['IMAGE_TAG', 'REGION', 'ONLY_ENV'],
      files: [varFile],
      flags: ['IMAGE_TAG=from-flag'],
    });
    expect(r.vars.get('IMAGE_TAG')).toBe('from-flag');
    expect(r.vars.get('REGION')).toBe('eu-west-1');
    expect(r.vars.get('ONLY_ENV')).toBe('env');
    expect(mergeVariables([['A', '1']], [['A', '2']], [['A', '3']]).get('A')).toBe('3');
  });
});

describe('substitution', () => {
  const vars = new Map([
    ['A', 'x'],
    ['EMPTY', ''],
  ]);
  it('replaces references, applies defaults only when unset, and keeps $${ literal', () => {
    expect(substituteVariables('${A}-${B:=dflt}-$${A}-${EMPTY:=unused}', vars)).toEqual({ ok: true, value: 'x-dflt-${A}-', changed: true });
  });

  it('reports an undefined variable with its offset', () => {
    expect(substituteVariables('ab${A}${NOPE}', vars)).toMatchObject({ ok: false, name: 'NOPE', offset: 6, message: 'undefined variable ${NOPE}' });
  });

  it('reports a malformed and an unterminated reference', () => {
    expect(substituteVariables('${1X}', vars)).toMatchObject({ ok: false, offset: 0, message: expect.stringContaining('is not a valid variable reference') });
    expect(substituteVariables('${A} ${OPEN', vars)).toMatchObject({
      ok: false,
      offset: 5,
      message: expect.stringMatching(/^unterminated variable reference "\$\{OPEN"/),
    });
  });
});

describe('the environment is read only through an allow-list', () => {
  const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG', GITHUB_TOKEN: 'ghp_planted', ECSR_VAR_IMAGE_TAG: '1.4.2', ECSR_VAR_: 'no name', RELEASE: 'r7' };

  it('reads nothing from the environment without --var-env or --var-env-prefix', async () => {
    const r = await collectVariables({ env });
    expect([...r.vars]).toEqual([]);
  });

  it('maps ECSR_VAR_IMAGE_TAG to IMAGE_TAG under --var-env-prefix ECSR_VAR_, and nothing else', async () => {
    const r = await collectVariables({ env, envPrefixes: ['ECSR_VAR_'] });
    expect([...r.vars]).toEqual([['IMAGE_TAG', '1.4.2']]);
  });

  it('reads a variable named by --var-env under its own name, and only that one', async () => {
    const r = await collectVariables({ env, envNames: ['RELEASE', 'NOT_SET'] });
    expect([...r.vars]).toEqual([['RELEASE', 'r7']]);
  });

  it('refuses a --var-env that is not a variable name', async () => {
    const r = await collectVariables({ env, envNames: ['A-B'], envPrefixes: ['$'] });
    expect(r.problems.map((p) => p.message)).toEqual([
      '--var-env-prefix "$": expected the start of a variable name, e.g. ECSR_VAR_',
      '--var-env "A-B": expected a variable name',
    ]);
  });
});
