import { readFileSync } from 'node:fs';
import { servicesOfImage } from './compose-checks.js';
import { mounts, publishedPorts, loadCompose } from './compose-file.js';
import { IMAGES } from './contract.js';
import { parseNginx, seconds } from './nginx-conf.js';
import {
  healthzProblems,
  listenPort,
  routeProblems,
  type RouteExpectations,
} from './nginx-routes.js';
import { COMPOSE_FILES, LOAD_BALANCER_CONF } from './repository.js';

const compose = loadCompose(COMPOSE_FILES.main);
const conf = parseNginx(readFileSync(LOAD_BALANCER_CONF, 'utf8'));

/** The containers behind each route, from the compose file (chat -> chat-1, chat-2). */
const expectations: RouteExpectations = {
  hosts: {
    auth: servicesOfImage(compose, 'auth'),
    chat: servicesOfImage(compose, 'chat'),
    archive: servicesOfImage(compose, 'archive'),
    web: servicesOfImage(compose, 'web'),
  },
};

describe('the compose entry point (deploy/compose/nginx.conf)', () => {
  test('when requests arrive, then every route of the contract goes to its containers as the contract says', () => {
    expect(routeProblems(conf, expectations)).toEqual([]);
  });

  test('when chat runs twice, then both replicas are behind /api/chat and /socket.io', () => {
    expect(expectations.hosts.chat).toEqual(['chat-1', 'chat-2']);
  });

  test('when docker checks the entry point, then nginx answers /healthz itself', () => {
    expect(healthzProblems(conf)).toEqual([]);
  });

  test('when compose runs nginx, then it mounts this file and publishes the port it listens on', () => {
    const nginx = compose.file.services.nginx ?? {};
    expect(mounts(nginx, compose.dir)).toContainEqual({
      kind: 'bind',
      source: LOAD_BALANCER_CONF,
      target: '/etc/nginx/conf.d/default.conf',
      readOnly: true,
    });
    expect(publishedPorts(nginx).map((p) => p.target)).toEqual([listenPort(conf)]);
    expect(publishedPorts(nginx).map((p) => p.published)).toEqual([80]);
  });

  test('when nginx times are written in units, then they are read as seconds', () => {
    expect([
      seconds('3600'),
      seconds('3600s'),
      seconds('1h'),
      seconds('1h30m'),
      seconds('2x'),
    ]).toEqual([3600, 3600, 3600, 5400, Number.NaN]);
  });
});

describe('the routing check, on configurations that are wrong', () => {
  const base = (locations: string, extra = ''): string => `
    map $http_upgrade $conn { default upgrade; "" ""; }
    upstream chat { server chat-1:5001; server chat-2:5001; ${extra} }
    upstream auth { server auth:5000; }
    server {
      listen 8080;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      ${locations}
    }`;
  const good = {
    auth: 'location /api/auth/ { proxy_pass http://auth/; }',
    chat: 'location /api/chat/ { proxy_pass http://chat/; }',
    archive: 'location /api/archive/ { proxy_pass http://archive:5002/; }',
    socket: `location /socket.io/ {
        proxy_pass http://chat;
        proxy_set_header Host $http_host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $conn;
        proxy_read_timeout 1h;
        proxy_send_timeout 3600s;
      }`,
    web: 'location / { proxy_pass http://web:8080; }',
  };
  const check = (parts: Partial<typeof good>, extra = ''): string[] =>
    routeProblems(
      parseNginx(base(Object.values({ ...good, ...parts }).join('\n'), extra)),
      expectations,
    );

  test('when every route is right, then the check agrees (the fixture itself is sound)', () => {
    expect(check({})).toEqual([]);
  });

  test('when the prefix is kept, a route is missing and a port is wrong, then each is reported', () => {
    expect(
      check({
        auth: 'location /api/auth/ { proxy_pass http://auth; }',
        archive: '',
        web: 'location / { proxy_pass http://web:80; }',
      }),
    ).toEqual([
      'location /api/auth/: the prefix is not stripped (proxy_pass needs the URI "/")',
      'location /api/archive/: missing',
      `location /: web on port 80, but web listens on ${String(IMAGES.web.port)}`,
    ]);
  });

  test('when /socket.io/ drops the upgrade headers, rewrites the path and times out early, then each is reported', () => {
    expect(
      check({
        socket: `location /socket.io/ {
          proxy_pass http://chat/;
          proxy_set_header Host $host;
          proxy_read_timeout 60s;
        }`,
      }),
    ).toEqual([
      'location /socket.io/: the path must reach chat unchanged (no URI in proxy_pass)',
      'location /socket.io/: the Upgrade header is not passed on',
      'location /socket.io/: Connection is not "upgrade" for WebSocket handshakes',
      'location /socket.io/: Host must be passed on with its port ($http_host)',
      'location /socket.io/: proxy_read_timeout 60s is below 3600s',
      'location /socket.io/: proxy_send_timeout 60s is below 3600s',
    ]);
  });

  test('when the chat upstream pins clients or misses a replica, then both are reported', () => {
    const problems = check(
      { chat: 'location /api/chat/ { proxy_pass http://chat-1:5001/; }' },
      'ip_hash;',
    );
    expect(problems).toEqual([
      'location /api/chat/: proxies to chat-1, not chat-1, chat-2',
      expect.stringMatching(/ip_hash pins clients to one server/),
    ]);
  });

  test('when /healthz is missing, then the health check has nothing to ask', () => {
    expect(healthzProblems(parseNginx('server { listen 8080; }'))).toEqual([
      'location = /healthz does not return 200',
    ]);
  });

  test('when a configuration is malformed, then parsing fails loudly', () => {
    expect(() => parseNginx('server { listen 8080;')).toThrow('missing }');
    expect(() => parseNginx('server { listen 8080 }')).toThrow('unexpected }');
  });
});
