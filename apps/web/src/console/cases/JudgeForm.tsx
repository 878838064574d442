/**
 * 研判 (SPEC.md M6): the office confirms the category, scores the risk matrix (the level
 * shows live from the domain's assessRisk with the city's thresholds), names the
 * responsible and cooperating units and the lead leader, the requirement and the time
 * limit. Saving records the judgment; 交办 is a separate step.
 */
import { useEffect, useMemo, useState } from 'react';
import { App as AntApp, Alert, Button, Checkbox, Form, Input, InputNumber, Radio, Select, Space, Tag, Typography } from 'antd';
import {
  assessRisk,
  deadlineUnits,
  defaultRiskThresholds,
  riskFactorLabels,
  riskFactors,
  riskLevelLabels,
  type DeadlineUnit,
  type RiskFactor,
  type RiskScores,
} from '@cityloop/domain';
import { api } from '../api.ts';
import { fmtTime, requiredRule, useFetch } from '../hooks.tsx';
import { useLang } from '../i18n.ts';
import type { UnitT, UserT } from '../types.ts';
import type { RiskThresholdsT, TaxonomyT } from '../taxonomy/types.ts';
import { CaseError, cityDay, fmtDeadline, riskColor, useTimeZone } from './common.tsx';
import type { CaseDetailT, JudgmentBodyT } from './types.ts';

type Mode = 'default' | 'custom' | 'day';

interface Values extends Partial<Record<RiskFactor, number>> {
  subcategoryCode?: string;
  responsibleUnitId?: string;
  cooperatingUnitIds: string[];
  leadLeaderId?: string;
  requirement?: string;
  mode: Mode;
  amount?: number;
  unit?: DeadlineUnit;
  day?: string;
  legacy: boolean;
}

function initialValues(d: CaseDetailT, taxonomy: TaxonomyT | null): Values {
  const spec = d.deadlineSpec as { amount?: number; unit?: DeadlineUnit; fixedDay?: string } | null;
  const own = taxonomy?.subcategories.find((s) => s.code === d.subcategoryCode)?.deadline;
  const custom = !!spec?.amount && (!own || own.amount !== spec.amount || own.unit !== spec.unit);
  return {
    subcategoryCode: d.subcategoryCode ?? undefined,
    ...(d.riskScores ?? {}),
    responsibleUnitId: d.responsibleUnit?.id ?? d.proposedUnit?.id,
    cooperatingUnitIds: d.cooperatingUnits.map((u) => u.id),
    leadLeaderId: d.leadLeader?.id,
    requirement: d.requirement ?? undefined,
    // a saved limit equal to the subcategory's own reads as the default again
    mode: spec?.fixedDay ? 'day' : custom ? 'custom' : 'default',
    amount: spec?.amount,
    unit: spec?.unit ?? 'working_days',
    day: spec?.fixedDay,
    legacy: d.legacy,
  };
}

export function JudgeForm({
  detail,
  taxonomy,
  onDone,
}: {
  detail: CaseDetailT;
  taxonomy: TaxonomyT | null;
  onDone: (d: CaseDetailT) => void;
}) {
  const { t, pick, lang } = useLang();
  const { message } = AntApp.useApp();
  const tz = useTimeZone();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { data: units } = useFetch<UnitT[]>('/units');
  const { data: leaders } = useFetch<UserT[]>('/users', { role: 'leader' });
  const { data: thresholds } = useFetch<RiskThresholdsT>('/taxonomy/risk-thresholds');

  useEffect(() => form.setFieldsValue(initialValues(detail, taxonomy)), [detail, taxonomy, form]);

  const code = Form.useWatch('subcategoryCode', form);
  const mode = Form.useWatch('mode', form) ?? 'default';
  const s1 = Form.useWatch('socialImpact', form);
  const s2 = Form.useWatch('technicalDifficulty', form);
  const s3 = Form.useWatch('fundingPressure', form);
  const sub = taxonomy?.subcategories.find((s) => s.code === code);

  // The level is the domain's rule with the city's thresholds: the same function the server runs.
  const risk = useMemo(() => {
    if (!s1 || !s2 || !s3) return null;
    const scores: RiskScores = { socialImpact: s1, technicalDifficulty: s2, fundingPressure: s3 };
    return assessRisk(scores, thresholds ?? defaultRiskThresholds);
  }, [s1, s2, s3, thresholds]);

  const subOptions = useMemo(
    () =>
      (taxonomy?.categories ?? []).map((c) => ({
        label: `${c.code} ${pick({ zh: c.name, en: c.nameEn || c.name })}`,
        options: taxonomy!.subcategories
          .filter((s) => s.categoryCode === c.code)
          .map((s) => ({ value: s.code, label: `${s.code} ${pick({ zh: s.name, en: s.nameEn || s.name })}` })),
      })),
    [taxonomy, lang],
  );
  const unitOptions = (units ?? [])
    .filter((u) => u.active)
    .map((u) => ({ value: u.id, label: pick({ zh: u.name, en: u.nameEn || u.name }) }));
  const responsible = Form.useWatch('responsibleUnitId', form);

  async function save(v: Values) {
    const body: JudgmentBodyT = {
      subcategoryCode: v.subcategoryCode!,
      riskScores: { socialImpact: v.socialImpact!, technicalDifficulty: v.technicalDifficulty!, fundingPressure: v.fundingPressure! },
      responsibleUnitId: v.responsibleUnitId!,
      cooperatingUnitIds: (v.cooperatingUnitIds ?? []).filter((u) => u !== v.responsibleUnitId),
      leadLeaderId: v.leadLeaderId ?? null,
      requirement: v.requirement?.trim() || null,
      deadline: v.mode === 'custom' && v.amount ? { amount: v.amount, unit: v.unit ?? 'working_days' } : null,
      deadlineDay: v.mode === 'day' ? (v.day ?? null) : null,
      legacy: v.legacy,
    };
    setSaving(true);
    setError(null);
    try {
      onDone(await api.post<CaseDetailT>(`/cases/${detail.id}/judgment`, body));
      void message.success(t('cases.judge.saved'));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  const unitWord = (u: string) => t(`cases.units.${u}`, { defaultValue: u });
  const req = (field: string) => requiredRule(t, field, false);
  // without a type the rule checks for a string, and a score is a number
  const reqNumber = (field: string) => ({ ...req(field), type: 'number' as const });
  return (
    <Form<Values> form={form} layout="vertical" onFinish={save} requiredMark={false} data-testid="judge-form" disabled={saving}>
      <CaseError error={error} />
      <Form.Item
        name="subcategoryCode"
        label={t('cases.judge.subcategory')}
        rules={[req(t('cases.judge.subcategory'))]}
        extra={sub ? t('cases.judge.standard', { text: sub.standard }) : undefined}
      >
        <Select showSearch={{ optionFilterProp: 'label' }} options={subOptions} data-testid="judge-subcategory" />
      </Form.Item>
      <Typography.Text strong>{t('cases.judge.scores')}</Typography.Text>
      <div style={{ margin: '8px 0 4px' }}>
        {riskFactors.map((f) => (
          <Form.Item
            key={f}
            name={f}
            label={pick(riskFactorLabels[f])}
            rules={[reqNumber(pick(riskFactorLabels[f]))]}
            style={{ marginBottom: 8 }}
            layout="horizontal"
            labelCol={{ flex: '80px' }}
          >
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              size="small"
              options={[1, 2, 3, 4, 5].map((n) => ({ value: n, label: String(n) }))}
              data-testid={`judge-score-${f}`}
            />
          </Form.Item>
        ))}
      </div>
      <div style={{ marginBottom: 16 }} data-testid="judge-risk-level">
        <Typography.Text type="secondary">{t('cases.judge.level')}：</Typography.Text>
        {risk ? (
          <>
            <Tag color={riskColor[risk.level]}>{pick(riskLevelLabels[risk.level])}</Tag>
            <Typography.Text type="secondary">{t('cases.riskScore', { score: risk.score })}</Typography.Text>
            {risk.overriddenBy ? (
              <Typography.Text type="secondary">
                {' '}
                · {t('cases.judge.overridden', { factor: pick(riskFactorLabels[risk.overriddenBy]) })}
              </Typography.Text>
            ) : null}
          </>
        ) : (
          '—'
        )}
      </div>
      {risk?.level === 'red' && detail.riskLevel !== 'red' ? (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('cases.judge.redAlert')} />
      ) : null}
      <Form.Item name="responsibleUnitId" label={t('cases.judge.responsibleUnit')} rules={[req(t('cases.judge.responsibleUnit'))]}>
        <Select showSearch={{ optionFilterProp: 'label' }} options={unitOptions} data-testid="judge-unit" />
      </Form.Item>
      <Form.Item name="cooperatingUnitIds" label={t('cases.judge.cooperatingUnits')}>
        <Select
          mode="multiple"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={unitOptions.filter((o) => o.value !== responsible)}
          maxCount={10}
          data-testid="judge-coop"
        />
      </Form.Item>
      <Form.Item name="leadLeaderId" label={t('cases.judge.leadLeader')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          options={(leaders ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.displayName }))}
          data-testid="judge-leader"
        />
      </Form.Item>
      <Form.Item name="requirement" label={t('cases.judge.requirement')}>
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={2000}
          placeholder={sub?.standard}
          data-testid="judge-requirement"
        />
      </Form.Item>
      <Form.Item name="mode" label={t('cases.judge.timeLimit')} style={{ marginBottom: 8 }}>
        <Radio.Group data-testid="judge-deadline-mode">
          <Space direction="vertical" size={4}>
            <Radio value="default">
              {sub
                ? t('cases.judge.modeDefault', { amount: sub.deadline.amount, unit: unitWord(sub.deadline.unit) })
                : t('cases.judge.modeDefaultNone')}
            </Radio>
            <Radio value="custom">{t('cases.judge.modeCustom')}</Radio>
            <Radio value="day">{t('cases.judge.modeDay')}</Radio>
          </Space>
        </Radio.Group>
      </Form.Item>
      {mode === 'custom' ? (
        <Space.Compact style={{ marginBottom: 16 }}>
          <Form.Item name="amount" noStyle rules={[reqNumber(t('cases.judge.amount'))]}>
            <InputNumber min={1} max={250} precision={0} style={{ width: 100 }} data-testid="judge-amount" />
          </Form.Item>
          <Form.Item name="unit" noStyle>
            <Select style={{ width: 120 }} options={deadlineUnits.map((u) => ({ value: u, label: unitWord(u) }))} />
          </Form.Item>
        </Space.Compact>
      ) : null}
      {mode === 'day' ? (
        <Form.Item name="day" rules={[req(t('cases.judge.day'))]} style={{ marginBottom: 16 }}>
          <Input
            type="date"
            min={cityDay(new Date(Date.now() + 86400_000).toISOString(), tz)}
            style={{ width: 180 }}
            data-testid="judge-day"
          />
        </Form.Item>
      ) : null}
      <Form.Item name="legacy" valuePropName="checked">
        <Checkbox data-testid="judge-legacy">{t('cases.judge.legacy')}</Checkbox>
      </Form.Item>
      {detail.proposedDeadline ? (
        <div style={{ marginBottom: 12 }} data-testid="judge-proposed-deadline">
          <Typography.Text type="secondary">{t('cases.proposedDeadline')}</Typography.Text>{' '}
          <Typography.Text strong>{fmtDeadline(detail.proposedDeadline, tz, lang)}</Typography.Text>
        </div>
      ) : null}
      <Space wrap>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="judge-save">
          {t('cases.judge.save')}
        </Button>
        {detail.judgedAt ? (
          <Typography.Text type="secondary">{t('cases.judge.savedAt', { at: fmtTime(detail.judgedAt, lang) })}</Typography.Text>
        ) : null}
      </Space>
    </Form>
  );
}
