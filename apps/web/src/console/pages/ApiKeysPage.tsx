import { useState } from "react";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { PlusOutlined, StopOutlined } from "@ant-design/icons";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useShowError } from "../session.tsx";
import { fmtTime, PageHead, useFetch, requiredRule, EditModal } from "../hooks.tsx";
import { apiKeyScopes } from "@cityloop/domain";
import type { ApiKeyCreatedT, ApiKeyCreateT, ApiKeyT } from "../types.ts";

export default function ApiKeysPage() {
  const { t, lang } = useLang();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const { data, loading, reload } = useFetch<ApiKeyT[]>("/api-keys");
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreatedT | null>(null);
  const [form] = Form.useForm<ApiKeyCreateT>();

  async function create() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    try {
      const body: ApiKeyCreateT = { name: v.name.trim(), scopes: v.scopes };
      const res = await api.post<ApiKeyCreatedT>("/api-keys", body);
      setCreating(false);
      setCreated(res);
      void reload();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  async function revoke(k: ApiKeyT) {
    try {
      await api.del(`/api-keys/${k.id}`);
      void message.success(t("apiKeys.revoked"));
      void reload();
    } catch (err) {
      showError(err);
    }
  }

  return (
    <>
      <PageHead
        title={t("apiKeys.title")}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            data-testid="apikey-create"
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({ scopes: ["open311.post"] });
              setCreating(true);
            }}
          >
            {t("common.create")}
          </Button>
        }
      />
      <Card size="small">
        <Table<ApiKeyT>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data ?? []}
          scroll={{ x: 800 }}
          pagination={false}
          data-testid="apikeys-table"
          columns={[
            { title: t("apiKeys.name"), dataIndex: "name" },
            {
              title: t("apiKeys.prefix"),
              dataIndex: "prefix",
              width: 140,
              render: (p: string) => (
                <Typography.Text code>{p}…</Typography.Text>
              ),
            },
            {
              title: t("apiKeys.scopes"),
              dataIndex: "scopes",
              render: (s: string[]) =>
                s?.length ? (
                  <Space size={4} wrap>
                    {s.map((x) => (
                      <Tag key={x}>{x}</Tag>
                    ))}
                  </Space>
                ) : (
                  "—"
                ),
            },
            {
              title: t("apiKeys.createdAt"),
              dataIndex: "createdAt",
              width: 170,
              render: (v: string) => fmtTime(v, lang),
            },
            {
              title: t("apiKeys.lastUsedAt"),
              dataIndex: "lastUsedAt",
              width: 170,
              render: (v: string | null) =>
                v ? fmtTime(v, lang) : t("apiKeys.never"),
            },
            {
              title: t("common.status"),
              dataIndex: "revokedAt",
              width: 100,
              render: (v: string | null) =>
                v ? (
                  <Tag color="red">{t("apiKeys.revoked")}</Tag>
                ) : (
                  <Tag color="green">{t("apiKeys.valid")}</Tag>
                ),
            },
            {
              title: t("common.actions"),
              width: 100,
              render: (_, k) =>
                k.revokedAt ? null : (
                  <Popconfirm
                    title={t("apiKeys.confirmRevoke")}
                    onConfirm={() => void revoke(k)}
                  >
                    <Button
                      size="small"
                      danger
                      icon={<StopOutlined />}
                      data-testid={`apikey-revoke-${k.name}`}
                    >
                      {t("apiKeys.revoke")}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      <EditModal
        open={creating}
        title={t("apiKeys.createTitle")}
        saving={saving}
        onSave={() => void create()}
        onCancel={() => setCreating(false)}
        saveTestId="apikey-save"
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t("apiKeys.name")}
            rules={[
              requiredRule(t, t("apiKeys.name")),
            ]}
          >
            <Input maxLength={100} data-testid="apikey-name" />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t("apiKeys.scopes")}
            rules={[
              {
                required: true,
                type: "array",
                min: 1,
                message: t("common.required", { field: t("apiKeys.scopes") }),
              },
            ]}
          >
            <Select
              mode="multiple"
              data-testid="apikey-scopes"
              options={apiKeyScopes.map((s) => ({ value: s, label: s }))}
            />
          </Form.Item>
        </Form>
      </EditModal>
      <Modal
        open={!!created}
        title={t("apiKeys.createdTitle")}
        onCancel={() => setCreated(null)}
        footer={
          <Button
            type="primary"
            onClick={() => setCreated(null)}
            data-testid="apikey-done"
          >
            {t("common.close")}
          </Button>
        }
        maskClosable={false}
      >
        <Alert
          type="warning"
          showIcon
          title={t("apiKeys.createdWarn")}
          style={{ marginBottom: 12 }}
        />
        <Typography.Paragraph
          copyable={{ text: created?.key }}
          code
          data-testid="apikey-plaintext"
          style={{ wordBreak: "break-all" }}
        >
          {created?.key}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
