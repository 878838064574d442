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

// ---- Notification channels (通知渠道): SMTP, webhook, WeCom and DingTalk group robots ----

export const channelKinds = ['smtp', 'webhook', 'wecom', 'dingtalk'] as const;
export type ChannelKind = (typeof channelKinds)[number];
export const deliveryStatuses = ['pending', 'sending', 'sent', 'failed'] as const;

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const url = Type.String({ minLength: 8, maxLength: 2000, description: 'http or https' });
/** write-only: a string sets it, null clears it, absent keeps it */
const secret = Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 500 })));
const customUrl = Type.Optional(
  Type.Boolean({ description: "allow a host other than the robot's official one (private deployments, 政务微信 / 浙政钉, a proxy)" }),
);
const channelName = Type.String({ minLength: 1, maxLength: 100 });
/** notification kinds the channel forwards, e.g. "problem.merged"; empty = all */
const notificationKinds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { uniqueItems: true, maxItems: 100 });

const smtpFields = {
  host: Type.String({ minLength: 1, maxLength: 255 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  /** true: TLS from the start (port 465); false: STARTTLS when the server offers it (587, 25) */
  secure: Type.Boolean(),
  user: Type.Optional(nullable(Type.String({ maxLength: 200 }))),
  password: secret,
  /** sender, "地址" or "名称 <地址>" */
  from: Type.String({ minLength: 3, maxLength: 200 }),
  to: Type.Array(Type.String({ format: 'email', maxLength: 200 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
};
const webhookFields = { url, secret };
const wecomFields = { url, customUrl };
const dingtalkFields = { url, secret, customUrl };

export const SmtpConfigIn = Type.Object(smtpFields, { additionalProperties: false });
export const WebhookConfigIn = Type.Object(webhookFields, { additionalProperties: false });
export const WecomConfigIn = Type.Object(wecomFields, { additionalProperties: false });
export const DingtalkConfigIn = Type.Object(dingtalkFields, { additionalProperties: false });
export type SmtpConfigInT = Static<typeof SmtpConfigIn>;
export type WebhookConfigInT = Static<typeof WebhookConfigIn>;
export type WecomConfigInT = Static<typeof WecomConfigIn>;
export type DingtalkConfigInT = Static<typeof DingtalkConfigIn>;

// An edit names only what changes; the service checks the keys against the channel's kind.
export const SmtpConfigPatch = Type.Partial(SmtpConfigIn, { additionalProperties: false });
export const WebhookConfigPatch = Type.Partial(WebhookConfigIn, { additionalProperties: false });
export const WecomConfigPatch = Type.Partial(WecomConfigIn, { additionalProperties: false });
export const DingtalkConfigPatch = Type.Partial(DingtalkConfigIn, { additionalProperties: false });

const createOf = <K extends ChannelKind, C extends Parameters<typeof Type.Union>[0][number]>(kind: K, config: C) =>
  Type.Object(
    { kind: Type.Literal(kind), name: channelName, enabled: Type.Optional(Type.Boolean()), kinds: Type.Optional(notificationKinds), config },
    { additionalProperties: false },
  );
export const ChannelCreateBody = Type.Union([
  createOf('smtp', SmtpConfigIn),
  createOf('webhook', WebhookConfigIn),
  createOf('wecom', WecomConfigIn),
  createOf('dingtalk', DingtalkConfigIn),
]);
export type ChannelCreateBodyT = Static<typeof ChannelCreateBody>;

export const ChannelUpdateBody = Type.Object(
  {
    name: Type.Optional(channelName),
    enabled: Type.Optional(Type.Boolean()),
    kinds: Type.Optional(notificationKinds),
    /** the fields of the channel's kind that change; the kind itself cannot change */
    config: Type.Optional(Type.Union([SmtpConfigPatch, WebhookConfigPatch, WecomConfigPatch, DingtalkConfigPatch])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ChannelUpdateBodyT = Static<typeof ChannelUpdateBody>;

/** What the API shows of a URL: host and path, every query value and any user:password masked (a robot's key is its credential). */
const maskedUrl = Type.String({ description: 'query values masked, e.g. …/send?key=693a****' });
const channelFields = {
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  kinds: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};
export const SmtpConfigView = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  secure: Type.Boolean(),
  user: nullable(Type.String()),
  passwordSet: Type.Boolean(),
  from: Type.String(),
  to: Type.Array(Type.String()),
});
export const WebhookConfigView = Type.Object({ url: maskedUrl, secretSet: Type.Boolean() });
export const WecomConfigView = Type.Object({ url: maskedUrl, customUrl: Type.Boolean() });
export const DingtalkConfigView = Type.Object({ url: maskedUrl, secretSet: Type.Boolean(), customUrl: Type.Boolean() });

export const Channel = Type.Union([
  Type.Object({ ...channelFields, kind: Type.Literal('smtp'), config: SmtpConfigView }),
  Type.Object({ ...channelFields, kind: Type.Literal('webhook'), config: WebhookConfigView }),
  Type.Object({ ...channelFields, kind: Type.Literal('wecom'), config: WecomConfigView }),
  Type.Object({ ...channelFields, kind: Type.Literal('dingtalk'), config: DingtalkConfigView }),
]);
export type ChannelT = Static<typeof Channel>;

export const ChannelIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const Delivery = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  channelName: Type.String(),
  channelKind: Type.Enum([...channelKinds]),
  /** the notification's kind; "channel.test" for a test message */
  kind: Type.String(),
  title: Type.String(),
  problemId: nullable(Type.String()),
  /** failed with nextAttemptAt set: will be retried then; with null: given up */
  status: Type.Enum([...deliveryStatuses]),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  nextAttemptAt: nullable(Type.String({ format: 'date-time' })),
  lastError: nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: nullable(Type.String({ format: 'date-time' })),
});
export type DeliveryT = Static<typeof Delivery>;

export const DeliveryQuery = Type.Object({
  channelId: Type.Optional(Type.String({ format: 'uuid' })),
  status: Type.Optional(Type.Enum([...deliveryStatuses])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export type DeliveryQueryT = Static<typeof DeliveryQuery>;

export const ChannelTestResult = Type.Object({
  /** true when the channel accepted the message */
  ok: Type.Boolean(),
  delivery: Delivery,
});
export type ChannelTestResultT = Static<typeof ChannelTestResult>;
