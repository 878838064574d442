/**
 * 每日会商 (seed §4.2, SPEC.md M6): the day's problem list with its red / yellow / green
 * levels, compiled at 20:00, reviewed by the office at its evening meeting and pushed to
 * each responsible unit the next morning. Pick a day from the list or the date box; the
 * office compiles now (a preview before 20:00) and reviews with a note; everyone who may
 * read it downloads the Excel copy. A unit sees the lists pushed to it, its own items only.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Card,
  Col,
  Empty,
  Input,
  Modal,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { CheckCircleOutlined, FileExcelOutlined, ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { localDate, type RiskLevel } from '@cityloop/domain';
import type { Static } from 'typebox';
import type {
  Consolidation,
  ConsolidationItem,
  ConsolidationPage as ConsolidationPageSchema,
} from '@cityloop/server/schemas/consolidation';
import i18n, { useLang } from '../i18n.ts';
import { api, ApiError } from '../api.ts';
import { useSession, useShowError } from '../session.tsx';
import { fmtTime, PageHead, useFetch } from '../hooks.tsx';
import { RiskTag, StatusTag, useTimeZone } from '../cases/common.tsx';

type ConsolidationT = Static<typeof Consolidation>;
type ItemT = Static<typeof ConsolidationItem>;
type ListT = Static<typeof ConsolidationPageSchema>;
type Counts = ConsolidationT['counts'];

const zh = {
  cons: {
    title: '每日会商',
    intro: '每晚 8 点汇总当日发现的问题，标注红黄绿风险等级，经领导小组办公室会商审核后，次日上午推送至各责任单位。',
    unitIntro: '以下为推送给本单位的每日问题清单（仅含本单位负责或配合的问题）。',
    day: '日期',
    days: '历次清单',
    compiled: '汇编于 {{at}}',
    notCompiled: '该日尚未汇编问题清单',
    notPushedYet: '该日尚无推送给本单位的问题清单',
    compileNow: '立即汇编',
    recompile: '重新汇编',
    compiledOk: '已汇编 {{day}} 的问题清单：{{n}} 项',
    review: '审核',
    reviewTitle: '审核 {{day}} 的问题清单',
    reviewNote: '会商意见（选填）',
    reviewNotePlaceholder: '如：红色问题今晚交办，其余明日研判',
    reviewedOk: '已审核',
    reviewed: '已审核',
    reviewedBy: '{{who}} 于 {{at}} 审核',
    unreviewed: '未审核',
    pushed: '已推送',
    pushedAt: '{{at}} 已推送至责任单位',
    notPushed: '未推送',
    pushHint: '次日上午推送至各责任单位；未经审核的清单也会按时推送并标注“未经审核”。',
    frozenHint: '已审核或已推送的清单不再重新汇编；此后上报的问题列入下一日清单。',
    export: '导出 Excel',
    total: '合计',
    risk: '风险等级',
    red: '红色',
    yellow: '黄色',
    green: '绿色',
    unrated: '未研判',
    all: '全部',
    problem: '问题',
    subcategory: '问题小类',
    district: '片区',
    unit: '责任单位',
    suggested: '建议',
    suggestedHelp: '尚未研判交办，按分类与属地建议的责任单位',
    cooperating: '配合：{{names}}',
    noUnit: '尚无责任单位',
    reports: '线索',
    enteredAt: '入池时间',
    reasons: '列入原因',
    reasonNames: { new: '当日新发现', late: '前日会商后上报', judged: '当日研判', pending_red: '红色待交办' },
    byUnit: '按责任单位',
    empty: '当日没有问题',
    pick: '选择日期',
  },
};
const en: typeof zh = {
  cons: {
    title: 'Daily consolidation',
    intro:
      "Every evening at 20:00 the day's problems are compiled with red / yellow / green levels; the office reviews them at its meeting, and the next morning each responsible unit receives its part.",
    unitIntro: 'The daily lists pushed to your unit (only the problems your unit answers for or cooperates on).',
    day: 'Day',
    days: 'Lists',
    compiled: 'Compiled {{at}}',
    notCompiled: 'No list has been compiled for this day',
    notPushedYet: 'No list has been pushed to your unit for this day',
    compileNow: 'Compile now',
    recompile: 'Compile again',
    compiledOk: 'Compiled the list of {{day}}: {{n}} items',
    review: 'Review',
    reviewTitle: 'Review the list of {{day}}',
    reviewNote: 'Meeting note (optional)',
    reviewNotePlaceholder: 'e.g. assign the red item tonight, judge the rest tomorrow',
    reviewedOk: 'Reviewed',
    reviewed: 'Reviewed',
    reviewedBy: 'Reviewed by {{who}} at {{at}}',
    unreviewed: 'Not reviewed',
    pushed: 'Pushed',
    pushedAt: 'Pushed to the units at {{at}}',
    notPushed: 'Not pushed',
    pushHint: 'Pushed to the responsible units the next morning; a list not reviewed by then still goes out, marked as not reviewed.',
    frozenHint: 'A reviewed or pushed list is not compiled again; problems reported later go on the next day’s list.',
    export: 'Export to Excel',
    total: 'Total',
    risk: 'Risk',
    red: 'Red',
    yellow: 'Yellow',
    green: 'Green',
    unrated: 'Not judged',
    all: 'All',
    problem: 'Problem',
    subcategory: 'Subcategory',
    district: 'District',
    unit: 'Responsible unit',
    suggested: 'proposed',
    suggestedHelp: 'Not assigned yet: the unit routing proposes by category and area',
    cooperating: 'With: {{names}}',
    noUnit: 'No unit yet',
    reports: 'Reports',
    enteredAt: 'Entered',
    reasons: 'Listed because',
    reasonNames: {
      new: 'new that day',
      late: 'came after the previous list',
      judged: 'judged that day',
      pending_red: 'red, awaiting assignment',
    },
    byUnit: 'By unit',
    empty: 'No problems that day',
    pick: 'Pick a day',
  },
};
i18n.addResourceBundle('zh-CN', 'translation', zh, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);

type Filter = 'all' | RiskLevel | 'unrated';
const levelColor: Record<string, string> = { red: '#cf1322', yellow: '#d48806', green: '#389e0d', unrated: '#8c8c8c' };

function CountTags({ counts }: { counts: Counts }) {
  const { t } = useLang();
  return (
    <Space size={4} wrap>
      {(['red', 'yellow', 'green', 'unrated'] as const).map((k) =>
        counts[k] ? (
          <Tag key={k} color={k === 'unrated' ? 'default' : k === 'yellow' ? 'gold' : k} style={{ marginInlineEnd: 0 }}>
            {t(`cons.${k}`)} {counts[k]}
          </Tag>
        ) : null,
      )}
      {counts.total === 0 ? <Typography.Text type="secondary">0</Typography.Text> : null}
    </Space>
  );
}

export default function ConsolidationPage() {
  const { t, lang } = useLang();
  const { can } = useSession();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const timeZone = useTimeZone();
  const manage = can('consolidation.manage');
  const today = localDate(new Date(), timeZone);
  const days = useFetch<ListT>('/consolidations', { limit: 60 });
  const [day, setDay] = useState<string | null>(null);
  const [detail, setDetail] = useState<ConsolidationT | null>(null);
  const [missing, setMissing] = useState(false);
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [filter, setFilter] = useState<Filter>('all');
  const [reviewing, setReviewing] = useState(false);
  const [note, setNote] = useState('');

  // The newest list first; the office, with nothing yet, starts on today to compile it.
  useEffect(() => {
    if (day || !days.data) return;
    setDay(days.data.items[0]?.day ?? today);
  }, [days.data, day, today]);

  async function load(d: string) {
    setLoading(true);
    setMissing(false);
    try {
      setDetail(await api.get<ConsolidationT>(`/consolidations/${d}`));
    } catch (err) {
      setDetail(null);
      if (err instanceof ApiError && err.problem.code === 'consolidation.not_found') setMissing(true);
      else showError(err);
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    if (day) void load(day);
    // reloads on the day only (load is a plain function of the page)
  }, [day]);

  async function compile() {
    if (!day) return;
    setBusy(true);
    try {
      const c = await api.post<ConsolidationT>('/consolidations/compile', { day });
      setDetail(c);
      setMissing(false);
      void message.success(t('cons.compiledOk', { day, n: c.counts.total }));
      void days.reload();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  }

  async function review() {
    if (!day) return;
    setBusy(true);
    try {
      setDetail(await api.post<ConsolidationT>(`/consolidations/${day}/review`, { note: note.trim() || null }));
      setReviewing(false);
      setNote('');
      void message.success(t('cons.reviewedOk'));
      void days.reload();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  }

  const items = useMemo(
    () => (detail?.items ?? []).filter((i) => filter === 'all' || (filter === 'unrated' ? i.riskLevel === null : i.riskLevel === filter)),
    [detail, filter],
  );

  // times of the day's own items read as HH:mm; an older item (judged or still red) keeps its date
  const when = (iso: string) => {
    const d = new Date(iso);
    const local = localDate(d, timeZone);
    const hm = d.toLocaleTimeString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false });
    return local === detail?.day ? hm : `${local.slice(5)} ${hm}`;
  };

  const columns = [
    { title: '#', key: 'no', width: 44, render: (_: unknown, _i: ItemT, n: number) => n + 1 },
    { title: t('cons.risk'), key: 'risk', width: 132, render: (_: unknown, i: ItemT) => <RiskTag level={i.riskLevel} /> },
    {
      title: t('cons.problem'),
      key: 'title',
      render: (_: unknown, i: ItemT) => (
        <div>
          <Link to={`/cases/${i.problemId}`} data-testid="cons-item-link">
            {i.title}
          </Link>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[i.subcategoryCode ? `${i.subcategoryCode} ${i.subcategoryName ?? ''}` : null, i.districtName, i.address]
                .filter(Boolean)
                .join(' · ')}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: t('cons.unit'),
      key: 'unit',
      width: 190,
      render: (_: unknown, i: ItemT) =>
        i.unitName ? (
          <div>
            {i.unitName}{' '}
            {i.unitConfirmed ? null : (
              <Tooltip title={t('cons.suggestedHelp')}>
                <Tag style={{ marginInlineEnd: 0 }}>{t('cons.suggested')}</Tag>
              </Tooltip>
            )}
            {i.cooperatingUnitNames.length ? (
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('cons.cooperating', { names: i.cooperatingUnitNames.join('、') })}
                </Typography.Text>
              </div>
            ) : null}
          </div>
        ) : (
          <Typography.Text type="secondary">{t('cons.noUnit')}</Typography.Text>
        ),
    },
    { title: t('common.status'), key: 'status', width: 104, render: (_: unknown, i: ItemT) => <StatusTag status={i.status} /> },
    { title: t('cons.reports'), dataIndex: 'reportCount', key: 'reports', width: 60, align: 'right' as const },
    {
      title: t('cons.enteredAt'),
      key: 'at',
      width: 96,
      render: (_: unknown, i: ItemT) => <Tooltip title={fmtTime(i.createdAt, lang)}>{when(i.createdAt)}</Tooltip>,
    },
    {
      title: t('cons.reasons'),
      key: 'reasons',
      width: 130,
      render: (_: unknown, i: ItemT) => (
        <Space size={2} wrap>
          {i.reasons.map((r) => (
            <Tag key={r} color={r === 'pending_red' ? 'red' : r === 'late' ? 'purple' : undefined} style={{ marginInlineEnd: 0 }}>
              {t(`cons.reasonNames.${r}`)}
            </Tag>
          ))}
        </Space>
      ),
    },
  ];

  const c = detail;
  return (
    <>
      <PageHead
        title={t('cons.title')}
        extra={
          <Space>
            <span>{t('cons.day')}</span>
            <Input
              type="date"
              value={day ?? ''}
              max={today}
              onChange={(e) => e.target.value && setDay(e.target.value)}
              style={{ width: 160 }}
              data-testid="cons-day"
            />
            <Button icon={<ReloadOutlined />} onClick={() => (day ? void load(day) : undefined)} />
          </Space>
        }
      />
      {/* those who read the whole pool read whole lists; a unit reads its own part */}
      <Typography.Paragraph type="secondary">{can('problem.read') ? t('cons.intro') : t('cons.unitIntro')}</Typography.Paragraph>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={6} xxl={5}>
          <Card size="small" title={t('cons.days')} loading={days.loading && !days.data} styles={{ body: { padding: 0 } }}>
            <Table
              size="small"
              rowKey="day"
              dataSource={days.data?.items ?? []}
              pagination={false}
              scroll={{ y: 560 }}
              data-testid="cons-days"
              onRow={(r) =>
                ({
                  onClick: () => setDay(r.day),
                  style: { cursor: 'pointer', background: r.day === day ? '#e6f4ff' : undefined },
                }) as object
              }
              columns={[
                { title: t('cons.day'), dataIndex: 'day', key: 'day', width: 100 },
                {
                  title: t('cons.total'),
                  key: 'counts',
                  render: (_: unknown, r: ListT['items'][number]) => <CountTags counts={r.counts} />,
                },
                {
                  title: '',
                  key: 'state',
                  width: 28,
                  render: (_: unknown, r: ListT['items'][number]) => (
                    <Tooltip
                      title={`${r.reviewedAt ? t('cons.reviewed') : t('cons.unreviewed')} · ${r.pushedAt ? t('cons.pushed') : t('cons.notPushed')}`}
                    >
                      <Badge status={r.pushedAt ? 'success' : r.reviewedAt ? 'processing' : 'default'} />
                    </Tooltip>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={18} xxl={19}>
          <Card size="small" loading={loading && !c} data-testid="cons-detail">
            {!c ? (
              <Empty description={missing ? (can('problem.read') ? t('cons.notCompiled') : t('cons.notPushedYet')) : t('cons.pick')}>
                {manage && day && day <= today ? (
                  <Button type="primary" icon={<SyncOutlined />} loading={busy} onClick={() => void compile()} data-testid="cons-compile">
                    {t('cons.compileNow')}
                  </Button>
                ) : null}
              </Empty>
            ) : (
              <>
                <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
                  <Space direction="vertical" size={0}>
                    <Typography.Title level={5} style={{ margin: 0 }} data-testid="cons-title">
                      {c.day} {t('cons.title')}
                    </Typography.Title>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('cons.compiled', { at: fmtTime(c.compiledAt, lang) })} ·{' '}
                      {c.reviewedAt ? (
                        <Tag color="green" icon={<CheckCircleOutlined />} data-testid="cons-reviewed">
                          {t('cons.reviewedBy', { who: c.reviewedBy?.name ?? '', at: fmtTime(c.reviewedAt, lang) })}
                        </Tag>
                      ) : (
                        <Tag color="orange" data-testid="cons-unreviewed">
                          {t('cons.unreviewed')}
                        </Tag>
                      )}
                      {c.pushedAt ? (
                        <Tag color="blue">{t('cons.pushedAt', { at: fmtTime(c.pushedAt, lang) })}</Tag>
                      ) : (
                        <Tag>{t('cons.notPushed')}</Tag>
                      )}
                    </Typography.Text>
                  </Space>
                  <Space wrap>
                    {manage && c.open ? (
                      <Button icon={<SyncOutlined />} loading={busy} onClick={() => void compile()} data-testid="cons-compile">
                        {t('cons.recompile')}
                      </Button>
                    ) : null}
                    {manage && !c.reviewedAt ? (
                      <Button type="primary" icon={<CheckCircleOutlined />} onClick={() => setReviewing(true)} data-testid="cons-review">
                        {t('cons.review')}
                      </Button>
                    ) : null}
                    <Button icon={<FileExcelOutlined />} href={`/api/v1/consolidations/${c.day}.xlsx`} download data-testid="cons-export">
                      {t('cons.export')}
                    </Button>
                  </Space>
                </Space>
                {c.reviewNote ? (
                  <Alert type="success" showIcon title={c.reviewNote} style={{ marginBottom: 12 }} data-testid="cons-review-note" />
                ) : null}
                <Row gutter={12} style={{ marginBottom: 12 }}>
                  {(['total', 'red', 'yellow', 'green', 'unrated'] as const).map((k) => (
                    <Col key={k} xs={8} md={4}>
                      <Statistic
                        title={t(`cons.${k}`)}
                        value={c.counts[k]}
                        styles={{ content: k === 'total' ? undefined : { color: levelColor[k] } }}
                        data-testid={`cons-count-${k}`}
                      />
                    </Col>
                  ))}
                </Row>
                <Segmented<Filter>
                  value={filter}
                  onChange={setFilter}
                  style={{ marginBottom: 8 }}
                  options={(['all', 'red', 'yellow', 'green', 'unrated'] as const).map((k) => ({
                    value: k,
                    label: `${t(`cons.${k}`)}${k === 'all' ? '' : ` ${c.counts[k]}`}`,
                  }))}
                  data-testid="cons-filter"
                />
                <Table<ItemT>
                  size="small"
                  rowKey="problemId"
                  dataSource={items}
                  columns={columns}
                  pagination={items.length > 50 ? { pageSize: 50 } : false}
                  locale={{ emptyText: <Empty description={t('cons.empty')} /> }}
                  rowClassName={(i) => `cl-cons-${i.riskLevel ?? 'unrated'}`}
                  data-testid="cons-items"
                  scroll={{ x: 1120 }}
                />
                {c.units.length > 1 ? (
                  <Card size="small" type="inner" title={t('cons.byUnit')} style={{ marginTop: 12 }}>
                    <Space wrap size={[16, 8]}>
                      {c.units.map((u) => (
                        <Space key={u.unitId ?? 'none'} size={4}>
                          <Typography.Text strong={!!u.unitId} type={u.unitId ? undefined : 'secondary'}>
                            {u.unitName ?? t('cons.noUnit')}
                          </Typography.Text>
                          <CountTags counts={u.counts} />
                        </Space>
                      ))}
                    </Space>
                  </Card>
                ) : null}
                <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, marginBottom: 0 }}>
                  {c.open ? t('cons.pushHint') : t('cons.frozenHint')}
                </Typography.Paragraph>
              </>
            )}
          </Card>
        </Col>
      </Row>
      <Modal
        open={reviewing}
        title={t('cons.reviewTitle', { day: day ?? '' })}
        onCancel={() => setReviewing(false)}
        onOk={() => void review()}
        confirmLoading={busy}
        okText={t('cons.review')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'cons-review-save' }}
      >
        <Typography.Paragraph type="secondary">{t('cons.reviewNote')}</Typography.Paragraph>
        <Input.TextArea
          rows={3}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('cons.reviewNotePlaceholder')}
          data-testid="cons-review-note-input"
        />
      </Modal>
      <style>{css}</style>
    </>
  );
}

// The rows carry the list's colours, as in the Excel copy.
const css = `
.cl-cons-red > td { background: #fff1f0 !important; }
.cl-cons-yellow > td { background: #fffbe6 !important; }
.cl-cons-green > td { background: #f6ffed !important; }
`;
