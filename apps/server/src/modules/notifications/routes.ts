import type { App } from '../../http/app.ts';
import { NotificationIdParams, NotificationList, NotificationQuery } from './schemas.ts';
import { markNotificationRead, myNotifications } from './service.ts';

export default async function notificationRoutes(app: App) {
  app.get(
    '/notifications',
    {
      config: { permission: 'notification.read' },
      schema: { tags: ['notifications'], summary: 'My notifications, newest first', querystring: NotificationQuery, response: { 200: NotificationList } },
    },
    async (request) => myNotifications(app.db, request.actor, request.query),
  );
  app.post(
    '/notifications/:id/read',
    { config: { permission: 'notification.read' }, schema: { tags: ['notifications'], summary: 'Mark one of my notifications read', params: NotificationIdParams } },
    async (request, reply) => {
      await markNotificationRead(app.db, request.actor, request.params.id);
      return reply.status(204).send();
    },
  );
}
