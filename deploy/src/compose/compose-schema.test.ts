import { join } from 'node:path';
import { schemaErrors } from '../json-schema.js';
import { repoRoot } from '../paths.js';
import { loadCompose, parseCompose } from './compose-file.js';
import { COMPOSE_FILES, composeSchemaPath } from './repository.js';

const files = Object.entries(COMPOSE_FILES);

describe('the compose files against the Compose Specification', () => {
  test.each(files)('when %s is read as compose reads it, then it matches the schema', (_, path) => {
    expect(schemaErrors(composeSchemaPath(), loadCompose(path).document)).toEqual([]);
  });

  test.each(files)(
    'when %s is read without a .env file, then every variable it uses has a default',
    (_, path) => {
      expect(loadCompose(path).interpolationProblems).toEqual([]);
    },
  );

  test('when a service has a misspelt key, then the schema names it', () => {
    const bad = parseCompose(
      'services:\n  auth:\n    image: falablau/auth:0.1.0\n    enviroment:\n      PORT: "5000"\n',
      join(repoRoot, 'bad.yml'),
    );
    expect(schemaErrors(composeSchemaPath(), bad.document)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('/services/auth: must NOT have additional properties'),
      ]),
    );
  });

  test('when a healthcheck test is a mapping (an unquoted ": " in YAML), then the schema refuses it', () => {
    const bad = parseCompose(
      [
        'services:',
        '  auth:',
        '    image: falablau/auth:0.1.0',
        '    healthcheck:',
        '      test:',
        '        - CMD',
        '        - node -e process.exit(ok ? 0 : 1)',
      ].join('\n'),
      join(repoRoot, 'bad.yml'),
    );
    expect(schemaErrors(composeSchemaPath(), bad.document)).not.toEqual([]);
  });

  test('when a variable has no default, then reading the file reports it', () => {
    const bad = parseCompose(
      'services:\n  db:\n    image: postgres:17.9-trixie\n    environment:\n      POSTGRES_PASSWORD: ${PGPASS}\n',
      join(repoRoot, 'bad.yml'),
    );
    expect(bad.interpolationProblems).toEqual([
      '/services/db/environment/POSTGRES_PASSWORD: PGPASS is not set and has no default',
    ]);
  });
});
