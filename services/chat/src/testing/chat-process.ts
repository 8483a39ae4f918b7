// Real chat-service processes for the cluster tests and the latency script (the generic harness
// is @falablau/common/testing's startServiceProcess); each gets its own INSTANCE_ID.
import { fileURLToPath } from 'node:url';
import {
  builtEntryPoint,
  startServiceProcess,
  type ServiceProcess,
} from '@falablau/common/testing';

export { freePort, startServiceProcess } from '@falablau/common/testing';

/** services/chat, from src/testing (jest) and from dist/testing (scripts) alike. */
const serviceDir = fileURLToPath(new URL('../../', import.meta.url));

export type ChatProcess = ServiceProcess;

export interface StartChatProcessOptions {
  instanceId: string;
  /** The complete environment except PORT, HOST and INSTANCE_ID. */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

export async function startChatProcess({
  instanceId,
  env,
  readyTimeoutMs,
}: StartChatProcessOptions): Promise<ChatProcess> {
  return startServiceProcess({
    name: instanceId,
    entryPoint: builtEntryPoint(serviceDir, '@falablau/chat'),
    cwd: serviceDir,
    env: { ...env, INSTANCE_ID: instanceId },
    ...(readyTimeoutMs === undefined ? {} : { readyTimeoutMs }),
  });
}
