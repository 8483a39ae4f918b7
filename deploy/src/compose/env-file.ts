// Reads dotenv files the way their consumers do (compose's env_file, Node's --env-file, a shell
// sourcing them with `set -a`): `KEY=value`, optional `export `, values unquoted (an inline
// ` #` starts a comment), 'single-quoted' (literal) or "double-quoted" (\n, \" and \\ escapes).
// A commented assignment (`# KEY=value`) is kept apart: the .env.example files use it for a
// variable left at its default, and the checks read those lines too.

export interface EnvLine {
  key: string;
  value: string;
  /** 1-based line number. */
  line: number;
  /** `# KEY=value`: documented, not set. */
  commented: boolean;
}

export interface EnvFile {
  lines: EnvLine[];
  /** Line numbers of plain comments (descriptions, not commented assignments). */
  commentLines: number[];
  problems: string[];
}

const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s?(.*)$/;
const COMMENTED_ASSIGNMENT = /^#\s?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

function unquote(raw: string): { value: string } | { error: string } {
  const text = raw.trim();
  const quote = text.charAt(0);
  if (quote === "'" || quote === '"') {
    const end = quote === "'" ? text.indexOf("'", 1) : closingDoubleQuote(text);
    if (end < 0) return { error: `unterminated ${quote} quote` };
    const rest = text.slice(end + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) return { error: `text after the closing quote` };
    const body = text.slice(1, end);
    return {
      value:
        quote === "'"
          ? body
          : body.replace(/\\([n"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c)),
    };
  }
  const comment = /\s#/.exec(text);
  return { value: (comment ? text.slice(0, comment.index) : text).trim() };
}

function closingDoubleQuote(text: string): number {
  for (let i = 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return -1;
}

export function parseEnvFile(text: string): EnvFile {
  const lines: EnvLine[] = [];
  const commentLines: number[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((source, index) => {
    const line = index + 1;
    const trimmed = source.trim();
    if (trimmed === '') return;
    const commented = COMMENTED_ASSIGNMENT.exec(trimmed);
    const assignment = commented ?? (trimmed.startsWith('#') ? null : ASSIGNMENT.exec(trimmed));
    if (!assignment) {
      if (trimmed.startsWith('#')) commentLines.push(line);
      else problems.push(`line ${String(line)}: not KEY=value`);
      return;
    }
    const [, key = '', raw = ''] = assignment;
    const parsed = unquote(raw);
    if ('error' in parsed) {
      problems.push(`line ${String(line)} (${key}): ${parsed.error}`);
      return;
    }
    lines.push({ key, value: parsed.value, line, commented: commented !== null });
  });
  const seen = new Set<string>();
  for (const { key, line } of lines) {
    if (seen.has(key)) problems.push(`line ${String(line)}: ${key} appears twice`);
    seen.add(key);
  }
  return { lines, commentLines, problems };
}

/** The variables a file sets (commented lines excluded); a later line wins, as in compose. */
export function envValues(file: EnvFile): Record<string, string> {
  return Object.fromEntries(
    file.lines.filter((line) => !line.commented).map((line) => [line.key, line.value]),
  );
}
