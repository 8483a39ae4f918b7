import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../paths.js';
import { endpointProblems } from './compose-checks.js';
import { loadCompose } from './compose-file.js';
import { serviceContainers } from './containers.js';
import { SERVICES, type ServiceName } from './contract.js';
import {
  descriptionProblems,
  documentedValueProblems,
  envExampleKeyProblems,
} from './env-example.js';
import { envValues, parseEnvFile, type EnvFile } from './env-file.js';
import { COMPOSE_FILES } from './repository.js';
import { serviceClientProblems } from './secrets-checks.js';
import { parseServiceConfig, schemaKeys } from './service-config.js';
import { loadWebConfigParser, webVariables } from './web-config.js';

const example = (workspace: string): EnvFile =>
  parseEnvFile(readFileSync(join(repoRoot, workspace, '.env.example'), 'utf8'));
const examples = new Map(SERVICES.map((s) => [s, example(`services/${s}`)] as const));
const exampleOf = (service: ServiceName): EnvFile => {
  const file = examples.get(service);
  if (!file) throw new Error(`no .env.example for ${service}`);
  return file;
};
const web = example('web');
const dev = loadCompose(COMPOSE_FILES.dev);
const noFiles = (): undefined => undefined;

describe("the services' .env.example files", () => {
  test.each(SERVICES)(
    'when services/%s/.env.example is read, then every line is KEY=value or a comment',
    (service) => {
      expect(exampleOf(service).problems).toEqual([]);
    },
  );

  test.each(SERVICES)(
    'when services/%s/.env.example is compared with the schema, then it documents every variable and no other',
    (service) => {
      expect(envExampleKeyProblems(exampleOf(service), schemaKeys(service))).toEqual([]);
    },
  );

  test.each(SERVICES)(
    'when services/%s/.env.example lists a variable, then a description comes with it',
    (service) => {
      expect(descriptionProblems(exampleOf(service))).toEqual([]);
    },
  );

  test.each(SERVICES)(
    'when services/%s/.env.example is loaded, then the service starts with it and each commented value is the default',
    (service) => {
      expect(
        documentedValueProblems(exampleOf(service), (env) => parseServiceConfig(service, env)),
      ).toEqual([]);
    },
  );

  test.each(SERVICES)(
    'when services/%s runs from source against docker-compose.dev.yml, then its endpoints are published there with the same credentials',
    (service) => {
      expect(endpointProblems(dev, envValues(exampleOf(service)))).toEqual([]);
    },
  );

  test('when chat-service from source asks auth-service from source for a token, then its secret is accepted', () => {
    const auth = envValues(exampleOf('auth'));
    expect(serviceClientProblems(auth, noFiles, envValues(exampleOf('chat')))).toEqual([]);
  });

  test('when services from source and from docker-compose.dev.yml mix, then chat is accepted either way', () => {
    const containers = serviceContainers(dev);
    const envOf = (name: string) => containers.find((c) => c.name === name)?.environment.env ?? {};
    expect(serviceClientProblems(envOf('auth'), noFiles, envValues(exampleOf('chat')))).toEqual([]);
    expect(serviceClientProblems(envValues(exampleOf('auth')), noFiles, envOf('chat'))).toEqual([]);
  });
});

describe("the web app's .env.example", () => {
  test('when web/.env.example is compared with the app, then it documents every variable the app reads and no other', () => {
    expect(web.problems).toEqual([]);
    expect(envExampleKeyProblems(web, webVariables())).toEqual([]);
    expect(descriptionProblems(web)).toEqual([]);
  });

  test("when web/.env.example is parsed by the app's parseAppConfig, then it is accepted and the commented values are the defaults", async () => {
    const parse = await loadWebConfigParser();
    expect(documentedValueProblems(web, parse)).toEqual([]);
  });

  test('when the dev server proxies to the services of docker-compose.dev.yml, then their ports are published there', () => {
    const targets = { FALABLAU_AUTH_TARGET: 'auth', FALABLAU_CHAT_TARGET: 'chat' } as const;
    const env = envValues(web);
    expect(Object.keys(targets).filter((key) => env[key] === undefined)).toEqual([]);
    expect(endpointProblems(dev, env, undefined, targets)).toEqual([]);
  });
});

describe('the .env.example checks, on files that are wrong', () => {
  const bad = parseEnvFile(
    [
      '# the port',
      'PORT=5000',
      '',
      'DATABSE_URL=postgres://falablau:x@localhost:5432/falablau',
      '# Lifetime of access tokens.',
      '# ACCESS_TOKEN_TTL=20m',
      '# Trust the proxy.',
      '# TRUST_PROXY=maybe',
      "OAUTH_CLIENTS='{unterminated",
      'not an assignment',
    ].join('\n'),
  );

  test('when a line is malformed, then the parser names it', () => {
    expect(bad.problems).toEqual([
      "line 9 (OAUTH_CLIENTS): unterminated ' quote",
      'line 10: not KEY=value',
    ]);
  });

  test('when a name is misspelt and others are missing, then both are reported', () => {
    const problems = envExampleKeyProblems(bad, schemaKeys('auth'));
    expect(problems).toEqual(
      expect.arrayContaining([
        'line 4: DATABSE_URL is not a variable of the service',
        'DATABASE_URL is not documented',
      ]),
    );
    expect(descriptionProblems(bad)).toEqual(['line 4: DATABSE_URL has no description above it']);
  });

  test('when a commented value is not the default or is invalid, then each is reported', () => {
    const file = parseEnvFile(
      [
        'DATABASE_URL=postgres://falablau:x@localhost:5432/falablau',
        'KAFKA_BOOTSTRAP_SERVERS=localhost:9092',
        '# ACCESS_TOKEN_TTL=20m',
        '# TRUST_PROXY=maybe',
        '# REFRESH_TOKEN_TTL=30d',
      ].join('\n'),
    );
    expect(documentedValueProblems(file, (env) => parseServiceConfig('auth', env))).toEqual([
      'line 3: ACCESS_TOKEN_TTL=20m is not the default',
      expect.stringMatching(/^line 4: TRUST_PROXY=maybe is refused: TRUST_PROXY: /),
    ]);
  });

  test('when a laptop endpoint points at a port docker-compose.dev.yml does not publish, then it is reported', () => {
    expect(
      endpointProblems(dev, {
        DATABASE_URL: 'postgres://falablau:falablau-dev-only@localhost:5433/falablau',
        REDIS_URL: 'redis://default:wrong@localhost:6379',
        KAFKA_BOOTSTRAP_SERVERS: 'localhost:29092',
      }),
    ).toEqual([
      'DATABASE_URL: nothing publishes port 5433 on localhost',
      'REDIS_URL: its password is not the one redis is set up with',
      'KAFKA_BOOTSTRAP_SERVERS: nothing publishes port 29092 on localhost',
    ]);
  });
});
