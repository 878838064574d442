/**
 * 督办与会商时间: when the loop's scheduled jobs run (the three escalation levels, the daily
 * consolidation and its push, the 回头看 sampling and its rate), and how their last and next
 * runs went. Admins and the office change the times; the jobs are re-timed at once.
 */
import { useEffect, useState } from 'react';
import { App as AntApp, Alert, Button, Card, Col, Form, InputNumber, Row, Select, Space, Table, Tag } from 'antd';
import { request } from '../api.ts';
import { useLang } from '../i18n.ts';
import { useShowError } from '../session.tsx';
import { fmtTime, PageHead, useFetch } from '../hooks.tsx';
import type { LoopSettingsViewT } from '../escalation/common.tsx';
import '../escalation/strings.ts';

type Settings = LoopSettingsViewT['settings'];
type JobT = LoopSettingsViewT['jobs'][number];
const timeKeys = ['escalationTime', 'verificationTime', 'interviewTime', 'consolidationTime', 'pushTime', 'recheckTime'] as const;
type FormValues = Omit<Settings, 'recheckRate'> & { recheckPercent: number };

const quarterHours = Array.from({ length: 96 }, (_, i) => {
  const hm = `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`;
  return { value: hm, label: hm };
});
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const statusColor = { running: 'processing', done: 'green', failed: 'red' } as const;

function toForm(s: Settings): FormValues {
  const { recheckRate, ...rest } = s;
  return { ...rest, recheckPercent: Math.round(recheckRate * 100) };
}

export default function LoopSettingsPage() {
  const { t, lang } = useLang();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const { data, loading, setData } = useFetch<LoopSettingsViewT>('/loop-settings');
  useEffect(() => {
    if (data) form.setFieldsValue(toForm(data.settings));
  }, [data, form]);

  async function save() {
    const v = await form.validateFields();
    const body: Record<string, unknown> = {
      verificationDay: v.verificationDay,
      interviewDay: v.interviewDay,
      recheckDay: v.recheckDay,
      recheckRate: v.recheckPercent / 100,
    };
    for (const k of timeKeys) body[k] = v[k];
    setSaving(true);
    try {
      setData(await request<LoopSettingsViewT>('PUT', '/loop-settings', body));
      void message.success(t('loop.saved'));
    } catch (err) {
      showError(err);
    } finally {
      setSaving(false);
    }
  }

  // 24-hour times every quarter of an hour (a stored time off the quarter still shows as it is)
  const time = (name: (typeof timeKeys)[number]) => (
    <Form.Item name={name} noStyle rules={[{ required: true }]}>
      <Select style={{ width: 100 }} showSearch options={quarterHours} data-testid={`loop-${name}`} />
    </Form.Item>
  );
  const dayOfMonth = (name: 'interviewDay' | 'recheckDay') => (
    <Form.Item name={name} noStyle rules={[{ required: true }]}>
      <Select
        style={{ width: 100 }}
        options={Array.from({ length: 28 }, (_, i) => ({ value: i + 1, label: t('loop.dayOfMonth', { d: i + 1 }) }))}
        data-testid={`loop-${name}`}
      />
    </Form.Item>
  );

  return (
    <div data-testid="loop-settings-page">
      <PageHead title={t('loop.title')} />
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('loop.intro', { tz: data?.timezone ?? 'Asia/Shanghai' })} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={11}>
          <Card size="small" loading={loading && !data}>
            <Form<FormValues>
              form={form}
              layout="horizontal"
              labelCol={{ span: 11 }}
              wrapperCol={{ span: 13 }}
              disabled={saving}
              requiredMark={false}
            >
              <Form.Item label={t('loop.escalationTime')}>{time('escalationTime')}</Form.Item>
              <Form.Item label={t('loop.verification')}>
                <Space.Compact>
                  <Form.Item name="verificationDay" noStyle>
                    <Select
                      style={{ width: 100 }}
                      options={weekdays.map((w) => ({ value: w, label: t(`loop.weekdays.${w}`) }))}
                      data-testid="loop-verificationDay"
                    />
                  </Form.Item>
                  {time('verificationTime')}
                </Space.Compact>
              </Form.Item>
              <Form.Item label={t('loop.interview')}>
                <Space.Compact>
                  {dayOfMonth('interviewDay')}
                  {time('interviewTime')}
                </Space.Compact>
              </Form.Item>
              <Form.Item label={t('loop.consolidationTime')}>{time('consolidationTime')}</Form.Item>
              <Form.Item label={t('loop.pushTime')}>{time('pushTime')}</Form.Item>
              <Form.Item label={t('loop.recheck')}>
                <Space.Compact>
                  {dayOfMonth('recheckDay')}
                  {time('recheckTime')}
                </Space.Compact>
              </Form.Item>
              <Form.Item label={t('loop.recheckRate')}>
                <Form.Item name="recheckPercent" noStyle rules={[{ required: true }]}>
                  <InputNumber min={0} max={100} step={5} suffix="%" style={{ width: 120 }} data-testid="loop-recheckRate" />
                </Form.Item>
              </Form.Item>
              <Form.Item wrapperCol={{ offset: 11 }}>
                <Button type="primary" onClick={() => void save()} loading={saving} data-testid="loop-save">
                  {t('common.save')}
                </Button>
              </Form.Item>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={13}>
          <Card size="small" title={t('loop.jobs')}>
            <Table<JobT>
              rowKey="name"
              size="small"
              pagination={false}
              loading={loading}
              dataSource={data?.jobs ?? []}
              data-testid="loop-jobs"
              columns={[
                { title: t('loop.job'), key: 'name', render: (_, j) => t(`loop.jobNames.${j.name}`) },
                { title: t('loop.schedule'), key: 'schedule', render: (_, j) => <code>{j.schedule}</code> },
                { title: t('loop.nextRun'), key: 'next', render: (_, j) => fmtTime(j.nextRunAt, lang) },
                { title: t('loop.lastRun'), key: 'last', render: (_, j) => fmtTime(j.lastRunAt, lang) },
                {
                  title: t('loop.lastStatus'),
                  key: 'status',
                  render: (_, j) =>
                    j.lastStatus ? <Tag color={statusColor[j.lastStatus]}>{t(`loop.statuses.${j.lastStatus}`)}</Tag> : null,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
