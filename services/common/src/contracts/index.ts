// `@falablau/common/contracts`: wire schemas and event maps only (zod, no Node APIs), so the
// browser bundle can import them.
export * from './chat.schemas.js';
export type * from './socket-events.js';
