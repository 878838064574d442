/**
 * 约谈名单 (三级督办): the month's list made on the 1st — each unit with lagging cases, the
 * cases attached, the leader who interviews its head — and the record that the interview
 * took place (office and leaders). A unit sees whether it is on the list.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { App as AntApp, Alert, Button, Card, Col, Empty, Form, Input, List, Modal, Row, Select, Space, Tag, Typography } from 'antd';
import { CheckCircleOutlined, UserOutlined } from '@ant-design/icons';
import { useLang } from '../i18n.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { fmtTime, PageHead, requiredRule, useFetch } from '../hooks.tsx';
import { CaseError, fmtDeadline, OverdueTag, StatusTag, useTimeZone } from '../cases/common.tsx';
import type { InterviewT } from '../escalation/common.tsx';
import '../escalation/strings.ts';

interface ListT {
  period: string;
  periods: { period: string; units: number; held: number }[];
  items: InterviewT[];
}

const statusColor = { scheduled: 'orange', held: 'green', cancelled: 'default' } as const;

function HeldModal({ interview, onClose, onDone }: { interview: InterviewT | null; onClose: () => void; onDone: () => void }) {
  const { t } = useLang();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ notes: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function save() {
    if (!interview) return;
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      await api.post(`/interviews/${interview.id}/held`, { notes: v.notes });
      void message.success(t('interview.held'));
      form.resetFields();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal
      open={!!interview}
      title={interview ? t('interview.heldTitle', { unit: interview.unit.name }) : ''}
      onCancel={onClose}
      onOk={() => void save()}
      confirmLoading={saving}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'interview-save' }}
      destroyOnHidden
    >
      <CaseError error={error} />
      <Form form={form} layout="vertical" requiredMark={false} disabled={saving}>
        <Form.Item name="notes" label={t('interview.notes')} rules={[requiredRule(t, t('interview.notes'))]}>
          <Input.TextArea rows={5} maxLength={4000} showCount placeholder={t('interview.notesPlaceholder')} data-testid="interview-notes" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function InterviewsPage() {
  const { t, lang } = useLang();
  const tz = useTimeZone();
  const { can } = useSession();
  const [period, setPeriod] = useState<string | undefined>();
  const [doing, setDoing] = useState<InterviewT | null>(null);
  const { data, loading, reload } = useFetch<ListT>('/interviews', { period });
  const mayManage = can('escalation.manage');
  const items = data?.items ?? [];
  return (
    <div data-testid="interviews-page">
      <PageHead
        title={t('interview.title')}
        extra={
          <Space>
            <span>{t('interview.month')}</span>
            <Select
              style={{ width: 200 }}
              value={data?.period}
              onChange={setPeriod}
              loading={loading}
              options={(data?.periods ?? []).map((p) => ({
                value: p.period,
                label: `${p.period}（${t('interview.units', { n: p.units })}）`,
              }))}
              data-testid="interview-month"
            />
          </Space>
        }
      />
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('interview.intro')} />
      {!loading && items.length === 0 ? <Empty description={t('interview.noList')} /> : null}
      <Row gutter={[16, 16]}>
        {items.map((i) => (
          <Col key={i.id} xs={24} lg={12} xxl={8}>
            <Card
              size="small"
              data-testid="interview-card"
              title={
                <Space wrap>
                  <span data-testid="interview-unit">{i.unit.name}</span>
                  <Tag color={statusColor[i.status]} data-testid="interview-status">
                    {t(`interview.status.${i.status}`)}
                  </Tag>
                </Space>
              }
              extra={
                mayManage && i.status === 'scheduled' ? (
                  <Button size="small" type="primary" onClick={() => setDoing(i)} data-testid="interview-mark-held">
                    {t('interview.markHeld')}
                  </Button>
                ) : null
              }
            >
              <Space orientation="vertical" style={{ width: '100%' }} size={8}>
                <Space>
                  <UserOutlined />
                  <span>{t('interview.leader')}：</span>
                  {i.leader ? (
                    <strong data-testid="interview-leader">{i.leader.name}</strong>
                  ) : (
                    <Typography.Text type="secondary">{t('interview.noLeader')}</Typography.Text>
                  )}
                </Space>
                {i.status === 'held' ? (
                  <Alert
                    type="success"
                    showIcon
                    icon={<CheckCircleOutlined />}
                    title={t('interview.heldAt', { at: fmtTime(i.heldAt, lang) })}
                    description={<span style={{ whiteSpace: 'pre-wrap' }}>{i.notes}</span>}
                  />
                ) : null}
                <Typography.Text strong>{t('interview.cases', { n: i.cases.length })}</Typography.Text>
                <List
                  size="small"
                  bordered
                  dataSource={i.cases}
                  renderItem={(c) => (
                    <List.Item data-testid="interview-case">
                      <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                        <Link to={`/cases/${c.id}`}>{c.title}</Link>
                        <Space size={4} wrap>
                          <StatusTag status={c.status} />
                          {c.overdue ? <OverdueTag /> : null}
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {t('esc.deadline')} {fmtDeadline(c.deadline, tz, lang)}
                          </Typography.Text>
                        </Space>
                      </Space>
                    </List.Item>
                  )}
                />
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      <HeldModal
        interview={doing}
        onClose={() => setDoing(null)}
        onDone={() => {
          setDoing(null);
          void reload();
        }}
      />
    </div>
  );
}
