// Shared Jest setup: TypeScript sources run as native ESM, compiled by SWC (no type-check here;
// `npm run typecheck` does that). Imports keep their `.js` suffix as NodeNext requires.
// `*.fault.test.ts` files stop or restart the shared local servers (Kafka, Redis, Postgres), so
// `make test` runs them in a second, serial phase: JEST_PHASE=main skips them, JEST_PHASE=faults
// runs only them. Unset (e.g. `npm test -w <workspace>`, which runs in band) runs everything.
const phase = process.env.JEST_PHASE;
const faultTests = '\\.fault\\.test\\.ts$';

/** @param {{ testTimeout?: number }} [overrides] */
export function jestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    roots: ['<rootDir>/src'],
    testMatch: [phase === 'faults' ? '**/*.fault.test.ts' : '**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', ...(phase === 'main' ? [faultTests] : [])],
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    // Fastify's inject() (light-my-request, CommonJS) requires `cookie`, which is ESM-only; Node 20
    // could load it, Jest's CommonJS loader cannot, so that one package is compiled to CommonJS.
    transformIgnorePatterns: ['/node_modules/(?!(cookie)/)'],
    transform: {
      '/node_modules/cookie/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    testTimeout: 30_000,
    ...overrides,
  };
}
