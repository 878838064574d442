-- Notification channels (SPEC.md M11): besides the in-app notifications (005), a city's
-- office may forward them to an e-mail list (SMTP), a webhook, or a WeCom / DingTalk group
-- robot. Each notification event is written to an outbox in the transaction that made it,
-- and a worker (modules/notifications/delivery.ts) sends it later, outside any transaction,
-- retrying with backoff: a channel that is down never blocks or rolls back a case.
CREATE TABLE notification_channels (
  city_id uuid NOT NULL REFERENCES cities (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CONSTRAINT notification_channels_kind_check CHECK (kind IN ('smtp', 'webhook', 'wecom', 'dingtalk')),
  name text NOT NULL,
  -- per kind; secrets (SMTP password, webhook / DingTalk secret) are stored here and never
  -- answered by the API. smtp: {host, port, secure, user, password, from, to[]};
  -- webhook: {url, secret}; wecom: {url, customUrl}; dingtalk: {url, secret, customUrl}
  config jsonb NOT NULL,
  -- the notification kinds it forwards; empty = all
  kinds text[] NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, id),
  CONSTRAINT notification_channels_name_key UNIQUE (city_id, name)
);

-- The outbox: one row per (notification event, channel). A copy of the message, so it is
-- sent as it was when the event happened; the channel's config is read at send time.
CREATE TABLE notification_deliveries (
  city_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel_id uuid NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL DEFAULT '',
  problem_id uuid,
  -- 'failed' with next_attempt_at set: waiting for a retry; with it null: given up
  status text NOT NULL DEFAULT 'pending'
    CONSTRAINT notification_deliveries_status_check CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  -- how many attempts before giving up (a test message gets one)
  max_attempts int NOT NULL DEFAULT 8,
  next_attempt_at timestamptz DEFAULT now(),
  -- a 'sending' row whose lease has passed was left by a crashed sender and is taken over
  lease_until timestamptz,
  -- the sender holding the claim (with attempts, the claim's token)
  worker text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (city_id, id),
  CONSTRAINT notification_deliveries_channel_fkey FOREIGN KEY (city_id, channel_id)
    REFERENCES notification_channels (city_id, id) ON DELETE CASCADE,
  CONSTRAINT notification_deliveries_problem_fkey FOREIGN KEY (city_id, problem_id) REFERENCES problems (city_id, id)
);
-- the worker's poll: due rows across all cities, and orphaned claims
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at)
  WHERE status IN ('pending', 'failed') AND next_attempt_at IS NOT NULL;
CREATE INDEX notification_deliveries_lease_idx ON notification_deliveries (lease_until) WHERE status = 'sending';
-- the console's recent deliveries, per city and per channel
CREATE INDEX notification_deliveries_recent_idx ON notification_deliveries (city_id, created_at DESC);
CREATE INDEX notification_deliveries_channel_idx ON notification_deliveries (city_id, channel_id, created_at DESC);
