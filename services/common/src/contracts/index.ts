// `@falablau/common/contracts`: wire schemas, event maps and the client's send policy (zod and
// plain functions, no Node APIs), so the browser bundle can import them.
export * from './chat.schemas.js';
export type * from './socket-events.js';
export * from './send-policy.js';
