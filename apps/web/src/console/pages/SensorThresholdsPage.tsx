/**
 * 传感器阈值: per sensor type the alarm limit, its unit and the standard it comes
 * from (and the confidence floor of image detections). Office reads, admin edits.
 */
import { useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  InputNumber,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { UndoOutlined } from "@ant-design/icons";
import { request } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession } from "../session.tsx";
import { PageHead, useFetch } from "../hooks.tsx";
import { ErrorAlert } from "../taxonomy/common.tsx";
import type {
  SensorThresholdsPutT,
  SensorThresholdT,
} from "../taxonomy/types.ts";

type Kind = SensorThresholdT["kind"];

export default function SensorThresholdsPage() {
  const { t, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const manage = can("threshold.manage");
  const { data, loading, setData } =
    useFetch<SensorThresholdT[]>("/sensor-thresholds");
  const [draft, setDraft] = useState<Partial<Record<Kind, number | null>>>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const changed = (data ?? []).filter(
    (th) =>
      draft[th.kind] !== undefined &&
      draft[th.kind] !== null &&
      draft[th.kind] !== th.limit,
  );
  const invalid = Object.values(draft).some((v) => v === null);

  async function save() {
    const body: SensorThresholdsPutT = changed.map((th) => ({
      kind: th.kind,
      limit: draft[th.kind]!,
    }));
    if (!body.length) return;
    setSaving(true);
    setError(null);
    try {
      setData(
        await request<SensorThresholdT[]>("PUT", "/sensor-thresholds", body),
      );
      setDraft({});
      void message.success(t("common.saved"));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <PageHead
        title={t("sensors.title")}
        extra={
          manage ? (
            <Space>
              {changed.length ? (
                <Typography.Text type="warning">
                  {t("sensors.changed", { n: changed.length })}
                </Typography.Text>
              ) : null}
              <Button onClick={() => setDraft({})} disabled={!changed.length}>
                {t("common.reset")}
              </Button>
              <Button
                type="primary"
                loading={saving}
                disabled={!changed.length || invalid}
                onClick={() => void save()}
                data-testid="thresholds-save"
              >
                {t("common.save")}
              </Button>
            </Space>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary">
        {t("sensors.help")}
      </Typography.Paragraph>
      <ErrorAlert
        error={error}
        testId="thresholds-error"
        onClose={() => setError(null)}
      />
      <Card size="small">
        <Table<SensorThresholdT>
          size="small"
          rowKey="kind"
          loading={loading}
          dataSource={data ?? []}
          pagination={false}
          scroll={{ x: 1000 }}
          data-testid="thresholds-table"
          columns={[
            {
              title: t("sensors.kind"),
              width: 170,
              render: (_, th) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{pick(th.label)}</Typography.Text>
                  <Typography.Text type="secondary" code>
                    {th.kind}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t("sensors.limit"),
              width: 220,
              render: (_, th) =>
                manage ? (
                  <Space size={4}>
                    <InputNumber
                      min={0}
                      max={th.kind === "detection" ? 1 : undefined}
                      step={th.kind === "detection" ? 0.1 : 1}
                      value={draft[th.kind] !== undefined ? draft[th.kind] : th.limit}
                      onChange={(v) =>
                        setDraft((d) => ({ ...d, [th.kind]: v ?? null }))
                      }
                      status={draft[th.kind] === null ? "error" : undefined}
                      style={{ width: 120 }}
                      data-testid={`threshold-${th.kind}`}
                    />
                    {th.limit !== th.default ||
                    (draft[th.kind] ?? th.limit) !== th.default ? (
                      <Tooltip title={`${t("sensors.default")} ${th.default}`}>
                        <Button
                          size="small"
                          type="text"
                          icon={<UndoOutlined />}
                          onClick={() =>
                            setDraft((d) => ({ ...d, [th.kind]: th.default }))
                          }
                        />
                      </Tooltip>
                    ) : null}
                  </Space>
                ) : (
                  <Typography.Text strong data-testid={`threshold-${th.kind}`}>
                    {th.limit}
                  </Typography.Text>
                ),
            },
            {
              title: t("sensors.unit"),
              dataIndex: "unit",
              width: 110,
              render: (u: string) => <Tag>{u}</Tag>,
            },
            {
              title: t("sensors.default"),
              width: 130,
              render: (_, th) => (
                <Space size={4}>
                  <span>{th.default}</span>
                  {th.configured ? (
                    <Tag color="blue">{t("sensors.configured")}</Tag>
                  ) : (
                    <Tag>{t("sensors.builtin")}</Tag>
                  )}
                </Space>
              ),
            },
            {
              title: t("sensors.acceptedUnits"),
              dataIndex: "acceptedUnits",
              width: 200,
              render: (us: string[]) =>
                us.length ? (
                  <Space size={[2, 4]} wrap>
                    {us.map((u) => (
                      <Tag key={u} style={{ marginInlineEnd: 0 }}>
                        {u}
                      </Tag>
                    ))}
                  </Space>
                ) : (
                  "—"
                ),
            },
            { title: t("sensors.basis"), dataIndex: "basis" },
          ]}
        />
      </Card>
    </>
  );
}
