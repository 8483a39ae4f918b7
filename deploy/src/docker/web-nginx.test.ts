import { readFileSync } from 'node:fs';
import { IMAGES } from '../compose/contract.js';
import { parseNginx } from '../compose/nginx-conf.js';
import { WEB_NGINX_CONF } from '../compose/repository.js';
import { webServerProblems } from './web-nginx.js';

const { port, healthPath } = IMAGES.web;

describe("the web image's server (web/nginx.conf)", () => {
  test('when the app is served, then routes fall back to index.html, assets cache for a year, and every answer has the security headers', () => {
    expect(
      webServerProblems(parseNginx(readFileSync(WEB_NGINX_CONF, 'utf8')), port, healthPath),
    ).toEqual([]);
  });
});

describe('the web server check, on configurations that are wrong', () => {
  const csp =
    "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'";
  const secure = `
      add_header Content-Security-Policy "${csp}" always;
      add_header X-Content-Type-Options nosniff always;
      add_header X-Frame-Options DENY always;
      add_header Referrer-Policy no-referrer always;`;

  test('when a location sets its own header, then the server-level security headers vanish there', () => {
    const conf = parseNginx(`
      map $uri $cache { ~^/assets/ "public, max-age=31536000, immutable"; default no-cache; }
      server {
        listen 8080;
        server_tokens off;
        add_header Cache-Control $cache;
        ${secure}
        location = /healthz { return 200 ok; }
        location /assets/ { try_files $uri =404; add_header X-Extra 1; }
        location / { try_files $uri /index.html; }
      }`);
    expect(webServerProblems(conf, port, healthPath)).toEqual([
      'hashed assets are not cached for a year as immutable (no header)',
      '/assets/index-0a1b2c3d.js: content-security-policy is missing',
      '/assets/index-0a1b2c3d.js: x-content-type-options is missing',
      '/assets/index-0a1b2c3d.js: referrer-policy is missing',
      '/assets/index-0a1b2c3d.js: x-frame-options is missing',
    ]);
  });

  test('when caching, fallbacks, health and the CSP are wrong, then each is reported', () => {
    const conf = parseNginx(`
      server {
        listen 80;
        add_header Cache-Control "public, max-age=3600";
        add_header Content-Security-Policy "default-src 'self'; script-src 'self' 'unsafe-inline'" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Referrer-Policy no-referrer always;
        location / { try_files $uri $uri/ =404; }
      }`);
    expect(webServerProblems(conf, port, healthPath)).toEqual([
      'does not listen on 8080',
      'announces its version (server_tokens off)',
      'location = /healthz does not return 200',
      'hashed assets are not cached for a year as immutable (public, max-age=3600)',
      'client-side routes (/rooms/<id>) do not fall back to /index.html',
      'index.html is not revalidated on each load (public, max-age=3600)',
      '/: content-security-policy allows inline or eval scripts',
      '/assets/index-0a1b2c3d.js: content-security-policy allows inline or eval scripts',
      '/healthz: content-security-policy allows inline or eval scripts',
    ]);
  });
});
