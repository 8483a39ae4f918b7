// Shared material of the security suites (services/*/src/security): attack corpora, the JWT
// negative-case factory, oversized input, and the OpenAPI walk that finds every route.
export * from './inject.js';
export * from './injection-corpus.js';
export * from './jwt-negative-cases.js';
export * from './openapi-operations.js';
export * from './oversized.js';
export * from './xss-corpus.js';
