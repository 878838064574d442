import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Card, Input, Space, Table, Typography } from "antd";
import { ReloadOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { api } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useShowError } from "../session.tsx";
import { fmtTime, PageHead } from "../hooks.tsx";
import type { AuditEventT, AuditVerificationT } from "../types.ts";

const PAGE = 100;

export default function AuditPage() {
  const { t, lang } = useLang();
  const showError = useShowError();
  const [rows, setRows] = useState<AuditEventT[]>([]);
  const [loading, setLoading] = useState(false);
  const [more, setMore] = useState(false);
  const [action, setAction] = useState("");
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<AuditVerificationT | null>(
    null,
  );

  const load = useCallback(
    async (beforeSeq?: number) => {
      setLoading(true);
      try {
        const page = await api.get<AuditEventT[]>("/audit-events", {
          limit: PAGE,
          beforeSeq,
          action: action || undefined,
        });
        setRows((r) => (beforeSeq ? [...r, ...page] : page));
        setMore(page.length === PAGE);
      } catch (err) {
        showError(err);
      } finally {
        setLoading(false);
      }
    },
    [action],
  );

  useEffect(() => {
    void load();
  }, [load]);

  async function verify() {
    setVerifying(true);
    try {
      setVerification(
        await api.get<AuditVerificationT>("/audit-events/verify"),
      );
    } catch (err) {
      showError(err);
    } finally {
      setVerifying(false);
    }
  }

  return (
    <>
      <PageHead
        title={t("audit.title")}
        extra={
          <Button
            type="primary"
            icon={<SafetyCertificateOutlined />}
            loading={verifying}
            onClick={() => void verify()}
            data-testid="audit-verify"
          >
            {t("audit.verify")}
          </Button>
        }
      />
      {verification ? (
        <Alert
          type={verification.ok ? "success" : "error"}
          showIcon
          closable={{ onClose: () => setVerification(null) }}
          style={{ marginBottom: 12 }}
          data-testid="audit-verify-result"
          data-ok={String(verification.ok)}
          title={
            verification.ok
              ? t("audit.verifyOk", { n: verification.events })
              : t("audit.verifyBroken", { seq: verification.brokenAt ?? "?" })
          }
        />
      ) : null}
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t("audit.actionFilter")}
            onSearch={(v) => setAction(v.trim())}
            style={{ width: 240 }}
            data-testid="audit-action"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t("common.refresh")}
          </Button>
        </Space>
        <Table<AuditEventT>
          size="small"
          rowKey="seq"
          loading={loading}
          dataSource={rows}
          scroll={{ x: 1000 }}
          pagination={false}
          data-testid="audit-table"
          expandable={{
            expandedRowRender: (e) => (
              <pre style={{ margin: 0, fontSize: 12, whiteSpace: "pre-wrap" }}>
                {JSON.stringify(e.details, null, 2)}
                {"\n"}hash: {e.hash}
              </pre>
            ),
          }}
          columns={[
            { title: t("audit.seq"), dataIndex: "seq", width: 80 },
            {
              title: t("audit.at"),
              dataIndex: "at",
              width: 170,
              render: (v: string) => fmtTime(v, lang),
            },
            { title: t("audit.actor"), dataIndex: "actorLabel", width: 140 },
            {
              title: t("audit.action"),
              dataIndex: "action",
              width: 180,
              render: (a: string) => (
                <Typography.Text code>{a}</Typography.Text>
              ),
            },
            {
              title: t("audit.target"),
              render: (_, e) =>
                e.targetType
                  ? `${e.targetType}${e.targetId ? ` · ${e.targetId.slice(0, 8)}` : ""}`
                  : "—",
            },
            { title: t("audit.ip"), dataIndex: "ip", width: 130 },
            {
              title: t("audit.details"),
              dataIndex: "details",
              ellipsis: true,
              render: (d: Record<string, unknown>) => (
                <Typography.Text type="secondary">
                  {Object.keys(d ?? {}).length ? JSON.stringify(d) : ""}
                </Typography.Text>
              ),
            },
          ]}
        />
        {more ? (
          <div style={{ textAlign: "center", marginTop: 12 }}>
            <Button
              onClick={() => void load(rows[rows.length - 1]?.seq)}
              loading={loading}
              data-testid="audit-more"
            >
              {t("common.loadMore")}
            </Button>
          </div>
        ) : null}
      </Card>
    </>
  );
}
