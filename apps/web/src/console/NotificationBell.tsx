import { useCallback, useEffect, useState } from "react";
import { Badge, Button, List, Popover, Typography } from "antd";
import { BellOutlined } from "@ant-design/icons";
import type { Static } from "typebox";
import type { NotificationList } from "@cityloop/server/schemas/notifications";
import { api } from "./api.ts";
import { useLang } from "./i18n.ts";
import { fmtTime } from "./hooks.tsx";

type Notifications = Static<typeof NotificationList>;

/** The signed-in person's notifications: unread count on a bell, newest first, read on click. */
export function NotificationBell() {
  const { t, lang } = useLang();
  const [data, setData] = useState<Notifications | null>(null);
  const load = useCallback(() => {
    api
      .get<Notifications>("/notifications", { limit: 20 })
      .then(setData)
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, [load]);
  const markRead = async (id: string) => {
    await api.post(`/notifications/${id}/read`).catch(() => undefined);
    load();
  };
  const items = data?.items ?? [];
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      onOpenChange={(open) => open && load()}
      content={
        <List
          style={{ width: 320, maxHeight: 360, overflow: "auto" }}
          locale={{ emptyText: t("notifications.empty") }}
          dataSource={items}
          data-testid="notification-list"
          renderItem={(n) => (
            <List.Item
              style={{ cursor: n.readAt ? "default" : "pointer", opacity: n.readAt ? 0.6 : 1 }}
              onClick={() => !n.readAt && void markRead(n.id)}
            >
              <List.Item.Meta
                title={n.title}
                description={
                  <>
                    <div>{n.body}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {fmtTime(n.createdAt, lang)}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      }
    >
      <Badge count={data?.unread ?? 0} size="small">
        <Button size="small" icon={<BellOutlined />} aria-label={t("notifications.title")} data-testid="notification-bell" />
      </Badge>
    </Popover>
  );
}
