/**
 * 核查任务 (二级督办): the office's on-site checks, one per case of concern per fortnight,
 * made by the weekly job. The office records what it found — on track (the level-2
 * escalation ends) or lagging (the unit goes on next month's interview list) — with a note
 * and photos. A unit sees the checks of its own cases.
 */
import { useState } from 'react';
import { App as AntApp, Alert, Button, Form, Input, Modal, Radio, Segmented, Space, Table, Tag, Typography } from 'antd';
import { addCalendarDays } from '@cityloop/domain';
import { useLang } from '../i18n.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { fmtTime, PageHead, requiredRule, useFetch } from '../hooks.tsx';
import { CaseCell, CaseError, FileIdsInput, fmtDeadline, Thumbs, UploadBusyContext, useTimeZone } from '../cases/common.tsx';
import type { Page, VerificationTaskT } from '../escalation/common.tsx';
import '../escalation/strings.ts';

type Status = VerificationTaskT['status'];
interface CompleteForm {
  outcome: 'on_track' | 'lagging';
  note: string;
  photos?: string[];
}

function CompleteModal({ task, onClose, onDone }: { task: VerificationTaskT | null; onClose: () => void; onDone: () => void }) {
  const { t } = useLang();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<CompleteForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const uploading = Object.values(busy).some(Boolean);
  async function save() {
    if (!task) return;
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      await api.post(`/verification-tasks/${task.id}/complete`, { outcome: v.outcome, note: v.note, photos: v.photos ?? [] });
      void message.success(t('verify.completed'));
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
      open={!!task}
      title={task ? t('verify.completeTitle', { title: task.title }) : ''}
      onCancel={onClose}
      onOk={() => void save()}
      confirmLoading={saving}
      okButtonProps={{ disabled: uploading, 'data-testid': 'verify-save' }}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <CaseError error={error} />
      <UploadBusyContext.Provider value={(k, b) => setBusy((s) => ({ ...s, [k]: b }))}>
        <Form<CompleteForm> form={form} layout="vertical" requiredMark={false} initialValues={{ outcome: 'on_track' }} disabled={saving}>
          <Form.Item name="outcome" label={t('verify.outcome')} rules={[{ required: true }]}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              data-testid="verify-outcome"
              options={[
                { value: 'on_track', label: t('verify.outcomes.on_track') },
                { value: 'lagging', label: t('verify.outcomes.lagging') },
              ]}
            />
          </Form.Item>
          <Form.Item name="note" label={t('verify.note')} rules={[requiredRule(t, t('verify.note'))]}>
            <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('verify.notePlaceholder')} data-testid="verify-note" />
          </Form.Item>
          <Form.Item name="photos" label={t('verify.photos')}>
            <FileIdsInput kind="photo" max={9} testId="verify-photos" />
          </Form.Item>
        </Form>
      </UploadBusyContext.Provider>
    </Modal>
  );
}

export default function VerificationTasksPage() {
  const { t, lang } = useLang();
  const tz = useTimeZone();
  const { can } = useSession();
  const [status, setStatus] = useState<Status>('open');
  const [page, setPage] = useState(1);
  const [doing, setDoing] = useState<VerificationTaskT | null>(null);
  const pageSize = 20;
  const { data, loading, reload } = useFetch<Page<VerificationTaskT>>('/verification-tasks', {
    status,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const mayComplete = can('case.verify');
  return (
    <div data-testid="verification-page">
      <PageHead title={t('verify.title')} />
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('verify.intro')} />
      <Space style={{ marginBottom: 12 }}>
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as Status);
            setPage(1);
          }}
          options={(['open', 'done', 'cancelled'] as const).map((s) => ({ value: s, label: t(`verify.status.${s}`) }))}
          data-testid="verify-status"
        />
      </Space>
      <Table<VerificationTaskT>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('verify.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (n) => `${t('common.all')} ${n}`,
        }}
        data-testid="verify-list"
        columns={[
          {
            title: t('esc.case'),
            key: 'case',
            render: (_, r) => <CaseCell {...r} testId="verify-case" />,
          },
          { title: t('esc.unit'), key: 'unit', width: 150, render: (_, r) => r.unit?.name ?? '' },
          {
            title: t('verify.why'),
            key: 'why',
            width: 130,
            render: (_, r) => (r.why ? <Tag color={r.why === 'red' ? 'red' : 'orange'}>{t(`esc.why.${r.why}`)}</Tag> : null),
          },
          { title: t('esc.deadline'), key: 'deadline', width: 120, render: (_, r) => fmtDeadline(r.deadline, tz, lang) },
          {
            title: t('verify.fortnight'),
            key: 'period',
            width: 190,
            // the task is due by the fortnight's last day
            render: (_, r) => t('verify.fortnightRange', { start: r.periodKey, end: addCalendarDays(r.periodKey, 13) }),
          },
          {
            title: t('verify.outcome'),
            key: 'outcome',
            render: (_, r) =>
              r.status === 'done' && r.outcome ? (
                <Space orientation="vertical" size={4}>
                  <Tag color={r.outcome === 'on_track' ? 'green' : 'red'} data-testid="verify-outcome-tag">
                    {t(`verify.outcomes.${r.outcome}`)}
                  </Tag>
                  <Typography.Text style={{ fontSize: 13 }}>{r.note}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('verify.doneBy', { who: r.doneBy ?? '', at: fmtTime(r.doneAt, lang) })}
                  </Typography.Text>
                  <Thumbs ids={r.photos} size={48} />
                </Space>
              ) : r.status === 'cancelled' ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('verify.cancelledNote')}
                </Typography.Text>
              ) : mayComplete ? (
                <Button type="primary" size="small" onClick={() => setDoing(r)} data-testid="verify-complete">
                  {t('verify.complete')}
                </Button>
              ) : (
                <Tag>{t('verify.status.open')}</Tag>
              ),
          },
        ]}
      />
      <CompleteModal
        task={doing}
        onClose={() => setDoing(null)}
        onDone={() => {
          setDoing(null);
          void reload();
        }}
      />
    </div>
  );
}
