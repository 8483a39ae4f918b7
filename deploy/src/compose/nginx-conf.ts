// A small reader of nginx configuration: directives with their arguments and blocks, and the
// two rules the checks need from nginx itself. Inheritance: a directive such as proxy_set_header
// or add_header applies from the nearest enclosing level that has it at all, and a level that
// sets one of them replaces everything inherited (the classic trap). Location matching: an
// exact `=` location wins, otherwise the longest matching prefix.

export interface Directive {
  name: string;
  args: string[];
  /** The directives inside `{ }`, for block directives. */
  block?: Directive[];
  line: number;
}

interface Token {
  text: string;
  line: number;
  /** `{`, `}` and `;` outside quotes. */
  special: boolean;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (char === '\n') line += 1;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '#') {
      while (i < text.length && text.charAt(i) !== '\n') i += 1;
    } else if (char === '{' || char === '}' || char === ';') {
      tokens.push({ text: char, line, special: true });
      i += 1;
    } else if (char === '"' || char === "'") {
      let value = '';
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== char) {
        if (text.charAt(j) === '\\' && j + 1 < text.length) j += 1;
        if (text.charAt(j) === '\n') line += 1;
        value += text.charAt(j);
        j += 1;
      }
      if (j >= text.length) throw new Error(`line ${String(line)}: unterminated quote`);
      tokens.push({ text: value, line, special: false });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};]/.test(text.charAt(j))) j += 1;
      tokens.push({ text: text.slice(i, j), line, special: false });
      i = j;
    }
  }
  return tokens;
}

/** Parses a configuration file (or a conf.d snippet) into its directive tree. */
export function parseNginx(text: string): Directive[] {
  const tokens = tokenize(text);
  let position = 0;
  const parseBlock = (nested: boolean): Directive[] => {
    const directives: Directive[] = [];
    let words: Token[] = [];
    while (position < tokens.length) {
      const token = tokens[position];
      position += 1;
      if (!token) break;
      if (!token.special) {
        words.push(token);
        continue;
      }
      const [first, ...rest] = words;
      if (token.text === '}') {
        if (!nested || words.length > 0) {
          throw new Error(`line ${String(token.line)}: unexpected }`);
        }
        return directives;
      }
      if (!first) throw new Error(`line ${String(token.line)}: ${token.text} without a directive`);
      const directive: Directive = {
        name: first.text,
        args: rest.map((w) => w.text),
        line: first.line,
      };
      if (token.text === '{') directive.block = parseBlock(true);
      directives.push(directive);
      words = [];
    }
    if (nested || words.length > 0) throw new Error('unexpected end of file: missing } or ;');
    return directives;
  };
  return parseBlock(false);
}

/** Every directive of that name at any depth, with the chain of blocks enclosing it. */
export function findAll(
  directives: Directive[],
  name: string,
  parents: Directive[] = [],
): { directive: Directive; parents: Directive[] }[] {
  return directives.flatMap((directive) => [
    ...(directive.name === name ? [{ directive, parents }] : []),
    ...(directive.block ? findAll(directive.block, name, [...parents, directive]) : []),
  ]);
}

/**
 * The directives of that name in force inside `chain` (outermost first, e.g. [server, location]):
 * those of the innermost level that has any, following nginx's inheritance.
 */
export function effective(top: Directive[], chain: Directive[], name: string): Directive[] {
  const levels = [top, ...chain.map((d) => d.block ?? [])];
  for (const level of levels.reverse()) {
    const own = level.filter((d) => d.name === name);
    if (own.length > 0) return own;
  }
  return [];
}

/** The `server` blocks, whether the file is a conf.d snippet or a whole nginx.conf. */
export function servers(top: Directive[]): { server: Directive; parents: Directive[] }[] {
  return findAll(top, 'server')
    .filter(({ parents }) => parents.every((p) => p.name === 'http'))
    .map(({ directive, parents }) => ({ server: directive, parents }));
}

/** The location of a server that handles a URI path: `=` exact first, else longest prefix. */
export function locationFor(server: Directive, path: string): Directive | undefined {
  const locations = (server.block ?? []).filter((d) => d.name === 'location');
  const exact = locations.find((l) => l.args[0] === '=' && l.args[1] === path);
  if (exact) return exact;
  return locations
    .map((l) => ({
      location: l,
      prefix: l.args.length === 1 ? l.args[0] : l.args[0] === '^~' ? l.args[1] : undefined,
    }))
    .filter(
      (c): c is { location: Directive; prefix: string } =>
        c.prefix !== undefined && path.startsWith(c.prefix),
    )
    .sort((a, b) => b.prefix.length - a.prefix.length)[0]?.location;
}

/** `proxy_set_header` / `add_header` pairs in force, by lower-cased header name. */
export function headers(directives: Directive[]): Map<string, string> {
  return new Map(
    directives.map((d) => [(d.args[0] ?? '').toLowerCase(), d.args[1] ?? ''] as const),
  );
}

/**
 * The value a `map $source $variable { ... }` gives for one source value: exact strings first,
 * then `~regex` / `~*regex` in order, then `default` (empty when there is none).
 */
export function mapValue(top: Directive[], variable: string, source: string): string | undefined {
  const map = findAll(top, 'map').find(
    ({ directive }) => directive.args[1] === variable,
  )?.directive;
  if (!map) return undefined;
  const entries = (map.block ?? []).map((d) => ({ key: d.name, value: d.args[0] ?? '' }));
  const exact = entries.find((e) => e.key === source && !e.key.startsWith('~'));
  if (exact) return exact.value;
  for (const entry of entries) {
    if (!entry.key.startsWith('~')) continue;
    const caseless = entry.key.startsWith('~*');
    const pattern = new RegExp(entry.key.slice(caseless ? 2 : 1), caseless ? 'i' : '');
    if (pattern.test(source)) return entry.value;
  }
  return entries.find((e) => e.key === 'default')?.value ?? '';
}

/** The source variable of a map (`map $http_upgrade $connection_upgrade` -> `$http_upgrade`). */
export function mapSource(top: Directive[], variable: string): string | undefined {
  return findAll(top, 'map').find(({ directive }) => directive.args[1] === variable)?.directive
    .args[0];
}

/** An nginx time (`3600`, `3600s`, `60m`, `1h`, `1h30m`) in seconds; NaN when malformed. */
export function seconds(value: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  if (/^\d+$/.test(value)) return Number(value);
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.map((p) => p[0]).join('') !== value || parts.length === 0) return Number.NaN;
  return parts.reduce((sum, [, n = '0', unit = 's']) => sum + Number(n) * (units[unit] ?? 0), 0);
}
