import { useMemo, useState } from "react";
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from "antd";
import { EditOutlined, UploadOutlined } from "@ant-design/icons";
import {
  areaLevelLabels,
  areaLevels,
  isValidAreaCode,
  type AreaLevel,
} from "@cityloop/domain";
import { api, ApiError, type ProblemFeature } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useErrorText, useSession, useShowError } from "../session.tsx";
import { PageHead, useFetch, requiredRule } from "../hooks.tsx";
import type {
  AreaCollectionT,
  AreaSummaryT,
  AreaUpdateT,
  ImportResultT,
} from "../types.ts";

type ImportOutcome =
  { ok: true; result: ImportResultT } | { ok: false; error: unknown };

export default function AreasPage() {
  const { t, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const errorText = useErrorText();
  const [level, setLevel] = useState<AreaLevel | undefined>("district");
  const [q, setQ] = useState("");
  const { data, loading, reload } = useFetch<AreaCollectionT>("/areas", {
    level,
    q: q || undefined,
    limit: 2000,
  });
  const rows = useMemo(
    () => (data?.features ?? []).map((f) => f.properties),
    [data],
  );
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows]);
  const [editing, setEditing] = useState<AreaSummaryT | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<AreaUpdateT>();
  const [importing, setImporting] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);

  function openEdit(a: AreaSummaryT) {
    setEditing(a);
    form.setFieldsValue({ code: a.code, name: a.name, nameEn: a.nameEn });
  }

  async function save() {
    if (!editing) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    try {
      await api.patch(`/areas/${editing.id}`, {
        code: v.code?.trim(),
        name: v.name?.trim(),
        nameEn: v.nameEn?.trim() ?? "",
      });
      void message.success(t("common.saved"));
      setEditing(null);
      void reload();
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  async function importFile(file: File) {
    setImporting(true);
    setOutcome(null);
    try {
      const text = await file.text();
      const result = await api.post<ImportResultT>("/areas/import", undefined, {
        raw: { body: text, contentType: "application/geo+json" },
      });
      setOutcome({ ok: true, result });
      void reload();
    } catch (err) {
      setOutcome({ ok: false, error: err });
    } finally {
      setImporting(false);
    }
  }

  const problems: ProblemFeature[] =
    outcome && !outcome.ok && outcome.error instanceof ApiError
      ? (outcome.error.problem.features ?? [])
      : [];

  return (
    <>
      <PageHead
        title={t("areas.title")}
        extra={
          can("area.import") ? (
            <Upload
              accept=".geojson,.json,application/geo+json,application/json"
              showUploadList={false}
              beforeUpload={(file) => {
                void importFile(file);
                return false;
              }}
            >
              <Button
                type="primary"
                icon={<UploadOutlined />}
                loading={importing}
                data-testid="areas-import"
              >
                {importing ? t("areas.importing") : t("areas.import")}
              </Button>
            </Upload>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t("areas.importHelp")}
      </Typography.Paragraph>
      {outcome?.ok ? (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setOutcome(null) }}
          style={{ marginBottom: 12 }}
          data-testid="import-result"
          title={t("areas.importDone", {
            created: outcome.result.created,
            updated: outcome.result.updated,
          })}
          description={
            <Space wrap>
              {Object.entries(outcome.result.byLevel).map(([lv, n]) => (
                <Tag key={lv}>
                  {pick(areaLevelLabels[lv as AreaLevel]) || lv}: {n}
                </Tag>
              ))}
            </Space>
          }
        />
      ) : null}
      {outcome && !outcome.ok ? (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setOutcome(null) }}
          style={{ marginBottom: 12 }}
          data-testid="import-error"
          title={`${t("areas.importFailed")}：${errorText(outcome.error)}`}
          description={
            <>
              {outcome.error instanceof ApiError &&
              outcome.error.problem.detail &&
              outcome.error.problem.detail !==
                outcome.error.problem.message?.en ? (
                <div>{outcome.error.problem.detail}</div>
              ) : null}
              {problems.length ? (
                <Table<ProblemFeature>
                  size="small"
                  style={{ marginTop: 8 }}
                  rowKey={(r) => `${r.index}-${r.code ?? ""}`}
                  dataSource={problems}
                  pagination={problems.length > 10 ? { pageSize: 10 } : false}
                  columns={[
                    {
                      title: t("areas.feature"),
                      dataIndex: "index",
                      width: 90,
                    },
                    { title: t("common.code"), dataIndex: "code", width: 140 },
                    {
                      title: t("areas.problems"),
                      dataIndex: "problems",
                      render: (p: string[]) =>
                        p.map((x, i) => <div key={i}>{x}</div>),
                    },
                  ]}
                />
              ) : null}
            </>
          }
        />
      ) : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Select<AreaLevel | "all">
            style={{ width: 160 }}
            value={level ?? "all"}
            onChange={(v) => setLevel(v === "all" ? undefined : v)}
            data-testid="areas-level"
            options={[
              { value: "all", label: t("common.all") },
              ...areaLevels.map((l) => ({
                value: l,
                label: pick(areaLevelLabels[l]),
              })),
            ]}
          />
          <Input.Search
            allowClear
            placeholder={t("areas.nameFilter")}
            onSearch={(v) => setQ(v.trim())}
            style={{ width: 240 }}
            data-testid="areas-q"
          />
          <Typography.Text type="secondary">
            {t("areas.count", { n: rows.length })}
          </Typography.Text>
        </Space>
        <Table<AreaSummaryT>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          scroll={{ x: 800 }}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          data-testid="areas-table"
          columns={[
            {
              title: t("areas.level"),
              dataIndex: "level",
              width: 100,
              render: (l: AreaLevel) => <Tag>{pick(areaLevelLabels[l])}</Tag>,
            },
            { title: t("common.code"), dataIndex: "code", width: 160 },
            { title: t("common.name"), dataIndex: "name" },
            { title: t("common.nameEn"), dataIndex: "nameEn" },
            {
              title: t("areas.parent"),
              dataIndex: "parentId",
              render: (id: string | null) =>
                id
                  ? (byId.get(id)?.name ?? (
                      <Typography.Text type="secondary">
                        {id.slice(0, 8)}
                      </Typography.Text>
                    ))
                  : "—",
            },
            {
              title: t("areas.generated"),
              dataIndex: "generated",
              width: 90,
              render: (g: boolean) => (g ? t("common.yes") : t("common.no")),
            },
            {
              title: t("common.actions"),
              width: 90,
              render: (_, a) =>
                can("area.update") ? (
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    onClick={() => openEdit(a)}
                    data-testid={`area-edit-${a.code}`}
                  >
                    {t("common.edit")}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <Modal
        open={!!editing}
        title={t("areas.editTitle")}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        confirmLoading={saving}
        okText={t("common.save")}
        cancelText={t("common.cancel")}
        okButtonProps={{ "data-testid": "area-save" }}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="code"
            label={t("common.code")}
            rules={[
              requiredRule(t, t("common.code")),
              {
                validator: (_, v: string) =>
                  !v || isValidAreaCode(v.trim())
                    ? Promise.resolve()
                    : Promise.reject(new Error(t("areas.codeInvalid"))),
              },
            ]}
          >
            <Input data-testid="area-code" maxLength={64} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t("common.name")}
            rules={[
              requiredRule(t, t("common.name")),
            ]}
          >
            <Input data-testid="area-name" maxLength={100} />
          </Form.Item>
          <Form.Item name="nameEn" label={t("common.nameEn")}>
            <Input data-testid="area-name-en" maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
