/**
 * 数据导入: a 12345 hotline export or an audit findings sheet (CSV or XLSX) →
 * preview with the suggested column mapping (editable) → import → counts and the
 * rows that failed with their reason; the history of past imports below.
 * Office and admin import; discipline reads the history.
 */
import { useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from "antd";
import {
  CloudUploadOutlined,
  FileExcelOutlined,
  ReloadOutlined,
} from "@ant-design/icons";
import { useLang } from "../i18n.ts";
import { useSession } from "../session.tsx";
import { fmtTime, PageHead, useFetch } from "../hooks.tsx";
import { ErrorAlert, pickBilingual, postForm } from "../taxonomy/common.tsx";
import type {
  ImportBatchT,
  ImportFailureT,
  ImportMappingT,
  ImportPreviewT,
} from "../taxonomy/types.ts";

type Source = ImportBatchT["source"];
/** field → column; the server's Mapping schema is built from its field list, so it types as a record */
type Field = keyof ImportMappingT & string;
type MappingState = Partial<Record<Field, string>>;

const PREVIEW_ROWS = 10;

function FailureTable({
  failures,
  testId,
}: {
  failures: ImportFailureT[];
  testId?: string;
}) {
  const { t, lang } = useLang();
  return (
    <Table<ImportFailureT>
      size="small"
      rowKey={(f) => `${f.row}-${f.code}`}
      dataSource={failures}
      pagination={failures.length > 20 ? { pageSize: 20 } : false}
      data-testid={testId}
      onRow={() => ({ "data-testid": "import-failure-row" }) as object}
      columns={[
        { title: t("imports.row"), dataIndex: "row", width: 80 },
        {
          title: t("common.code"),
          dataIndex: "code",
          width: 140,
          render: (c: string) => (
            <Tooltip title={c}>
              <Tag color="red">
                {t(`imports.codes.${c}`, { defaultValue: c })}
              </Tag>
            </Tooltip>
          ),
        },
        {
          title: t("imports.reason"),
          dataIndex: "reason",
          render: (r: string) => pickBilingual(r, lang),
        },
      ]}
    />
  );
}

function Counts({ b }: { b: ImportBatchT }) {
  const { t } = useLang();
  const items: {
    key: "created" | "merged" | "duplicates" | "failed";
    color?: string;
  }[] = [
    { key: "created", color: "#389e0d" },
    { key: "merged", color: "#1f5fbf" },
    { key: "duplicates", color: "#8c8c8c" },
    { key: "failed", color: b.failed ? "#cf1322" : undefined },
  ];
  return (
    <Row gutter={16}>
      {items.map((i) => (
        <Col key={i.key} xs={12} md={6}>
          <Tooltip
            title={i.key === "failed" ? undefined : t(`imports.${i.key}Help`)}
          >
            <Statistic
              title={t(`imports.${i.key}`)}
              value={b[i.key]}
              styles={{ content: i.color ? { color: i.color } : undefined }}
              data-testid={`import-${i.key}`}
            />
          </Tooltip>
        </Col>
      ))}
    </Row>
  );
}

export default function ImportsPage() {
  const { t, lang } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const create = can("import.create");
  const history = useFetch<ImportBatchT[]>("/imports", { limit: 50 });
  const [source, setSource] = useState<Source>("hotline");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreviewT | null>(null);
  const [mapping, setMapping] = useState<MappingState>({});
  const [previewing, setPreviewing] = useState(false);
  const [importing, setImporting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ImportBatchT | null>(null);

  async function pick(f: File) {
    setFile(f);
    setPreview(null);
    setResult(null);
    setError(null);
    setPreviewing(true);
    try {
      const form = new FormData();
      form.append("file", f, f.name);
      const p = await postForm<ImportPreviewT>("/imports/preview", form);
      setPreview(p);
      setMapping({ ...p.suggestedMapping });
    } catch (err) {
      setError(err);
    } finally {
      setPreviewing(false);
    }
  }

  async function run() {
    if (!file || !preview) return;
    setImporting(true);
    setError(null);
    setResult(null);
    try {
      const clean = Object.fromEntries(
        Object.entries(mapping).filter(([, c]) => !!c),
      );
      const form = new FormData();
      form.append("source", source);
      form.append("mapping", JSON.stringify(clean));
      form.append("file", file, file.name);
      const batch = await postForm<ImportBatchT>("/imports", form);
      setResult(batch);
      void message.success(
        t("imports.done", {
          created: batch.created,
          duplicates: batch.duplicates,
          failed: batch.failed,
        }),
      );
      void history.reload();
    } catch (err) {
      setError(err);
    } finally {
      setImporting(false);
    }
  }

  const fields = (preview?.fields ?? []) as Field[];
  const mappedBy = new Map<string, Field[]>();
  for (const f of fields) {
    const c = mapping[f];
    if (c) mappedBy.set(c, [...(mappedBy.get(c) ?? []), f]);
  }
  const canImport =
    !!preview && !!mapping.text && !!mapping.lng === !!mapping.lat;

  return (
    <>
      <PageHead
        title={t("imports.title")}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void history.reload()}
          >
            {t("common.refresh")}
          </Button>
        }
      />
      {create ? (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">
            {t("imports.help")}
          </Typography.Paragraph>
          <Space wrap size={16} style={{ marginBottom: 12 }}>
            <Space>
              <Typography.Text>{t("imports.source")}</Typography.Text>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                value={source}
                onChange={(e) => setSource(e.target.value as Source)}
                data-testid="import-source"
                options={(["hotline", "audit"] as const).map((s) => ({
                  value: s,
                  label: (
                    <span data-testid={`import-source-${s}`}>
                      {t(`imports.sources.${s}`)}
                    </span>
                  ),
                }))}
              />
            </Space>
            <Upload
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              showUploadList={false}
              maxCount={1}
              beforeUpload={(f) => {
                void pick(f);
                return false;
              }}
            >
              <Button
                icon={<FileExcelOutlined />}
                loading={previewing}
                data-testid="import-pick"
              >
                {previewing ? t("imports.previewing") : t("imports.pick")}
              </Button>
            </Upload>
            {file ? (
              <Typography.Text type="secondary" data-testid="import-file-name">
                {file.name}
              </Typography.Text>
            ) : null}
          </Space>
          <ErrorAlert
            error={error}
            testId="import-error"
            onClose={() => setError(null)}
          />
          {preview ? (
            <div data-testid="import-preview">
              <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 8 }}>
                <Descriptions.Item label={t("imports.format")}>
                  {preview.format.toUpperCase()}
                </Descriptions.Item>
                <Descriptions.Item label={t("imports.encoding")}>
                  {preview.encoding}
                </Descriptions.Item>
                <Descriptions.Item label={t("imports.rowCount")}>
                  <span data-testid="import-row-count">{preview.rowCount}</span>
                </Descriptions.Item>
              </Descriptions>
              <Typography.Title level={5} style={{ marginTop: 0 }}>
                {t("imports.mapping")}
              </Typography.Title>
              <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
                {t("imports.mappingHelp")}
              </Typography.Paragraph>
              <Row gutter={[12, 8]} style={{ marginBottom: 12 }}>
                {fields.map((f) => (
                  <Col key={f} xs={24} sm={12} md={8} xl={6}>
                    <div style={{ display: "flex", alignItems: "center", gap: 8 }}>
                      <span style={{ width: 72, flex: "none", textAlign: "right" }}>
                        {f === "text" ? (
                          <Typography.Text type="danger">* </Typography.Text>
                        ) : null}
                        {t(`imports.fields.${f}`, { defaultValue: f })}
                      </span>
                      <Select
                        allowClear
                        style={{ flex: 1, minWidth: 0 }}
                        placeholder={t("imports.unmapped")}
                        value={mapping[f] ?? undefined}
                        onChange={(c?: string) =>
                          setMapping((m) => ({ ...m, [f]: c || undefined }))
                        }
                        status={
                          (f === "text" && !mapping.text) ||
                          ((f === "lng" || f === "lat") &&
                            !!mapping.lng !== !!mapping.lat)
                            ? "error"
                            : undefined
                        }
                        data-testid={`import-map-${f}`}
                        options={preview.columns.map((c) => ({
                          value: c,
                          label: c,
                        }))}
                      />
                    </div>
                  </Col>
                ))}
              </Row>
              <Table<string[]>
                size="small"
                bordered
                rowKey={(_, i) => String(i)}
                dataSource={preview.rows.slice(0, PREVIEW_ROWS)}
                pagination={false}
                scroll={{ x: "max-content" }}
                title={() =>
                  t("imports.preview", {
                    n: Math.min(PREVIEW_ROWS, preview.rows.length),
                  })
                }
                data-testid="import-preview-table"
                columns={preview.columns.map((c, i) => ({
                  key: `${i}`,
                  title: (
                    <Space orientation="vertical" size={2}>
                      <span>{c}</span>
                      {(mappedBy.get(c) ?? []).map((f) => (
                        <Tag key={f} color="blue" style={{ marginInlineEnd: 0 }}>
                          → {t(`imports.fields.${f}`, { defaultValue: f })}
                        </Tag>
                      ))}
                    </Space>
                  ),
                  render: (_: unknown, row: string[]) => (
                    <span style={{ whiteSpace: "nowrap" }}>{row[i] ?? ""}</span>
                  ),
                  ellipsis: true,
                }))}
              />
              <Button
                type="primary"
                icon={<CloudUploadOutlined />}
                style={{ marginTop: 12 }}
                loading={importing}
                disabled={!canImport}
                onClick={() => void run()}
                data-testid="import-run"
              >
                {importing ? t("imports.importing") : t("imports.run")}
              </Button>
            </div>
          ) : null}
          {result ? (
            <Card
              size="small"
              type="inner"
              style={{ marginTop: 16 }}
              title={
                <Space>
                  {t("imports.result")}
                  <Tag>{t(`imports.sources.${result.source}`)}</Tag>
                  <Typography.Text type="secondary">
                    {result.fileName} · {t("imports.totalRows", { n: result.total })}
                  </Typography.Text>
                </Space>
              }
              data-testid="import-result"
            >
              <Counts b={result} />
              {result.failures.length ? (
                <div style={{ marginTop: 12 }}>
                  <Typography.Title level={5}>
                    {t("imports.failures")}
                  </Typography.Title>
                  <FailureTable
                    failures={result.failures}
                    testId="import-failures"
                  />
                </div>
              ) : null}
            </Card>
          ) : null}
        </Card>
      ) : (
        <Typography.Paragraph type="secondary">
          {t("imports.noCreate")}
        </Typography.Paragraph>
      )}
      <Card size="small" title={t("imports.history")}>
        <Table<ImportBatchT>
          size="small"
          rowKey="id"
          loading={history.loading}
          dataSource={history.data ?? []}
          pagination={{ pageSize: 10, showSizeChanger: false }}
          scroll={{ x: 960 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          data-testid="import-history"
          expandable={{
            rowExpandable: (b) => b.failures.length > 0,
            expandedRowRender: (b) => <FailureTable failures={b.failures} />,
          }}
          columns={[
            {
              title: t("imports.at"),
              dataIndex: "createdAt",
              width: 170,
              render: (v: string) => fmtTime(v, lang),
            },
            {
              title: t("imports.source"),
              dataIndex: "source",
              width: 110,
              render: (s: Source) => (
                <Tag color={s === "hotline" ? "blue" : "purple"}>
                  {t(`imports.sources.${s}`)}
                </Tag>
              ),
            },
            {
              title: t("imports.file"),
              dataIndex: "fileName",
              ellipsis: true,
              render: (n: string, b) => (
                <Tooltip title={`${b.format.toUpperCase()} · ${b.encoding}`}>
                  {n}
                </Tooltip>
              ),
            },
            {
              title: t("imports.rowCount"),
              dataIndex: "total",
              width: 80,
              align: "right",
            },
            {
              title: t("imports.created"),
              dataIndex: "created",
              width: 70,
              align: "right",
            },
            {
              title: t("imports.merged"),
              dataIndex: "merged",
              width: 70,
              align: "right",
            },
            {
              title: t("imports.duplicates"),
              dataIndex: "duplicates",
              width: 70,
              align: "right",
            },
            {
              title: t("imports.failed"),
              dataIndex: "failed",
              width: 70,
              align: "right",
              render: (n: number) =>
                n ? <Typography.Text type="danger">{n}</Typography.Text> : 0,
            },
            { title: t("imports.by"), dataIndex: "createdBy", width: 120 },
          ]}
        />
      </Card>
    </>
  );
}
