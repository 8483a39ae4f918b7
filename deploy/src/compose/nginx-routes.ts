// The routing of an nginx entry point against the contract: each route's location exists,
// proxies to the upstream of the right containers on the right port, strips the prefix or keeps
// the path as the contract says, upgrades WebSockets with long timeouts and forwards the Host
// the chat service's origin check compares against, and nothing pins clients to a replica.
import { IMAGES, ROUTES, WEBSOCKET_TIMEOUT_SECONDS, type ImageName } from './contract.js';
import {
  effective,
  findAll,
  headers,
  mapSource,
  mapValue,
  seconds,
  servers,
  type Directive,
} from './nginx-conf.js';

/** Directives that tie a client to one upstream server (session affinity). */
const AFFINITY_DIRECTIVES = ['ip_hash', 'hash', 'sticky', 'sticky_cookie_insert'];

function upstreamServers(top: Directive[], name: string): string[] | undefined {
  const upstream = findAll(top, 'upstream').find(({ directive }) => directive.args[0] === name);
  return upstream?.directive.block?.filter((d) => d.name === 'server').map((d) => d.args[0] ?? '');
}

/** `proxy_pass http://name/uri`: the target's servers (host:port) and the URI part, if any. */
function proxyTarget(
  top: Directive[],
  proxyPass: string,
): { servers: string[]; uri: string | undefined } | undefined {
  const match = /^https?:\/\/([^/]+)(\/.*)?$/.exec(proxyPass);
  if (!match) return undefined;
  const [, name = '', uri] = match;
  return { servers: upstreamServers(top, name) ?? [name], uri };
}

/** Whether `Connection` is "upgrade" whenever the client sent an Upgrade header. */
function upgradesConnection(top: Directive[], value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value.toLowerCase() === 'upgrade') return true;
  if (!value.startsWith('$') || mapSource(top, value) !== '$http_upgrade') return false;
  return mapValue(top, value, 'websocket')?.toLowerCase() === 'upgrade';
}

export interface RouteExpectations {
  /** The compose services (hosts) behind each image, e.g. chat -> [chat-1, chat-2]. */
  hosts: Readonly<Partial<Record<ImageName, readonly string[]>>>;
}

export function routeProblems(top: Directive[], expectations: RouteExpectations): string[] {
  const problems: string[] = [];
  const [entry] = servers(top);
  if (!entry) return ['no server block'];
  const { server, parents } = entry;

  for (const route of ROUTES) {
    const what = `location ${route.prefix}`;
    const location = (server.block ?? []).find(
      (d) =>
        d.name === 'location' &&
        ((d.args.length === 1 && d.args[0] === route.prefix) ||
          (d.args[0] === '^~' && d.args[1] === route.prefix)),
    );
    if (!location) {
      problems.push(`${what}: missing`);
      continue;
    }
    const chain = [...parents, server, location];
    const proxyPass = (location.block ?? []).find((d) => d.name === 'proxy_pass')?.args[0];
    const target = proxyPass === undefined ? undefined : proxyTarget(top, proxyPass);
    if (!target) {
      problems.push(`${what}: no proxy_pass to an http upstream`);
      continue;
    }

    const image = IMAGES[route.image];
    const expectedHosts = [...(expectations.hosts[route.image] ?? [route.image])].sort();
    const actual = target.servers.map((s) => s.split(':'));
    const actualHosts = actual.map(([host = '']) => host).sort();
    if (actualHosts.join(',') !== expectedHosts.join(',')) {
      problems.push(
        `${what}: proxies to ${actualHosts.join(', ')}, not ${expectedHosts.join(', ')}`,
      );
    }
    for (const [host = '', port = '80'] of actual) {
      if (Number(port) !== image.port) {
        problems.push(
          `${what}: ${host} on port ${port}, but ${route.image} listens on ${String(image.port)}`,
        );
      }
    }

    if (route.stripPrefix && target.uri !== '/') {
      problems.push(`${what}: the prefix is not stripped (proxy_pass needs the URI "/")`);
    }
    if (!route.stripPrefix && target.uri !== undefined) {
      problems.push(`${what}: the path must reach ${route.image} unchanged (no URI in proxy_pass)`);
    }

    if (route.websocket) {
      const sent = headers(effective(top, chain, 'proxy_set_header'));
      if (effective(top, chain, 'proxy_http_version')[0]?.args[0] !== '1.1') {
        problems.push(`${what}: WebSockets need proxy_http_version 1.1`);
      }
      if (sent.get('upgrade') !== '$http_upgrade') {
        problems.push(`${what}: the Upgrade header is not passed on`);
      }
      if (!upgradesConnection(top, sent.get('connection'))) {
        problems.push(`${what}: Connection is not "upgrade" for WebSocket handshakes`);
      }
      // chat-service accepts a socket whose Origin equals the Host it was sent to, port included.
      if (sent.get('host') !== '$http_host') {
        problems.push(`${what}: Host must be passed on with its port ($http_host)`);
      }
      for (const timeout of ['proxy_read_timeout', 'proxy_send_timeout']) {
        const value = effective(top, chain, timeout)[0]?.args[0] ?? '60s';
        if (!(seconds(value) >= WEBSOCKET_TIMEOUT_SECONDS)) {
          problems.push(
            `${what}: ${timeout} ${value} is below ${String(WEBSOCKET_TIMEOUT_SECONDS)}s`,
          );
        }
      }
    }
  }

  for (const name of AFFINITY_DIRECTIVES) {
    for (const { directive } of findAll(top, name)) {
      problems.push(
        `line ${String(directive.line)}: ${name} pins clients to one server (no affinity)`,
      );
    }
  }
  return problems;
}

/** `location = /healthz { return 200 ...; }`: the entry point answers its own health check. */
export function healthzProblems(top: Directive[]): string[] {
  const [entry] = servers(top);
  const location = (entry?.server.block ?? []).find(
    (d) => d.name === 'location' && d.args[0] === '=' && d.args[1] === '/healthz',
  );
  const answer = location?.block?.find((d) => d.name === 'return')?.args[0];
  return answer === '200' ? [] : ['location = /healthz does not return 200'];
}

/** The port the (first) server listens on. */
export function listenPort(top: Directive[]): number | undefined {
  const listen = servers(top)[0]?.server.block?.find((d) => d.name === 'listen')?.args[0];
  const port = listen?.split(':').at(-1);
  return port === undefined ? undefined : Number(port);
}
