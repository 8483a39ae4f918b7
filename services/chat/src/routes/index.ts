import type { HttpApp } from '@falablau/common';
import { registerMessageRoutes, type MessageRoutesDeps } from './messages.routes.js';
import { registerRoomRoutes, type RoomRoutesDeps } from './rooms.routes.js';

export type { OnlineCounter } from './online-counter.js';

export function registerChatRoutes(app: HttpApp, deps: RoomRoutesDeps & MessageRoutesDeps): void {
  registerRoomRoutes(app, deps);
  registerMessageRoutes(app, deps);
}
