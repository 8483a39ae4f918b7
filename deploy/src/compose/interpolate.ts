// Compose's variable interpolation, for reading a compose file the way `docker compose` does:
// `$$` is a literal `$`; `$VAR` and `${VAR}` substitute; `${VAR:-default}` / `${VAR-default}`
// fall back when VAR is unset or empty / unset; `${VAR:?message}` / `${VAR?message}` fail;
// `${VAR:+alt}` / `${VAR+alt}` substitute alt when VAR is set (and non-empty). Defaults may
// nest further expressions. The checks resolve with no variables at all: a compose file must
// work on a fresh clone without a .env file, so every reference needs a default.

export type Variables = Readonly<Record<string, string | undefined>>;

export interface Interpolated<T> {
  value: T;
  /** Unset variables without a default, required variables, malformed expressions. */
  problems: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;

/** The index of the `}` closing the `${` whose body starts at `start`, or -1. */
function closingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i += 1) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth += 1;
      i += 1;
    } else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function evaluate(expression: string, variables: Variables, problems: string[]): string {
  const match = EXPRESSION.exec(expression);
  if (!match) {
    problems.push(`\${${expression}} is not a valid interpolation`);
    return '';
  }
  const [, name = '', operator, argument = ''] = match;
  const value = variables[name];
  const isSet = value !== undefined;
  const isNonEmpty = isSet && value !== '';
  const nested = (): string => interpolateInto(argument, variables, problems);
  switch (operator) {
    case undefined:
      if (!isSet) problems.push(`${name} is not set and has no default`);
      return value ?? '';
    case ':-':
      return isNonEmpty ? value : nested();
    case '-':
      return isSet ? value : nested();
    case ':?':
    case '?':
      if (operator === ':?' ? !isNonEmpty : !isSet) {
        problems.push(`${name} is required: ${argument === '' ? 'not set' : nested()}`);
      }
      return value ?? '';
    case ':+':
      return isNonEmpty ? nested() : '';
    case '+':
      return isSet ? nested() : '';
    default:
      problems.push(`\${${expression}} uses an unknown operator`);
      return '';
  }
}

function interpolateInto(text: string, variables: Variables, problems: string[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (char !== '$') {
      out += char;
      i += 1;
      continue;
    }
    const next = text.charAt(i + 1);
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        problems.push(`unterminated \${ in "${text}"`);
        return out + text.slice(i);
      }
      out += evaluate(text.slice(i + 2, end), variables, problems);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name === undefined) {
        // A lone `$` (e.g. before a digit) stays as it is, as in compose.
        out += '$';
        i += 1;
      } else {
        out += evaluate(name, variables, problems);
        i += 1 + name.length;
      }
    }
  }
  return out;
}

/** Interpolates one string. */
export function interpolate(text: string, variables: Variables = {}): Interpolated<string> {
  const problems: string[] = [];
  const value = interpolateInto(text, variables, problems);
  return { value, problems };
}

/**
 * Interpolates every string value of a parsed YAML document (keys stay as they are, as in
 * compose); each problem is prefixed with the path of the value it came from.
 */
export function interpolateTree(node: unknown, variables: Variables = {}): Interpolated<unknown> {
  const problems: string[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      const result = interpolate(value, variables);
      problems.push(...result.problems.map((problem) => `${path || '(root)'}: ${problem}`));
      return result.value;
    }
    if (Array.isArray(value)) {
      return value.map((item: unknown, index) => walk(item, `${path}/${String(index)}`));
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, walk(item, `${path}/${key}`)]),
      );
    }
    return value;
  };
  return { value: walk(node, ''), problems };
}
