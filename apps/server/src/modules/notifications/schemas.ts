import { Type, type Static } from 'typebox';

export const Notification = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  problemId: Type.Union([Type.Null(), Type.String()]),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
});
export type NotificationT = Static<typeof Notification>;

export const NotificationList = Type.Object({ unread: Type.Integer(), items: Type.Array(Notification) });

export const NotificationQuery = Type.Object({
  unreadOnly: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const NotificationIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
