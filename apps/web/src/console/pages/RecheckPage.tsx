/**
 * 回头看 (seed §4.4, §6.4, §7.1; SPEC.md M7): each quarter a random sample of closed cases
 * is re-inspected. The third party (or the inspectors) take their tasks here and record
 * what they found: passed, or relapsed with photos and a reason — the case then reopens as
 * 反弹重开 and the unit must rectify it again. A satisfaction survey under 80% sends a
 * closed case back the same way. The office draws an extra sample now; the table below
 * counts relapses against each unit (反弹率 ≤ 5%, §7.1).
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { ExperimentOutlined, ReloadOutlined, SmileOutlined } from '@ant-design/icons';
import { localDate, satisfactionForcesRework, satisfactionThreshold } from '@cityloop/domain';
import type { Static } from 'typebox';
import type {
  CompleteBody,
  RecheckPage as RecheckPageSchema,
  RecheckTask,
  SampleResult,
  SurveyResult,
  UnitRelapseReport,
} from '@cityloop/server/schemas/recheck';
import i18n, { useLang } from '../i18n.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';
import { fmtTime, PageHead, requiredRule, useFetch } from '../hooks.tsx';
import { CaseError, FileIdsInput, RiskTag, StatusTag, UploadBusyContext, fmtDeadline, useTimeZone } from '../cases/common.tsx';

type TaskT = Static<typeof RecheckTask>;
type PageT = Static<typeof RecheckPageSchema>;
type CompleteBodyT = Static<typeof CompleteBody>;
type SampleResultT = Static<typeof SampleResult>;
type SurveyResultT = Static<typeof SurveyResult>;
type UnitReportT = Static<typeof UnitRelapseReport>;
type UnitRowT = UnitReportT['units'][number];

const zh = {
  rc: {
    title: '回头看',
    intro:
      '按季度随机抽取已销号案件进行回头看，重点核查返黑返臭、设施损坏等反弹问题；发现反弹的案件重新打开整改，并计入责任单位考核。群众满意度低于 80% 的案件须重新整改。',
    tabs: { mine: '我的任务', open: '全部待核查', done: '已完成' },
    case: '案件',
    risk: '风险等级',
    unit: '责任单位',
    closedAt: '销号时间',
    batch: '抽查批次',
    due: '核查期限',
    assignee: '核查方',
    roles: { thirdparty: '第三方机构', inspector: '视察组', office: '领导小组办公室' },
    outcome: '结果',
    outcomes: { passed: '未反弹', relapsed: '反弹', cancelled: '已取消' },
    complete: '填报结果',
    completeTitle: '填报回头看结果',
    passed: '整改成效巩固，未反弹',
    relapsed: '发现反弹，重新整改',
    note: '核查情况',
    notePlaceholder: '现场核查情况；发现反弹时说明反弹情况（必填）',
    photos: '现场照片（发现反弹时至少 1 张）',
    relapseWarn: '提交后案件将转为“反弹重开”，责任单位须重新整改，反弹计入该单位考核。',
    done: '已记录',
    reopened: '案件已重新打开整改',
    survey: '满意度回访',
    surveyTitle: '满意度回访',
    score: '群众满意度（%）',
    surveyLow: '低于 {{n}}%：案件将退回重新整改',
    surveyOk: '不低于 {{n}}%：记录满意度，案件保持销号',
    surveyNote: '回访说明（选填）',
    surveyed: '已记录满意度 {{n}}%',
    sample: '立即抽查',
    sampleTitle: '立即抽查已销号案件',
    sampleHelp:
      '从本季度尚未回头看的已销号案件中按比例随机抽取（至少 1 件），生成核查任务并通知核查方。每季度的定期抽查由系统按设置自动进行。',
    rate: '抽查比例（%）',
    minDays: '销号满（天）',
    sampled: '从 {{eligible}} 件符合条件的案件中抽取 {{created}} 件（批次 {{period}}）',
    nothingToDraw: '没有符合条件的已销号案件',
    byUnit: '各单位反弹情况',
    byUnitHelp: '反弹率 = 回头看发现反弹数 ÷ 回头看核查数；目标不高于 {{target}}（§7.1）。',
    closed: '已销号',
    rechecked: '回头看',
    ok: '未反弹',
    relapsedCount: '反弹',
    lowSatisfaction: '满意度不足',
    rateCol: '反弹率',
    reopenCount: '累计重开',
    overTarget: '超过目标',
    totals: '合计',
    empty: '暂无回头看任务',
    noUnits: '暂无数据',
  },
};
const en: typeof zh = {
  rc: {
    title: 'Re-check',
    intro:
      'Each quarter a random sample of closed cases is re-inspected for relapses (black and odorous water again, broken facilities). A relapse reopens the case for rectification and counts against the responsible unit; satisfaction under 80% sends a case back too.',
    tabs: { mine: 'My tasks', open: 'All open', done: 'Done' },
    case: 'Case',
    risk: 'Risk',
    unit: 'Responsible unit',
    closedAt: 'Closed',
    batch: 'Draw',
    due: 'Due',
    assignee: 'Checked by',
    roles: { thirdparty: 'Third party', inspector: 'Inspectors', office: 'Office' },
    outcome: 'Outcome',
    outcomes: { passed: 'No relapse', relapsed: 'Relapsed', cancelled: 'Cancelled' },
    complete: 'Record result',
    completeTitle: 'Record the re-check',
    passed: 'Fix holds, no relapse',
    relapsed: 'Relapsed: rectify again',
    note: 'Findings',
    notePlaceholder: 'What was found on site; for a relapse, describe it (required)',
    photos: 'Site photos (at least 1 for a relapse)',
    relapseWarn: 'The case will be reopened (relapse) and the unit must rectify it again; the relapse counts against the unit.',
    done: 'Recorded',
    reopened: 'The case was reopened',
    survey: 'Satisfaction survey',
    surveyTitle: 'Satisfaction survey',
    score: 'Satisfaction (%)',
    surveyLow: 'Under {{n}}%: the case goes back for rectification',
    surveyOk: '{{n}}% or more: recorded, the case stays closed',
    surveyNote: 'Note (optional)',
    surveyed: 'Satisfaction {{n}}% recorded',
    sample: 'Sample now',
    sampleTitle: 'Draw closed cases for re-check now',
    sampleHelp:
      'Draws this share (at least one) of the closed cases not yet re-checked this quarter, creates their tasks and tells those who check. The quarterly draw runs by itself as scheduled.',
    rate: 'Share (%)',
    minDays: 'Closed at least (days)',
    sampled: 'Drew {{created}} of {{eligible}} eligible cases (draw {{period}})',
    nothingToDraw: 'No closed case is eligible',
    byUnit: 'Relapses by unit',
    byUnitHelp: 'Relapse rate = relapses found ÷ re-checks done; the target is at most {{target}} (§7.1).',
    closed: 'Closed',
    rechecked: 'Re-checked',
    ok: 'Passed',
    relapsedCount: 'Relapsed',
    lowSatisfaction: 'Low satisfaction',
    rateCol: 'Relapse rate',
    reopenCount: 'Reopened (all time)',
    overTarget: 'over target',
    totals: 'Total',
    empty: 'No re-check tasks',
    noUnits: 'No data yet',
  },
};
i18n.addResourceBundle('zh-CN', 'translation', zh, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

type View = 'mine' | 'open' | 'done';
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** The case a dialog is about, under its title (a long title in the modal's header runs under its close button). */
function TaskCase({ task }: { task: TaskT }) {
  return (
    <div style={{ marginBottom: 12 }} data-testid="rc-dialog-case">
      <Typography.Text strong>{task.title}</Typography.Text>
      {task.noticeNo || task.responsibleUnit ? (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[task.noticeNo, task.responsibleUnit?.name].filter(Boolean).join(' · ')}
          </Typography.Text>
        </div>
      ) : null}
    </div>
  );
}

function CompleteDialog({ task, onClose, onDone }: { task: TaskT | null; onClose: () => void; onDone: () => void }) {
  const { t } = useLang();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<CompleteBodyT>();
  const outcome = Form.useWatch('outcome', form);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [uploading, setUploading] = useState<Record<string, boolean>>({});
  const busy = Object.values(uploading).some(Boolean);

  async function save() {
    if (!task) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    setError(null);
    try {
      const body: CompleteBodyT = { outcome: v.outcome, note: v.note?.trim() || null, photoIds: v.photoIds ?? [] };
      await api.post<TaskT>(`/rechecks/${task.id}/complete`, body);
      void message.success(v.outcome === 'relapsed' ? t('rc.reopened') : t('rc.done'));
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
      title={t('rc.completeTitle')}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      onOk={() => void save()}
      confirmLoading={saving}
      okButtonProps={{ disabled: busy, danger: outcome === 'relapsed', 'data-testid': 'rc-complete-save' }}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {task ? <TaskCase task={task} /> : null}
      <CaseError error={error} />
      <UploadBusyContext.Provider value={(key, b) => setUploading((u) => ({ ...u, [key]: b }))}>
        <Form form={form} layout="vertical" initialValues={{ outcome: 'passed' }} preserve={false}>
          <Form.Item name="outcome">
            <Radio.Group data-testid="rc-outcome">
              <Radio value="passed">{t('rc.passed')}</Radio>
              <Radio value="relapsed">{t('rc.relapsed')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="note" label={t('rc.note')} rules={outcome === 'relapsed' ? [requiredRule(t, t('rc.note'))] : []}>
            <Input.TextArea rows={3} maxLength={2000} placeholder={t('rc.notePlaceholder')} data-testid="rc-note" />
          </Form.Item>
          <Form.Item
            name="photoIds"
            label={t('rc.photos')}
            rules={
              outcome === 'relapsed'
                ? [{ required: true, type: 'array', min: 1, message: t('common.required', { field: t('rc.photos') }) }]
                : []
            }
          >
            <FileIdsInput kind="photo" max={9} testId="rc-photos" />
          </Form.Item>
          {outcome === 'relapsed' ? <Alert type="warning" showIcon title={t('rc.relapseWarn')} /> : null}
        </Form>
      </UploadBusyContext.Provider>
    </Modal>
  );
}

function SurveyDialog({ task, onClose, onDone }: { task: TaskT | null; onClose: () => void; onDone: () => void }) {
  const { t } = useLang();
  const { message } = AntApp.useApp();
  const [score, setScore] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function save() {
    if (!task || score === null) return;
    setSaving(true);
    setError(null);
    try {
      const r = await api.post<SurveyResultT>('/rechecks/surveys', { problemId: task.problemId, score, note: note.trim() || null });
      void message.success(r.reopened ? t('rc.reopened') : t('rc.surveyed', { n: r.score }));
      setScore(null);
      setNote('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  const low = score !== null && satisfactionForcesRework(score);
  return (
    <Modal
      open={!!task}
      title={t('rc.surveyTitle')}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      onOk={() => void save()}
      confirmLoading={saving}
      okButtonProps={{ disabled: score === null, danger: low, 'data-testid': 'rc-survey-save' }}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
    >
      {task ? <TaskCase task={task} /> : null}
      <CaseError error={error} />
      <Space direction="vertical" style={{ width: '100%' }}>
        <span>{t('rc.score')}</span>
        <InputNumber min={0} max={100} value={score} onChange={(v) => setScore(v)} style={{ width: 160 }} data-testid="rc-score" />
        {score !== null ? (
          <Alert
            type={low ? 'warning' : 'success'}
            showIcon
            title={t(low ? 'rc.surveyLow' : 'rc.surveyOk', { n: satisfactionThreshold })}
          />
        ) : null}
        <span>{t('rc.surveyNote')}</span>
        <Input.TextArea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      </Space>
    </Modal>
  );
}

function SampleDialog({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t } = useLang();
  const { message } = AntApp.useApp();
  // the city's configured rate (loop settings) as the starting value
  const settings = useFetch<{ settings: { recheckRate: number } }>(open ? '/loop-settings' : null);
  const [rate, setRate] = useState<number | null>(null);
  const [minDays, setMinDays] = useState<number | null>(30);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const shownRate = rate ?? Math.round((settings.data?.settings.recheckRate ?? 0.3) * 100);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const r = await api.post<SampleResultT>('/rechecks/sample', { rate: shownRate / 100, minDaysClosed: minDays ?? 30 });
      if (r.created > 0)
        void message.success(t('rc.sampled', { eligible: r.eligible, created: r.created, period: r.periodKey.split('/')[0] }));
      else void message.info(t('rc.nothingToDraw'));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={open}
      title={t('rc.sampleTitle')}
      onCancel={onClose}
      onOk={() => void save()}
      confirmLoading={saving}
      okText={t('rc.sample')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'rc-sample-save' }}
    >
      <CaseError error={error} />
      <Typography.Paragraph type="secondary">{t('rc.sampleHelp')}</Typography.Paragraph>
      <Space size="large" wrap>
        <Space direction="vertical" size={4}>
          <span>{t('rc.rate')}</span>
          <InputNumber min={1} max={100} value={shownRate} onChange={(v) => setRate(v)} data-testid="rc-rate" />
        </Space>
        <Space direction="vertical" size={4}>
          <span>{t('rc.minDays')}</span>
          <InputNumber min={0} max={365} value={minDays} onChange={(v) => setMinDays(v)} data-testid="rc-min-days" />
        </Space>
      </Space>
    </Modal>
  );
}

function UnitTable() {
  const { t } = useLang();
  const { data, loading } = useFetch<UnitReportT>('/rechecks/units');
  const num = (k: keyof UnitRowT, title: string) => ({ title, dataIndex: k, key: k, width: 90, align: 'right' as const });
  return (
    <Card
      size="small"
      title={t('rc.byUnit')}
      extra={data ? <Typography.Text type="secondary">{t('rc.byUnitHelp', { target: pct(data.target) })}</Typography.Text> : null}
      style={{ marginTop: 12 }}
    >
      <Table<UnitRowT>
        size="small"
        rowKey="unitId"
        loading={loading && !data}
        dataSource={data?.units ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={t('rc.noUnits')} /> }}
        data-testid="rc-units"
        columns={[
          { title: t('rc.unit'), dataIndex: 'unitName', key: 'unit' },
          num('closed', t('rc.closed')),
          num('rechecked', t('rc.rechecked')),
          num('passed', t('rc.ok')),
          num('relapsed', t('rc.relapsedCount')),
          num('lowSatisfaction', t('rc.lowSatisfaction')),
          {
            title: t('rc.rateCol'),
            key: 'rate',
            width: 130,
            align: 'right' as const,
            render: (_: unknown, u: UnitRowT) =>
              u.overTarget ? (
                <Tooltip title={t('rc.overTarget')}>
                  <Tag color="red" style={{ marginInlineEnd: 0 }}>
                    {pct(u.relapseRate)}
                  </Tag>
                </Tooltip>
              ) : (
                pct(u.relapseRate)
              ),
          },
          num('reopenCount', t('rc.reopenCount')),
        ]}
        summary={() =>
          data && data.units.length > 1 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>
                <Typography.Text strong>{t('rc.totals')}</Typography.Text>
              </Table.Summary.Cell>
              {(['closed', 'rechecked', 'passed', 'relapsed', 'lowSatisfaction'] as const).map((k, i) => (
                <Table.Summary.Cell key={k} index={i + 1} align="right">
                  {data.totals[k]}
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={6} align="right">
                {pct(data.totals.relapseRate)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7} />
            </Table.Summary.Row>
          ) : null
        }
      />
    </Card>
  );
}

export default function RecheckPage() {
  const { t, lang } = useLang();
  const { can, me } = useSession();
  const timeZone = useTimeZone();
  const office = me?.roles.includes('office') ?? false;
  const surveys = office || (me?.roles.includes('thirdparty') ?? false);
  const [view, setView] = useState<View>(office ? 'open' : 'mine');
  const [offset, setOffset] = useState(0);
  const { data, loading, reload } = useFetch<PageT>('/rechecks', { view, limit: 20, offset });
  const [completing, setCompleting] = useState<TaskT | null>(null);
  const [surveying, setSurveying] = useState<TaskT | null>(null);
  const [sampling, setSampling] = useState(false);
  const [unitsKey, setUnitsKey] = useState(0);

  const refresh = () => {
    void reload();
    setUnitsKey((k) => k + 1);
  };

  const columns = [
    {
      title: t('rc.case'),
      key: 'case',
      width: 280,
      render: (_: unknown, r: TaskT) => (
        <div>
          <Link to={`/cases/${r.problemId}`} data-testid="rc-case-link">
            {r.title}
          </Link>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[r.noticeNo, r.address].filter(Boolean).join(' · ')}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: t('rc.risk'), key: 'risk', width: 120, render: (_: unknown, r: TaskT) => <RiskTag level={r.riskLevel} /> },
    { title: t('rc.unit'), key: 'unit', width: 150, render: (_: unknown, r: TaskT) => r.responsibleUnit?.name ?? '' },
    {
      title: t('rc.closedAt'),
      key: 'closed',
      width: 110,
      render: (_: unknown, r: TaskT) => (r.closedAt ? localDate(new Date(r.closedAt), timeZone) : ''),
    },
    { title: t('common.status'), key: 'status', width: 110, render: (_: unknown, r: TaskT) => <StatusTag status={r.caseStatus} /> },
    {
      title: t('rc.batch'),
      key: 'batch',
      width: 110,
      render: (_: unknown, r: TaskT) => (
        <Tooltip title={r.periodKey}>
          <span>{r.periodKey?.split('/')[0]}</span>
        </Tooltip>
      ),
    },
    {
      title: t('rc.assignee'),
      key: 'assignee',
      width: 110,
      render: (_: unknown, r: TaskT) =>
        r.assignee?.name ?? (r.assigneeRole ? t(`rc.roles.${r.assigneeRole}`, { defaultValue: r.assigneeRole }) : ''),
    },
    view === 'done'
      ? {
          title: t('rc.outcome'),
          key: 'outcome',
          width: 220,
          render: (_: unknown, r: TaskT) => {
            const key = r.status === 'cancelled' ? 'cancelled' : (r.outcome ?? '');
            return (
              <div>
                <Tag color={key === 'relapsed' ? 'red' : key === 'passed' ? 'green' : 'default'}>
                  {t(`rc.outcomes.${key}`, { defaultValue: key })}
                </Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.doneAt ? fmtTime(r.doneAt, lang) : ''} {r.doneBy?.name ?? ''}
                </Typography.Text>
                {r.outcomeNote ? <div style={{ fontSize: 12 }}>{r.outcomeNote}</div> : null}
              </div>
            );
          },
        }
      : { title: t('rc.due'), key: 'due', width: 110, render: (_: unknown, r: TaskT) => fmtDeadline(r.dueAt, timeZone, lang) },
    ...(view === 'done'
      ? []
      : [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            render: (_: unknown, r: TaskT) => (
              <Space size={4}>
                <Button size="small" type="primary" onClick={() => setCompleting(r)} data-testid="rc-complete">
                  {t('rc.complete')}
                </Button>
                {surveys && r.caseStatus === 'closed' ? (
                  <Button size="small" icon={<SmileOutlined />} onClick={() => setSurveying(r)} data-testid="rc-survey">
                    {t('rc.survey')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]),
  ];

  return (
    <>
      <PageHead
        title={t('rc.title')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={refresh} />
            {can('case.verify') ? (
              <Button type="primary" icon={<ExperimentOutlined />} onClick={() => setSampling(true)} data-testid="rc-sample">
                {t('rc.sample')}
              </Button>
            ) : null}
          </Space>
        }
      />
      <Typography.Paragraph type="secondary">{t('rc.intro')}</Typography.Paragraph>
      <Card size="small">
        <Tabs
          activeKey={view}
          onChange={(k) => {
            setView(k as View);
            setOffset(0);
          }}
          items={(['mine', 'open', 'done'] as const).map((k) => ({ key: k, label: t(`rc.tabs.${k}`) }))}
          data-testid="rc-tabs"
        />
        <Table<TaskT>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 1100 }}
          locale={{ emptyText: <Empty description={t('rc.empty')} /> }}
          data-testid="rc-tasks"
          onRow={(r) => ({ 'data-testid': `rc-task-${r.problemId}` }) as React.HTMLAttributes<HTMLElement>}
          pagination={{
            current: offset / 20 + 1,
            pageSize: 20,
            total: data?.total ?? 0,
            showSizeChanger: false,
            onChange: (p) => setOffset((p - 1) * 20),
          }}
        />
      </Card>
      {can('escalation.read') ? <UnitTable key={unitsKey} /> : null}
      <CompleteDialog task={completing} onClose={() => setCompleting(null)} onDone={() => (setCompleting(null), refresh())} />
      <SurveyDialog task={surveying} onClose={() => setSurveying(null)} onDone={() => (setSurveying(null), refresh())} />
      <SampleDialog open={sampling} onClose={() => setSampling(false)} onDone={() => (setSampling(false), refresh())} />
    </>
  );
}
