import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import {
  Channel,
  ChannelCreateBody,
  ChannelIdParams,
  ChannelTestResult,
  ChannelUpdateBody,
  Delivery,
  DeliveryQuery,
  NotificationIdParams,
  NotificationList,
  NotificationQuery,
} from './schemas.ts';
import {
  channelList,
  createChannel,
  deliveryList,
  editChannel,
  getChannel,
  markNotificationRead,
  myNotifications,
  removeChannel,
  testChannel,
} from './service.ts';

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

  // 通知渠道: where the city's notifications are also sent (e-mail, webhook, WeCom / DingTalk robots)
  const tags = ['notification-channels'];
  app.get(
    '/notification-channels',
    {
      config: { permission: 'channel.manage' },
      schema: { tags, summary: 'Notification channels (secrets never shown: passwordSet / secretSet instead)', response: { 200: Type.Array(Channel) } },
    },
    async (request) => channelList(app.db, request.actor),
  );
  app.get(
    '/notification-channels/deliveries',
    {
      config: { permission: 'channel.manage' },
      schema: { tags, summary: 'Recent deliveries through the channels, newest first, with status, attempts and last error', querystring: DeliveryQuery, response: { 200: Type.Array(Delivery) } },
    },
    async (request) => deliveryList(app.db, request.actor, request.query),
  );
  app.get(
    '/notification-channels/:id',
    { config: { permission: 'channel.manage' }, schema: { tags, summary: 'One notification channel', params: ChannelIdParams, response: { 200: Channel } } },
    async (request) => getChannel(app.db, request.actor, request.params.id),
  );
  app.post(
    '/notification-channels',
    {
      config: { permission: 'channel.manage' },
      schema: {
        tags,
        summary: "Add a channel. WeCom / DingTalk robots must use their official webhook host unless config.customUrl is true",
        body: ChannelCreateBody,
        response: { 201: Channel },
      },
    },
    async (request, reply) => reply.status(201).send(await createChannel(app.db, request.actor, request.body, request.ip)),
  );
  app.patch(
    '/notification-channels/:id',
    {
      config: { permission: 'channel.manage' },
      schema: {
        tags,
        summary: 'Edit a channel: name, kinds, enabled, or some config fields (a secret: a string sets, null clears, absent keeps). Disabling drops its queue',
        params: ChannelIdParams,
        body: ChannelUpdateBody,
        response: { 200: Channel },
      },
    },
    async (request) => editChannel(app.db, request.actor, request.params.id, request.body, request.ip),
  );
  app.delete(
    '/notification-channels/:id',
    { config: { permission: 'channel.manage' }, schema: { tags, summary: 'Remove a channel and its deliveries', params: ChannelIdParams } },
    async (request, reply) => {
      await removeChannel(app.db, request.actor, request.params.id, request.ip);
      return reply.status(204).send();
    },
  );
  app.post(
    '/notification-channels/:id/test',
    {
      config: { permission: 'channel.manage' },
      schema: { tags, summary: 'Send a test message now (once, no retry) and answer the outcome', params: ChannelIdParams, response: { 200: ChannelTestResult } },
    },
    async (request) => testChannel(app.db, request.actor, request.params.id, request.ip),
  );
}
