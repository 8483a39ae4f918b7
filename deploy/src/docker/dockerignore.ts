// .dockerignore as Docker applies it (moby's patternmatcher): patterns are paths relative to
// the context root, `*` and `?` stay within one path segment, `**` spans any number of them, a
// pattern that matches a directory excludes everything below it, `!` re-includes, and the last
// matching pattern decides.

export interface IgnoreRule {
  source: string;
  negated: boolean;
  pattern: RegExp;
}

function toRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob.charAt(i);
    if (char === '*' && glob.charAt(i + 1) === '*') {
      const slash = glob.charAt(i + 2) === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') {
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) {
        out += '\\[';
      } else {
        out += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (char === '\\' && i + 1 < glob.length) {
      out += `\\${glob.charAt(i + 1)}`;
      i += 1;
    } else {
      out += /[.+^${}()|\]]/.test(char) ? `\\${char}` : char;
    }
  }
  return new RegExp(`^${out}$`);
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const cleaned = (negated ? line.slice(1) : line)
        .trim()
        .replace(/^\/+/, '')
        .replace(/\/+$/, '')
        .replace(/(^|\/)\.\//g, '$1');
      return { source: line, negated, pattern: toRegExp(cleaned) };
    });
}

/** Whether a context path (e.g. `services/auth/dist/main.js`) is left out of the context. */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const segments = path.replace(/^\/+/, '').split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = !rule.negated;
  }
  return ignored;
}
