// The deployment contract as data: the images we build, the port and user of each, and the
// routes every entry point implements (compose nginx, Ingress, Gateway, the standalone server).
// The compose, nginx and Dockerfile checks compare the files against this one table, so a
// change to the contract is made here once and every check follows.

export type ServiceName = 'auth' | 'chat' | 'archive';
export type ImageName = ServiceName | 'web';

export interface ImageContract {
  name: ImageName;
  /** Relative to the repository root, which is the build context of every image. */
  dockerfile: string;
  /** The npm workspace the image runs or serves. */
  workspace: string;
  packageName: string;
  /** The port the container listens on. */
  port: number;
  /** USER of the final stage, numeric. */
  user: string;
  /** The path the image's HEALTHCHECK asks for. */
  healthPath: string;
}

export const IMAGES: Readonly<Record<ImageName, ImageContract>> = {
  auth: {
    name: 'auth',
    dockerfile: 'services/auth/Dockerfile',
    workspace: 'services/auth',
    packageName: '@falablau/auth',
    port: 5000,
    user: '1000:1000',
    healthPath: '/health',
  },
  chat: {
    name: 'chat',
    dockerfile: 'services/chat/Dockerfile',
    workspace: 'services/chat',
    packageName: '@falablau/chat',
    port: 5001,
    user: '1000:1000',
    healthPath: '/health',
  },
  archive: {
    name: 'archive',
    dockerfile: 'services/archive/Dockerfile',
    workspace: 'services/archive',
    packageName: '@falablau/archive',
    port: 5002,
    user: '1000:1000',
    healthPath: '/health',
  },
  web: {
    name: 'web',
    dockerfile: 'web/Dockerfile',
    workspace: 'web',
    packageName: '@falablau/web',
    port: 8080,
    user: '101:101',
    healthPath: '/healthz',
  },
};

/** The Node services (the images that run `node dist/main.js` of their workspace). */
export const SERVICES: readonly ServiceName[] = ['auth', 'chat', 'archive'];

export interface RouteContract {
  /** The location prefix, with its trailing slash. */
  prefix: string;
  image: ImageName;
  /** `/api/auth/login` reaches auth-service as `/login`. */
  stripPrefix: boolean;
  /** Needs the WebSocket upgrade and long timeouts. */
  websocket: boolean;
}

export const ROUTES: readonly RouteContract[] = [
  { prefix: '/api/auth/', image: 'auth', stripPrefix: true, websocket: false },
  { prefix: '/api/chat/', image: 'chat', stripPrefix: true, websocket: false },
  { prefix: '/api/archive/', image: 'archive', stripPrefix: true, websocket: false },
  { prefix: '/socket.io/', image: 'chat', stripPrefix: false, websocket: true },
  { prefix: '/', image: 'web', stripPrefix: false, websocket: false },
];

/** A WebSocket may stay quiet this long without the proxy closing it (the contract: 3600 s). */
export const WEBSOCKET_TIMEOUT_SECONDS = 3600;

export type DataServiceKind = 'postgres' | 'redis' | 'mongo';

/** Where the upstream images of the data services listen (their defaults, which we keep). */
export const DATA_SERVICES: readonly {
  kind: DataServiceKind;
  imagePrefix: string;
  port: number;
}[] = [
  { kind: 'postgres', imagePrefix: 'postgres:', port: 5432 },
  { kind: 'redis', imagePrefix: 'redis:', port: 6379 },
  { kind: 'mongo', imagePrefix: 'mongo:', port: 27017 },
];

/** The Kafka image: its client ports come from KAFKA_ADVERTISED_LISTENERS. */
export const KAFKA_IMAGE_PREFIX = 'apache/kafka:';
