/**
 * 分类模型: the taxonomy classifier's state, a retrain button, the upload of a
 * labelled history (CSV text,category) answered with cross-validated accuracy
 * per subcategory, and a box to try a complaint. Admin trains; office reads.
 */
import { useMemo, useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Input,
  Progress,
  Row,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
  Upload,
} from "antd";
import {
  ReloadOutlined,
  SyncOutlined,
  ThunderboltOutlined,
  UploadOutlined,
} from "@ant-design/icons";
import { api, request } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession } from "../session.tsx";
import { fmtTime, PageHead, useFetch } from "../hooks.tsx";
import { ErrorAlert, pct, readText } from "../taxonomy/common.tsx";
import type {
  ClassifierStatusT,
  LabelScoreT,
  SuggestionT,
  TaxonomyT,
  TrainingSetResultT,
} from "../taxonomy/types.ts";

interface LabelRow extends LabelScoreT {
  code: string;
  f1: number;
}

const f1 = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);
const scoreColor = (v: number) =>
  v >= 0.8 ? "#389e0d" : v >= 0.6 ? "#d48806" : "#cf1322";

export default function ClassifierPage() {
  const { t, lang, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const manage = can("taxonomy.manage");
  const status = useFetch<ClassifierStatusT>("/taxonomy/classifier");
  const taxonomy = useFetch<TaxonomyT>("/taxonomy");
  const [retraining, setRetraining] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [fileName, setFileName] = useState<string | null>(null);
  const [result, setResult] = useState<TrainingSetResultT | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [text, setText] = useState("");
  const [suggesting, setSuggesting] = useState(false);
  const [suggestion, setSuggestion] = useState<SuggestionT | null>(null);
  const [suggestError, setSuggestError] = useState<unknown>(null);

  const subName = (code: string) => {
    const s = taxonomy.data?.subcategories.find((x) => x.code === code);
    return s ? pick({ zh: s.name, en: s.nameEn || s.name }) : "";
  };

  async function retrain() {
    setRetraining(true);
    try {
      await api.post("/taxonomy/classifier/retrain");
      void message.success(t("classifier.retrainScheduled"));
      // Training runs in the background: look again shortly.
      setTimeout(() => void status.reload(), 3000);
    } catch (err) {
      setUploadError(err);
    } finally {
      setRetraining(false);
    }
  }

  async function upload(file: File) {
    setUploading(true);
    setUploadError(null);
    setResult(null);
    setFileName(file.name);
    try {
      const csv = await readText(file);
      const r = await request<TrainingSetResultT>(
        "POST",
        "/taxonomy/training-set",
        undefined,
        { raw: { body: csv, contentType: "text/csv; charset=utf-8" } },
      );
      setResult(r);
      void status.reload();
      // The model retrains in the background after an upload: look again shortly.
      setTimeout(() => void status.reload(), 4000);
    } catch (err) {
      setUploadError(err);
    } finally {
      setUploading(false);
    }
  }

  async function suggest() {
    if (!text.trim()) return;
    setSuggesting(true);
    setSuggestError(null);
    try {
      setSuggestion(
        await api.post<SuggestionT>("/taxonomy/suggest", { text: text.trim() }),
      );
    } catch (err) {
      setSuggestError(err);
      setSuggestion(null);
    } finally {
      setSuggesting(false);
    }
  }

  const cv = result?.crossValidation ?? null;
  const labelRows: LabelRow[] = useMemo(
    () =>
      cv
        ? Object.entries(cv.perLabel)
            .map(([code, s]) => ({ code, ...s, f1: f1(s.precision, s.recall) }))
            .sort(
              (a, b) =>
                a.f1 - b.f1 || a.recall - b.recall || b.support - a.support,
            )
        : [],
    [cv],
  );

  const st = status.data;
  const s = suggestion?.suggestion;

  return (
    <>
      <PageHead
        title={t("classifier.title")}
        extra={
          <Space>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => void status.reload()}
              data-testid="classifier-refresh"
            >
              {t("common.refresh")}
            </Button>
            {manage ? (
              <Button
                type="primary"
                icon={<SyncOutlined />}
                loading={retraining}
                onClick={() => void retrain()}
                data-testid="classifier-retrain"
              >
                {t("classifier.retrain")}
              </Button>
            ) : null}
          </Space>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t("classifier.status")}
            loading={status.loading && !st}
            data-testid="classifier-status"
          >
            {st ? (
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t("common.status")}>
                  {st.trained ? (
                    <Tag color="green" data-testid="classifier-trained">
                      {t("classifier.trained")}
                    </Tag>
                  ) : (
                    <Tag data-testid="classifier-trained">
                      {t("classifier.untrained")}
                    </Tag>
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t("classifier.trainedAt")}>
                  {fmtTime(st.trainedAt, lang) || "—"}
                </Descriptions.Item>
                <Descriptions.Item label={t("classifier.taxonomyVersion")}>
                  {st.taxonomyVersion !== null
                    ? t("tax.version", { n: st.taxonomyVersion })
                    : "—"}
                </Descriptions.Item>
                <Descriptions.Item label={t("classifier.examples")}>
                  <span data-testid="classifier-examples">{st.examples}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t("classifier.confirmations")}>
                  {st.confirmations}
                  {st.pending ? (
                    <Tag color="orange" style={{ marginInlineStart: 8 }}>
                      {t("classifier.pending")} {st.pending}
                    </Tag>
                  ) : null}
                </Descriptions.Item>
              </Descriptions>
            ) : null}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t("classifier.tryIt")}>
            <Input.TextArea
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={t("classifier.tryPlaceholder")}
              autoSize={{ minRows: 3, maxRows: 6 }}
              maxLength={5000}
              data-testid="classifier-try-text"
            />
            <Button
              type="primary"
              icon={<ThunderboltOutlined />}
              style={{ marginTop: 8 }}
              loading={suggesting}
              disabled={!text.trim()}
              onClick={() => void suggest()}
              data-testid="classifier-try"
            >
              {t("classifier.suggest")}
            </Button>
            <div style={{ marginTop: 12 }}>
              <ErrorAlert error={suggestError} />
              {suggestion ? (
                s ? (
                  <Space
                    orientation="vertical"
                    size={4}
                    style={{ width: "100%" }}
                    data-testid="classifier-suggestion"
                  >
                    <Typography.Text strong>
                      {t("classifier.suggestion", {
                        code: s.code,
                        name: subName(s.code) || s.name,
                      })}
                    </Typography.Text>
                    <Space>
                      <Typography.Text type="secondary">
                        {t("classifier.confidence")}
                      </Typography.Text>
                      <Progress
                        percent={Math.round(s.confidence * 100)}
                        size="small"
                        style={{ width: 200, margin: 0 }}
                        strokeColor={scoreColor(s.confidence)}
                      />
                      <Tag>{t("tax.version", { n: s.version })}</Tag>
                    </Space>
                  </Space>
                ) : (
                  <Typography.Text
                    type="secondary"
                    data-testid="classifier-suggestion"
                  >
                    {t("classifier.noSuggestion")}
                  </Typography.Text>
                )
              ) : null}
            </div>
          </Card>
        </Col>
        {manage ? (
          <Col span={24}>
            <Card size="small" title={t("classifier.upload")}>
              <Typography.Paragraph type="secondary">
                {t("classifier.uploadHelp")}
              </Typography.Paragraph>
              <Upload
                accept=".csv,text/csv,text/plain"
                showUploadList={false}
                maxCount={1}
                beforeUpload={(f) => {
                  void upload(f);
                  return false;
                }}
              >
                <Button
                  icon={<UploadOutlined />}
                  loading={uploading}
                  data-testid="classifier-upload"
                >
                  {uploading ? t("classifier.uploading") : t("classifier.pick")}
                </Button>
              </Upload>
              {fileName ? (
                <Typography.Text type="secondary" style={{ marginInlineStart: 12 }}>
                  {fileName}
                </Typography.Text>
              ) : null}
              <div style={{ marginTop: 12 }}>
                <ErrorAlert
                  error={uploadError}
                  testId="classifier-error"
                  onClose={() => setUploadError(null)}
                />
              </div>
              {result ? (
                <div data-testid="classifier-result">
                  <Row gutter={16} style={{ marginBottom: 12 }}>
                    <Col xs={12} md={6}>
                      <Statistic title={t("classifier.added")} value={result.added} />
                    </Col>
                    <Col xs={12} md={6}>
                      <Statistic title={t("classifier.total")} value={result.total} />
                    </Col>
                    <Col xs={12} md={6}>
                      <Statistic
                        title={t("classifier.accuracy")}
                        value={cv ? pct(cv.accuracy) : "—"}
                        styles={{
                          content: cv ? { color: scoreColor(cv.accuracy) } : undefined,
                        }}
                        data-testid="classifier-accuracy"
                      />
                    </Col>
                    <Col xs={12} md={6}>
                      <Statistic
                        title={t("classifier.macroF1")}
                        value={cv ? pct(cv.macroF1) : "—"}
                      />
                    </Col>
                  </Row>
                  <Typography.Paragraph type="secondary">
                    {cv
                      ? t("classifier.folds", { k: cv.k, n: cv.examples })
                      : t("classifier.noCv")}
                  </Typography.Paragraph>
                  {cv ? (
                    <Table<LabelRow>
                      size="small"
                      rowKey="code"
                      dataSource={labelRows}
                      pagination={false}
                      title={() => t("classifier.perLabel")}
                      data-testid="classifier-per-label"
                      columns={[
                        {
                          title: t("classifier.subcategory"),
                          render: (_, r) => (
                            <span>
                              <Typography.Text code>{r.code}</Typography.Text>{" "}
                              {subName(r.code)}
                            </span>
                          ),
                        },
                        ...(["precision", "recall", "f1"] as const).map((k) => ({
                          title: t(`classifier.${k}`),
                          dataIndex: k,
                          width: 180,
                          render: (v: number) => (
                            <Progress
                              percent={Math.round(v * 1000) / 10}
                              size="small"
                              strokeColor={scoreColor(v)}
                              format={(p) => `${(p ?? 0).toFixed(1)}%`}
                            />
                          ),
                        })),
                        {
                          title: t("classifier.support"),
                          dataIndex: "support",
                          width: 90,
                          align: "right" as const,
                        },
                      ]}
                    />
                  ) : null}
                </div>
              ) : null}
            </Card>
          </Col>
        ) : null}
      </Row>
    </>
  );
}
