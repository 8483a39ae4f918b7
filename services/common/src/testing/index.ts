export { requireServer, type ServerVar } from './servers.js';
export {
  builtEntryPoint,
  freePort,
  startServiceProcess,
  type ServiceProcess,
  type StartServiceProcessOptions,
} from './service-process.js';
export * from './security/index.js';
