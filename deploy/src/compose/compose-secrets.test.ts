import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerFiles, type ContainerFiles } from './compose-env.js';
import { loadCompose, type LoadedCompose } from './compose-file.js';
import { serviceContainers } from './containers.js';
import { COMPOSE_FILES } from './repository.js';
import { runScriptJob } from './script-jobs.js';
import { serviceClientProblems, signingKeyProblems } from './secrets-checks.js';

const workDir = mkdtempSync(join(tmpdir(), 'falablau-secrets-'));
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

interface Stack {
  compose: LoadedCompose;
  files: ContainerFiles;
  env: (service: string) => Record<string, string>;
}

function stack(label: keyof typeof COMPOSE_FILES): Stack {
  const compose = loadCompose(COMPOSE_FILES[label]);
  const run = runScriptJob(compose, 'keygen', join(workDir, label));
  const files = containerFiles(compose, run.volumeDirs);
  const containers = serviceContainers(compose, files);
  return {
    compose,
    files,
    env: (service) => containers.find((c) => c.name === service)?.environment.env ?? {},
  };
}

describe('the secrets the keygen job generates', () => {
  const main = stack('main');
  const dev = stack('dev');

  test('when keygen runs, then it writes the key, the clients and the chat secret, readable by the owner only', () => {
    const dir = join(workDir, 'main', 'secrets');
    expect(readdirSync(dir).sort()).toEqual([
      'chat-service.env',
      'jwt-private-key.pem',
      'oauth-clients.json',
    ]);
    for (const name of readdirSync(dir)) {
      expect(`${name} ${(statSync(join(dir, name)).mode & 0o777).toString(8)}`).toBe(`${name} 400`);
    }
  });

  test('when keygen runs again, then it keeps what exists (tokens and the client survive restarts)', () => {
    const before = readFileSync(join(workDir, 'main', 'secrets', 'jwt-private-key.pem'), 'utf8');
    const again = runScriptJob(main.compose, 'keygen', join(workDir, 'main'));
    expect(again.output).toContain('keygen: kept jwt-private-key.pem');
    expect(again.output).toContain('keygen: kept oauth-clients.json, chat-service.env');
    expect(readFileSync(join(workDir, 'main', 'secrets', 'jwt-private-key.pem'), 'utf8')).toBe(
      before,
    );
  });

  test.each([
    ['main', main],
    ['dev', dev],
  ] as const)(
    'when auth of the %s stack loads its signing key, then its own key loader accepts it',
    async (_, s) => {
      const read = (path: string) => s.files('auth', path);
      expect(await signingKeyProblems(s.env('auth'), read)).toEqual([]);
    },
  );

  test('when chat-1 and chat-2 present their generated secret, then auth accepts it with the archive scopes', () => {
    const read = (path: string) => main.files('auth', path);
    expect(serviceClientProblems(main.env('auth'), read, main.env('chat-1'))).toEqual([]);
    expect(serviceClientProblems(main.env('auth'), read, main.env('chat-2'))).toEqual([]);
  });

  test('when chat of the development stack presents its dev-only secret, then auth accepts it', () => {
    const read = (path: string) => dev.files('auth', path);
    expect(serviceClientProblems(dev.env('auth'), read, dev.env('chat'))).toEqual([]);
  });
});

describe('the secret checks, on secrets that are wrong', () => {
  test('when the secret does not match, then auth would refuse the chat service', () => {
    const auth = {
      OAUTH_CLIENTS: JSON.stringify({
        'chat-service': { secret: 'the-right-secret-value', scopes: ['archive:read'] },
      }),
    };
    expect(
      serviceClientProblems(auth, () => undefined, { SERVICE_CLIENT_SECRET: 'wrong' }),
    ).toEqual(["auth-service does not accept chat-service's secret"]);
    expect(
      serviceClientProblems(auth, () => undefined, {
        SERVICE_CLIENT_SECRET: 'the-right-secret-value',
      }),
    ).toEqual(['chat-service lacks the scopes archive:write']);
  });

  test('when the clients file is missing or malformed, then that is reported', () => {
    const auth = { OAUTH_CLIENTS_FILE: '/run/secrets/clients.json' };
    expect(serviceClientProblems(auth, () => undefined, { SERVICE_CLIENT_SECRET: 'x' })).toEqual([
      'OAUTH_CLIENTS_FILE /run/secrets/clients.json cannot be read',
      "auth-service does not accept chat-service's secret",
    ]);
    expect(serviceClientProblems(auth, () => '{"chat-service": {}}', {})).toEqual([
      expect.stringContaining('OAUTH_CLIENTS_FILE: '),
      'chat-service has no SERVICE_CLIENT_SECRET',
    ]);
  });

  test('when the signing key is not P-256 or is absent in production, then auth would not start', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(await signingKeyProblems({ JWT_PRIVATE_KEY: rsa }, () => undefined)).toEqual([
      expect.stringContaining(
        'the JWT signing key is refused: The JWT signing key must be an EC P-256 key',
      ),
    ]);
    expect(await signingKeyProblems({ NODE_ENV: 'production' }, () => undefined)).toEqual([
      'production without a JWT signing key',
    ]);
    expect(
      await signingKeyProblems({ JWT_PRIVATE_KEY_FILE: '/nowhere.pem' }, () => undefined),
    ).toEqual(['JWT_PRIVATE_KEY_FILE /nowhere.pem cannot be read']);
  });
});
