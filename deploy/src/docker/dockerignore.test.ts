import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { IMAGES } from '../compose/contract.js';
import { DOCKERIGNORE } from '../compose/repository.js';
import { repoRoot } from '../paths.js';
import { contextSources } from './dockerfile-checks.js';
import { loadDockerfile } from './dockerfile.js';
import { isIgnored, parseDockerignore } from './dockerignore.js';

const rules = parseDockerignore(readFileSync(DOCKERIGNORE, 'utf8'));

/** Files under a directory of the repository, skipping what is installed or built. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(repoRoot, path)];
  });
}

describe('the build context (.dockerignore)', () => {
  test.each([
    'node_modules/zod/package.json',
    'services/auth/node_modules/.bin/x',
    'web/node_modules/.vite-temp/x',
    'services/auth/dist/main.js',
    'web/dist/index.html',
    '.git/HEAD',
    '.infra/postgres/data/PG_VERSION',
    'data/pg/base',
    'services/auth/data/keys/jwt-es256.pem',
    '.env',
    '.env.local',
    'web/.env',
    'services/chat/.env.production',
  ])('when %s exists locally, then it stays out of every image', (path) => {
    expect(isIgnored(rules, path)).toBe(true);
  });

  test('when a Dockerfile copies from the context, then none of what it needs is ignored', () => {
    const sources = Object.values(IMAGES).flatMap((image) =>
      contextSources(loadDockerfile(join(repoRoot, image.dockerfile))),
    );
    expect(sources.length).toBeGreaterThan(0);
    const needed = [...new Set(sources)].flatMap((source) => {
      const path = join(repoRoot, source);
      if (!existsSync(path)) return [`${source} (missing)`];
      return statSync(path).isDirectory() ? filesUnder(path) : [source.replace(/\/$/, '')];
    });
    expect(needed.filter((path) => path.endsWith('(missing)') || isIgnored(rules, path))).toEqual(
      [],
    );
  });
});

describe('.dockerignore matching, on patterns that are tricky', () => {
  const sample = parseDockerignore(
    [
      '# comment',
      'dist',
      '**/*.log',
      'e2e/*',
      '!e2e/package.json',
      '/docs/',
      'file?.txt',
      '[ab].md',
    ].join('\n'),
  );

  test('when a pattern has no wildcard, then it matches at the root only, with everything below', () => {
    expect(isIgnored(sample, 'dist/main.js')).toBe(true);
    expect(isIgnored(sample, 'web/dist/main.js')).toBe(false);
    expect(isIgnored(sample, 'docs/screenshots/a.png')).toBe(true);
  });

  test('when ** and * and ? and [] are used, then they match like Docker', () => {
    expect(isIgnored(sample, 'a.log')).toBe(true);
    expect(isIgnored(sample, 'services/auth/x.log')).toBe(true);
    expect(isIgnored(sample, 'file1.txt')).toBe(true);
    expect(isIgnored(sample, 'file12.txt')).toBe(false);
    expect(isIgnored(sample, 'a.md')).toBe(true);
    expect(isIgnored(sample, 'c.md')).toBe(false);
  });

  test('when ! re-includes a file of an ignored folder, then only that file comes back', () => {
    expect(isIgnored(sample, 'e2e/package.json')).toBe(false);
    expect(isIgnored(sample, 'e2e/src/app.test.ts')).toBe(true);
  });

  test('when node_modules is not excluded, then the check notices', () => {
    expect(isIgnored(parseDockerignore('dist\n.git\n'), 'services/auth/node_modules/x')).toBe(
      false,
    );
  });
});
