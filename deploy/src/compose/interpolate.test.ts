import { interpolate, interpolateTree } from './interpolate.js';

describe('compose interpolation', () => {
  test('when a default is given with :-, then it replaces an unset or empty variable', () => {
    expect(interpolate('postgres://u:${PW:-dev}@db/x').value).toBe('postgres://u:dev@db/x');
    expect(interpolate('${PW:-dev}', { PW: '' }).value).toBe('dev');
    expect(interpolate('${PW:-dev}', { PW: 's3cret' }).value).toBe('s3cret');
  });

  test('when a default is given with -, then only an unset variable takes it', () => {
    expect(interpolate('[${PW-dev}]', { PW: '' }).value).toBe('[]');
    expect(interpolate('${PW-dev}').value).toBe('dev');
  });

  test('when defaults nest, then the inner expression is interpolated too', () => {
    expect(interpolate('${A:-${B:-inner}}/x').value).toBe('inner/x');
    expect(interpolate('${A:-${B:-inner}}', { B: 'b' }).value).toBe('b');
  });

  test('when :+ and + are used, then the alternative appears only for a set variable', () => {
    expect(interpolate('${TLS:+--tls}', { TLS: '1' }).value).toBe('--tls');
    expect(interpolate('${TLS:+--tls}', { TLS: '' }).value).toBe('');
    expect(interpolate('${TLS+--tls}', { TLS: '' }).value).toBe('--tls');
  });

  test('when $$ appears, then it is a literal dollar and not a variable', () => {
    expect(interpolate('echo $$HOME $${X}')).toEqual({ value: 'echo $HOME ${X}', problems: [] });
  });

  test('when a variable has no default and is unset, then it is reported and empty', () => {
    expect(interpolate('a${MISSING}b$OTHER')).toEqual({
      value: 'ab',
      problems: ['MISSING is not set and has no default', 'OTHER is not set and has no default'],
    });
  });

  test('when :? guards an unset variable, then its message is reported', () => {
    expect(interpolate('${TOKEN:?set TOKEN in .env}').problems).toEqual([
      'TOKEN is required: set TOKEN in .env',
    ]);
  });

  test('when an expression is malformed, then it is reported instead of passed through', () => {
    expect(interpolate('${1BAD}').problems).toEqual(['${1BAD} is not a valid interpolation']);
    expect(interpolate('x${OPEN').problems).toEqual(['unterminated ${ in "x${OPEN"']);
  });

  test('when a document is interpolated, then values change, keys do not, and problems name their path', () => {
    const result = interpolateTree({
      services: { a: { ports: ['${P:-80}:8080', 8080], environment: { ['${K}']: '${V}' } } },
    });
    expect(result.value).toEqual({
      services: { a: { ports: ['80:8080', 8080], environment: { ['${K}']: '' } } },
    });
    expect(result.problems).toEqual([
      '/services/a/environment/${K}: V is not set and has no default',
    ]);
  });
});
