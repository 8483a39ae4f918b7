// The web app's Jest setup: jsdom, TSX compiled by SWC (automatic React runtime), native ESM like
// the services (`--experimental-vm-modules`). Stylesheets and assets are stubbed.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', tsx: true },
    transform: { react: { runtime: 'automatic' } },
    target: 'es2022',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

// `make test` runs fault tests (*.fault.test.*) in a second phase; the web has none, so that
// phase must not run the web tests a second time.
const phase = process.env.JEST_PHASE;

export default {
  displayName: 'web',
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/src'],
  testMatch: phase === 'faults' ? ['**/*.fault.test.{ts,tsx}'] : ['**/*.test.ts', '**/*.test.tsx'],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: {
    '\\.(css|svg|png|jpg|webp|woff2?)$': '<rootDir>/src/test/file-stub.ts',
  },
  setupFiles: ['<rootDir>/jest.polyfills.js'],
  setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', swc] },
  testTimeout: 15_000,
};
