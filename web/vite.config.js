// Vite: the production build (web/dist), `vite preview` for `npm start`, and the dev server, which
// proxies the API and Socket.IO to a FalaBLAU entry point (the standalone server by default).
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig(({ mode }) => {
  // FALABLAU_API_TARGET: where `npm run dev` / `npm start` send /api and /socket.io (default: the
  // standalone server on :8080). FALABLAU_AUTH_TARGET / FALABLAU_CHAT_TARGET: services started
  // one by one, without an ingress: their prefix is stripped as the ingress does.
  const env = loadEnv(mode, process.cwd(), ['VITE_', 'FALABLAU_']);
  const target = env.FALABLAU_API_TARGET || 'http://localhost:8080';
  const service = (url, prefix) => ({
    target: url,
    rewrite: (path) => path.slice(prefix.length) || '/',
  });
  // changeOrigin stays off: the chat service accepts a page whose Origin host equals the Host header.
  const proxy = {
    '/api/auth': env.FALABLAU_AUTH_TARGET ? service(env.FALABLAU_AUTH_TARGET, '/api/auth') : target,
    '/api/chat': env.FALABLAU_CHAT_TARGET ? service(env.FALABLAU_CHAT_TARGET, '/api/chat') : target,
    '/api': target,
    '/socket.io': { target: env.FALABLAU_CHAT_TARGET || target, ws: true },
  };
  return {
    plugins: [react()],
    build: {
      outDir: 'dist',
      sourcemap: true,
      // Libraries change less often than the app: separate chunks stay cached across releases.
      rolldownOptions: {
        output: {
          codeSplitting: {
            groups: [
              {
                name: 'react',
                test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/,
              },
              {
                name: 'mui',
                test: /node_modules[\\/](@mui|@emotion|@popperjs|stylis|react-is|react-transition-group)[\\/]/,
              },
              {
                name: 'realtime',
                test: /node_modules[\\/](socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io|zod)[\\/]/,
              },
            ],
          },
        },
      },
    },
    server: {
      host: '127.0.0.1',
      port: Number(env.FALABLAU_WEB_PORT || 5173),
      // Vite answers only localhost unless told which Host headers to trust (DNS rebinding); the
      // `skaffold dev` image sets the ingress host here (web/Dockerfile, stage dev).
      ...(env.FALABLAU_WEB_ALLOWED_HOSTS && {
        allowedHosts: env.FALABLAU_WEB_ALLOWED_HOSTS.split(',').map((host) => host.trim()),
      }),
      proxy,
    },
    preview: { host: '127.0.0.1', port: Number(env.FALABLAU_WEB_PORT || 4173), proxy },
  };
});
