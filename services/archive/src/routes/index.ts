import type { HttpApp } from '@falablau/common';
import { registerCleanupRoutes, type CleanupRoutesDeps } from './cleanup.routes.js';
import { registerHistoryRoutes, type HistoryRoutesDeps } from './history.routes.js';
import { registerMessageRoutes, type MessageRoutesDeps } from './messages.routes.js';

export function registerArchiveRoutes(
  app: HttpApp,
  deps: HistoryRoutesDeps & MessageRoutesDeps & CleanupRoutesDeps,
): void {
  registerHistoryRoutes(app, deps);
  registerMessageRoutes(app, deps);
  registerCleanupRoutes(app, deps);
}
