import { useMemo } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { App as AntApp, ConfigProvider, Result, Spin } from "antd";
import zhCN from "antd/locale/zh_CN";
import enUS from "antd/locale/en_US";
import { useLang } from "./i18n.ts";
import { SessionProvider, useSession } from "./session.tsx";
import LoginPage from "./LoginPage.tsx";
import { Shell } from "./Shell.tsx";
import { landingPath, navItems } from "./nav.tsx";

function Routed() {
  const { me, checking, can } = useSession();
  const { t } = useLang();
  const location = useLocation();
  const items = useMemo(() => navItems.filter((i) => can(i.permission)), [can]);

  if (checking) {
    return (
      <div className="cl-center" style={{ height: "100%" }}>
        <Spin size="large" />
      </div>
    );
  }
  if (!me) {
    if (location.pathname !== "/login")
      return (
        <Navigate
          to="/login"
          replace
          state={{ from: location.pathname + location.hash }}
        />
      );
    return <LoginPage />;
  }
  const from = (location.state as { from?: string } | null)?.from;
  const fromItem = from
    ? items.find((i) => from.split("#")[0]!.startsWith(i.path))
    : undefined;
  const home = fromItem ? from! : landingPath(items, me.roles);
  return (
    <Shell items={items}>
      <Routes>
        {items.map((i) => (
          <Route key={i.key} path={`${i.path}/*`} element={<i.page />} />
        ))}
        <Route path="/login" element={<Navigate to={home} replace />} />
        <Route path="/" element={<Navigate to={home} replace />} />
        <Route
          path="*"
          element={<Result status="403" title={t("errors.forbidden")} />}
        />
      </Routes>
    </Shell>
  );
}

export default function App() {
  const { lang } = useLang();
  return (
    <ConfigProvider
      locale={lang === "en" ? enUS : zhCN}
      theme={{ token: { colorPrimary: "#1f5fbf", borderRadius: 4 } }}
    >
      <AntApp style={{ height: "100%" }}>
        <SessionProvider>
          <Routed />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
