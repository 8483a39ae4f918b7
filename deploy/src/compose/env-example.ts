// The .env.example files against the configuration they document: every variable of the
// schema appears (set, or commented out at its default), nothing else does (a misspelt name
// would be silently ignored by the service), each has a description above it, the set values
// start the service, and a commented `# KEY=value` really is the default: parsing with it gives
// the same configuration as parsing without it.
import { isDeepStrictEqual } from 'node:util';
import { envValues, type EnvFile } from './env-file.js';

export type ParseResult = { ok: true; config: unknown } | { ok: false; problems: string[] };

/** Names missing from the file, and names in it (set or commented) that the schema lacks. */
export function envExampleKeyProblems(file: EnvFile, schemaKeys: readonly string[]): string[] {
  const known = new Set(schemaKeys);
  const present = new Set(file.lines.map((line) => line.key));
  return [
    ...file.lines
      .filter((line) => !known.has(line.key))
      .map((line) => `line ${String(line.line)}: ${line.key} is not a variable of the service`),
    ...schemaKeys.filter((key) => !present.has(key)).map((key) => `${key} is not documented`),
  ];
}

/** Each variable line has a description comment above it (a group may share one). */
export function descriptionProblems(file: EnvFile): string[] {
  const comments = new Set(file.commentLines);
  const described = new Set<number>();
  const problems: string[] = [];
  for (const { key, line } of [...file.lines].sort((a, b) => a.line - b.line)) {
    if (comments.has(line - 1) || described.has(line - 1)) described.add(line);
    else problems.push(`line ${String(line)}: ${key} has no description above it`);
  }
  return problems;
}

/** The set values parse; every commented non-empty value is accepted and is the default. */
export function documentedValueProblems(
  file: EnvFile,
  parse: (env: Record<string, string>) => ParseResult,
): string[] {
  const base = envValues(file);
  const parsed = parse(base);
  if (!parsed.ok) return parsed.problems.map((p) => `the set values are refused: ${p}`);
  const problems: string[] = [];
  for (const line of file.lines) {
    if (!line.commented || line.value === '') continue;
    const withLine = parse({ ...base, [line.key]: line.value });
    if (!withLine.ok) {
      problems.push(
        `line ${String(line.line)}: ${line.key}=${line.value} is refused: ${withLine.problems.join('; ')}`,
      );
    } else if (!isDeepStrictEqual(withLine.config, parsed.config)) {
      problems.push(`line ${String(line.line)}: ${line.key}=${line.value} is not the default`);
    }
  }
  return problems;
}
