// Test harness of chat-service: real processes, tokens, socket.io clients. Used by the tests in
// src/**/*.test.ts and by scripts/measure-latency.mjs (through dist/testing).
export * from './chat-cluster.js';
export * from './chat-process.js';
export * from './socket-client.js';
export * from './token-minter.js';
export * from './timing.js';
