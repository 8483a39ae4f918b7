export { requireServer, type ServerVar } from './servers.js';
