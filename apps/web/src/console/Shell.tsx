import { Suspense, useState } from "react";
import { Link, useLocation } from "react-router-dom";
import {
  Button,
  Drawer,
  Grid,
  Layout,
  Menu,
  Space,
  Spin,
  Tag,
  Typography,
} from "antd";
import { LogoutOutlined, MenuOutlined } from "@ant-design/icons";
import type { Role } from "@cityloop/domain";
import { roleLabels } from "@cityloop/domain";
import { useLang } from "./i18n.ts";
import { useSession, useShowError } from "./session.tsx";
import { LangSwitch } from "./LangSwitch.tsx";
import { NotificationBell } from "./NotificationBell.tsx";
import type { NavItem } from "./nav.tsx";

export function Shell({
  items,
  children,
}: {
  items: NavItem[];
  children: React.ReactNode;
}) {
  const { t, pick } = useLang();
  const { me, city, logout } = useSession();
  const showError = useShowError();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [drawer, setDrawer] = useState(false);
  const selected = items.find((i) => location.pathname.startsWith(i.path))?.key;

  const menu = (
    <Menu
      mode="inline"
      theme="dark"
      selectedKeys={selected ? [selected] : []}
      onClick={() => setDrawer(false)}
      data-testid="side-menu"
      items={items.map((i) => ({
        key: i.key,
        icon: i.icon,
        label: (
          <Link to={i.path} data-testid={`menu-${i.key}`}>
            {t(i.labelKey)}
          </Link>
        ),
      }))}
    />
  );

  const cityName = city
    ? pick({ zh: city.name, en: city.nameEn || city.name })
    : "";

  return (
    <Layout style={{ height: "100%" }}>
      {narrow ? (
        <Drawer
          placement="left"
          open={drawer}
          onClose={() => setDrawer(false)}
          size={220}
          styles={{ body: { padding: 0, background: "#001529" } }}
          closable={false}
        >
          {menu}
        </Drawer>
      ) : (
        <Layout.Sider width={208} theme="dark" data-testid="sider">
          <div className="cl-brand">
            <span className="cl-brand-mark">CL</span>
            <span className="cl-brand-text">{t("app.console")}</span>
          </div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header className="cl-header">
          <Space size={12} style={{ minWidth: 0, flex: 1 }}>
            {narrow ? (
              <Button
                type="text"
                icon={<MenuOutlined />}
                onClick={() => setDrawer(true)}
                data-testid="menu-toggle"
              />
            ) : null}
            <Typography.Text
              strong
              ellipsis
              style={{ fontSize: narrow ? 14 : 16 }}
              data-testid="city-name"
            >
              {narrow
                ? cityName || t("app.title")
                : cityName
                  ? `${cityName} · ${t("app.title")}`
                  : t("app.title")}
            </Typography.Text>
          </Space>
          <Space size={narrow ? 6 : 12}>
            {/* on a phone a long name (刘洋（市住建局 A角）) would run over the city name */}
            <Typography.Text data-testid="user-name" ellipsis style={{ maxWidth: narrow ? 72 : 240 }}>
              {me?.displayName}
            </Typography.Text>
            {narrow
              ? null
              : me?.roles.map((r) => (
                  <Tag
                    key={r}
                    color="blue"
                    data-testid={`role-${r}`}
                    style={{ marginInlineEnd: 0 }}
                  >
                    {pick(roleLabels[r as Role])}
                  </Tag>
                ))}
            <NotificationBell />
            <LangSwitch />
            <Button
              size="small"
              icon={<LogoutOutlined />}
              data-testid="logout"
              onClick={() => logout().catch(showError)}
            >
              {narrow ? null : t("header.logout")}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="cl-content">
          <Suspense
            fallback={
              <div className="cl-center">
                <Spin />
              </div>
            }
          >
            {children}
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
