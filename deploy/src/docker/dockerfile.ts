// Dockerfiles, parsed with dockerfile-ast into stages of plain instructions: keyword, line,
// argument text (continuations joined, flags removed), flags, the exec form (JSON) arguments
// and the name/value properties of ENV, LABEL and ARG.
import { readFileSync } from 'node:fs';
import {
  DockerfileParser,
  JSONInstruction,
  ModifiableInstruction,
  PropertyInstruction,
  type Instruction,
} from 'dockerfile-ast';

export interface DockerInstruction {
  keyword: string;
  /** 1-based. */
  line: number;
  /** The arguments as one string, flags left out. */
  text: string;
  flags: Map<string, string | null>;
  /** Exec-form arguments (`["node", "dist/main.js"]`), when that form is used. */
  json?: string[];
  /** ENV, LABEL and ARG: name and value, surrounding quotes removed. */
  properties?: [string, string | undefined][];
}

export interface DockerStage {
  index: number;
  name?: string;
  /** The FROM argument, e.g. `node:24.20.0-trixie-slim`. */
  image: string;
  tag?: string;
  digest?: string;
  /** FROM itself excluded. */
  instructions: DockerInstruction[];
}

function parseJsonArray(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

const unquote = (value: string): string => value.replace(/^"([\s\S]*)"$|^'([\s\S]*)'$/, '$1$2');

function toInstruction(instruction: Instruction): DockerInstruction {
  const result: DockerInstruction = {
    keyword: instruction.getKeyword().toUpperCase(),
    line: instruction.getRange().start.line + 1,
    text: (instruction.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim(),
    flags: new Map(),
  };
  if (instruction instanceof ModifiableInstruction) {
    result.flags = new Map(instruction.getFlags().map((f) => [f.getName(), f.getValue()]));
  }
  if (instruction instanceof JSONInstruction) {
    const json = instruction.getJSONStrings().map((s) => s.getJSONValue());
    if (json.length > 0) result.json = json;
  }
  // dockerfile-ast reads HEALTHCHECK's command as plain words: take its exec form from the text.
  const probe = /^CMD\s+(\[.*\])$/.exec(result.keyword === 'HEALTHCHECK' ? result.text : '');
  if (probe?.[1] !== undefined) result.json = parseJsonArray(probe[1]);
  if (instruction instanceof PropertyInstruction) {
    result.properties = instruction.getProperties().map((p) => {
      const value = p.getUnescapedValue();
      return [p.getName(), value === null ? undefined : unquote(value)];
    });
  }
  return result;
}

export function parseDockerfile(text: string): DockerStage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: DockerStage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword().toUpperCase() === 'FROM') {
      const from = dockerfile
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line);
      const name = from?.getBuildStage() ?? undefined;
      const tag = from?.getImageTag() ?? undefined;
      const digest = from?.getImageDigest() ?? undefined;
      stages.push({
        index: stages.length,
        ...(name !== undefined && { name }),
        image: from?.getImage() ?? '',
        ...(tag !== undefined && { tag }),
        ...(digest !== undefined && { digest }),
        instructions: [],
      });
    } else {
      stages.at(-1)?.instructions.push(toInstruction(instruction));
    }
  }
  return stages;
}

export function loadDockerfile(path: string): DockerStage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** The stage the image is built from (the last one). */
export function finalStage(stages: readonly DockerStage[]): DockerStage {
  const last = stages.at(-1);
  if (!last) throw new Error('a Dockerfile without FROM');
  return last;
}

export function instructionsOf(stage: DockerStage, keyword: string): DockerInstruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** An earlier stage a FROM or `COPY --from` names, if it names one. */
export function stageNamed(stages: readonly DockerStage[], name: string): DockerStage | undefined {
  return stages.find((s) => s.name === name || String(s.index) === name);
}

/**
 * The ENV a container of the image starts with: the final stage's ENV instructions, after
 * those of the stages it builds on (`FROM <stage>`); the base image's own ENV is not known here.
 */
export function imageEnv(stages: readonly DockerStage[]): Record<string, string> {
  const chain: DockerStage[] = [];
  for (let stage: DockerStage | undefined = finalStage(stages); stage;) {
    chain.unshift(stage);
    const parent = stageNamed(stages.slice(0, stage.index), stage.image);
    stage = parent;
  }
  const env: Record<string, string> = {};
  for (const stage of chain) {
    for (const instruction of instructionsOf(stage, 'ENV')) {
      for (const [name, value] of instruction.properties ?? []) env[name] = value ?? '';
    }
  }
  return env;
}

/** The LABELs of a stage, with `${ARG}` references resolved to the ARG defaults. */
export function labels(stage: DockerStage): Record<string, string> {
  const args = Object.fromEntries(
    instructionsOf(stage, 'ARG')
      .flatMap((i) => i.properties ?? [])
      .map(([n, v]) => [n, v ?? '']),
  );
  const resolve = (value: string): string =>
    value.replace(
      /\$\{(\w+)\}|\$(\w+)/g,
      (_, braced?: string, bare?: string) => args[braced ?? bare ?? ''] ?? '',
    );
  return Object.fromEntries(
    instructionsOf(stage, 'LABEL')
      .flatMap((i) => i.properties ?? [])
      .map(([name, value]) => [name, resolve(value ?? '')]),
  );
}
