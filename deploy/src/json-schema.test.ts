import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaErrors } from './json-schema.js';

describe('schemaErrors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'falablau-schema-'));
  const schemaPath = join(dir, 'schema.json');
  writeFileSync(
    schemaPath,
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, port: { type: 'integer' } },
      additionalProperties: false,
    }),
  );

  test('when a document conforms, then there is no problem', () => {
    expect(schemaErrors(schemaPath, { name: 'auth', port: 5000 })).toEqual([]);
  });

  test('when a document breaks the schema, then every problem names its place', () => {
    const problems = schemaErrors(schemaPath, { port: 'x', extra: true });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("(root): must have required property 'name'"),
        expect.stringContaining('/port: must be integer'),
        expect.stringContaining('(root): must NOT have additional properties'),
      ]),
    );
  });
});
