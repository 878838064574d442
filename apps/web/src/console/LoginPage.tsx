import { useState } from "react";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useLang } from "./i18n.ts";
import { useErrorText, useSession } from "./session.tsx";
import { LangSwitch } from "./LangSwitch.tsx";

export default function LoginPage() {
  const { t, pick } = useLang();
  const { login, city } = useSession();
  const errorText = useErrorText();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function onFinish(v: { username: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="cl-login">
      <div className="cl-login-lang">
        <LangSwitch />
      </div>
      <Card className="cl-login-card" data-testid="login-card">
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {city
            ? `${pick({ zh: city.name, en: city.nameEn || city.name })} · `
            : ""}
          {t("app.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {t("login.subtitle")}
        </Typography.Paragraph>
        {error ? (
          <Alert
            type="error"
            showIcon
            title={errorText(error)}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        ) : null}
        <Form
          layout="vertical"
          onFinish={onFinish}
          requiredMark={false}
          data-testid="login-form"
        >
          <Form.Item
            name="username"
            label={t("login.username")}
            rules={[
              {
                required: true,
                whitespace: true,
                message: t("login.usernameRequired"),
              },
            ]}
          >
            <Input
              prefix={<UserOutlined />}
              autoComplete="username"
              autoFocus
              data-testid="login-username"
              size="large"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("login.password")}
            rules={[{ required: true, message: t("login.passwordRequired") }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
              size="large"
            />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={busy}
            data-testid="login-submit"
          >
            {t("login.submit")}
          </Button>
        </Form>
        <Typography.Paragraph
          type="secondary"
          style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}
        >
          {t("login.demoHint")}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
