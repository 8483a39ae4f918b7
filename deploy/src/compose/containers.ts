// The containers of a compose file that run our Node images, each with the environment it
// will really have (the image's ENV from its Dockerfile, then compose's, then Node's
// --env-file), ready to be parsed by the service's own schema.
import { join } from 'node:path';
import { imageEnv, loadDockerfile } from '../docker/dockerfile.js';
import { builtDockerfile, type LoadedCompose } from './compose-file.js';
import {
  effectiveEnvironment,
  type ContainerFiles,
  type EffectiveEnvironment,
} from './compose-env.js';
import { serviceKind } from './compose-checks.js';
import { SERVICES, type ServiceName } from './contract.js';

export interface ServiceContainer {
  /** The compose service, e.g. chat-2. */
  name: string;
  image: ServiceName;
  environment: EffectiveEnvironment;
}

export function serviceContainers(
  compose: LoadedCompose,
  files?: ContainerFiles,
): ServiceContainer[] {
  return Object.entries(compose.file.services).flatMap(([name, service]) => {
    const kind = serviceKind(service);
    const image = SERVICES.find((s) => s === kind);
    const dockerfile = builtDockerfile(service);
    if (image === undefined || dockerfile === undefined) return [];
    const environment = effectiveEnvironment(compose, name, {
      imageEnv: imageEnv(loadDockerfile(join(compose.dir, dockerfile))),
      ...(files && { files }),
    });
    return [{ name, image, environment }];
  });
}
