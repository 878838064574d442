/**
 * 风险评估矩阵: the city's thresholds (office and leaders read, admin edits) and a
 * live calculator: three 1–5 scores → the level the server computes.
 */
import { useEffect, useRef, useState } from "react";
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Form,
  InputNumber,
  Row,
  Slider,
  Space,
  Typography,
} from "antd";
import {
  riskFactorLabels,
  riskFactors,
  riskLevelLabels,
  type RiskFactor,
} from "@cityloop/domain";
import { api, request } from "../api.ts";
import { useLang } from "../i18n.ts";
import { useSession } from "../session.tsx";
import { useFetch } from "../hooks.tsx";
import { ErrorAlert } from "./common.tsx";
import type {
  RiskAssessmentT,
  RiskScoresT,
  RiskThresholdsT,
} from "./types.ts";

type Weights = Record<RiskFactor, number>;
interface ThresholdForm {
  weights: Weights;
  yellow: number;
  red: number;
  redOverride: Record<RiskFactor, number | null | undefined>;
}

export const levelColor = { red: "#cf1322", yellow: "#d4b106", green: "#389e0d" } as const;

export function RiskPanel() {
  const { t, pick } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const manage = can("risk.manage");
  const { data, setData } = useFetch<RiskThresholdsT>("/taxonomy/risk-thresholds");
  const [form] = Form.useForm<ThresholdForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [scores, setScores] = useState<RiskScoresT>({
    socialImpact: 3,
    technicalDifficulty: 3,
    fundingPressure: 3,
  });
  const [result, setResult] = useState<RiskAssessmentT | null>(null);
  const [calcError, setCalcError] = useState<unknown>(null);
  const seq = useRef(0);

  useEffect(() => {
    if (data)
      form.setFieldsValue({
        weights: data.weights,
        yellow: data.yellow,
        red: data.red,
        redOverride: {
          socialImpact: data.redOverride.socialImpact ?? null,
          technicalDifficulty: data.redOverride.technicalDifficulty ?? null,
          fundingPressure: data.redOverride.fundingPressure ?? null,
        },
      });
  }, [data, form]);

  // The level is the server's (the city's thresholds): asked again a moment after the sliders stop.
  useEffect(() => {
    const n = ++seq.current;
    const timer = setTimeout(() => {
      api
        .post<RiskAssessmentT>("/taxonomy/risk-assessment", scores)
        .then((r) => {
          if (n === seq.current) {
            setResult(r);
            setCalcError(null);
          }
        })
        .catch((err: unknown) => n === seq.current && setCalcError(err));
    }, 150);
    return () => clearTimeout(timer);
  }, [scores, data]);

  async function save() {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const redOverride: RiskThresholdsT["redOverride"] = {};
    for (const f of riskFactors) {
      const o = v.redOverride?.[f];
      if (typeof o === "number") redOverride[f] = o;
    }
    const body: RiskThresholdsT = {
      weights: v.weights,
      yellow: v.yellow,
      red: v.red,
      redOverride,
    };
    setSaving(true);
    setError(null);
    try {
      setData(
        await request<RiskThresholdsT>("PUT", "/taxonomy/risk-thresholds", body),
      );
      void message.success(t("risk.saved"));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  const score = { min: 1, max: 5, step: 0.05, style: { width: 120 } };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={15}>
        <Typography.Paragraph type="secondary">{t("risk.help")}</Typography.Paragraph>
        <ErrorAlert error={error} testId="risk-error" onClose={() => setError(null)} />
        <Form
          form={form}
          layout="horizontal"
          labelCol={{ flex: "180px" }}
          disabled={!manage}
          data-testid="risk-form"
        >
          <Form.Item label={t("risk.weights")} style={{ marginBottom: 8 }}>
            <Space wrap>
              {riskFactors.map((f) => (
                <Form.Item key={f} name={["weights", f]} noStyle rules={[{ required: true }]}>
                  <InputNumber
                    min={0}
                    max={100}
                    step={0.5}
                    prefix={<span style={{ color: "#888" }}>{pick(riskFactorLabels[f])}</span>}
                    style={{ width: 156 }}
                    data-testid={`risk-weight-${f}`}
                  />
                </Form.Item>
              ))}
            </Space>
          </Form.Item>
          <Form.Item name="yellow" label={t("risk.yellow")} rules={[{ required: true }]}>
            <InputNumber {...score} data-testid="risk-yellow" />
          </Form.Item>
          <Form.Item name="red" label={t("risk.red")} rules={[{ required: true }]}>
            <InputNumber {...score} data-testid="risk-red" />
          </Form.Item>
          <Form.Item label={t("risk.override")}>
            <Space wrap>
              {riskFactors.map((f) => (
                <Form.Item key={f} name={["redOverride", f]} noStyle>
                  <InputNumber
                    min={1}
                    max={5}
                    step={1}
                    precision={0}
                    placeholder={t("risk.overrideNone")}
                    prefix={<span style={{ color: "#888" }}>{pick(riskFactorLabels[f])}</span>}
                    style={{ width: 156 }}
                    data-testid={`risk-override-${f}`}
                  />
                </Form.Item>
              ))}
            </Space>
          </Form.Item>
          {manage ? (
            <Form.Item label=" " colon={false}>
              <Button type="primary" loading={saving} onClick={() => void save()} data-testid="risk-save">
                {t("common.save")}
              </Button>
            </Form.Item>
          ) : null}
        </Form>
      </Col>
      <Col xs={24} xl={9}>
        <Card size="small" title={t("risk.calculator")} data-testid="risk-calculator">
          {riskFactors.map((f) => (
            <div key={f} style={{ display: "flex", alignItems: "center", gap: 12 }}>
              <span style={{ width: 96, flex: "none" }}>{pick(riskFactorLabels[f])}</span>
              <Slider
                style={{ flex: 1 }}
                min={1}
                max={5}
                step={1}
                dots
                value={scores[f]}
                onChange={(v: number) => setScores((s) => ({ ...s, [f]: v }))}
                data-testid={`risk-slider-${f}`}
              />
              <Typography.Text strong style={{ width: 16 }}>
                {scores[f]}
              </Typography.Text>
            </div>
          ))}
          <ErrorAlert error={calcError} testId="risk-calc-error" />
          {result ? (
            <div
              data-testid="risk-level"
              data-level={result.level}
              style={{
                marginTop: 12,
                display: "flex",
                alignItems: "center",
                gap: 12,
                padding: "10px 14px",
                borderRadius: 6,
                background: `${levelColor[result.level]}14`,
                border: `1px solid ${levelColor[result.level]}`,
              }}
            >
              <span
                style={{
                  width: 40,
                  height: 40,
                  borderRadius: 20,
                  background: levelColor[result.level],
                  color: "#fff",
                  fontSize: 18,
                  fontWeight: 600,
                  display: "inline-flex",
                  alignItems: "center",
                  justifyContent: "center",
                  flex: "none",
                }}
              >
                {t(`risk.levels.${result.level}`)}
              </span>
              <Space orientation="vertical" size={0}>
                <Typography.Text strong style={{ color: levelColor[result.level] }}>
                  {pick(riskLevelLabels[result.level])}
                </Typography.Text>
                <Typography.Text type="secondary">
                  {t("risk.score", { s: result.score.toFixed(2) })}
                  {result.overriddenBy
                    ? ` · ${t("risk.overriddenBy", { f: pick(riskFactorLabels[result.overriddenBy]) })}`
                    : ""}
                </Typography.Text>
              </Space>
            </div>
          ) : null}
        </Card>
      </Col>
    </Row>
  );
}
