/**
 * One problem of the pool: its facts, every report (source, ticket, photos,
 * masked reporter), the history, and the office's actions — override the
 * category, merge into another problem, split reports off into a new one.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Empty,
  Image,
  Input,
  Modal,
  Select,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { BranchesOutlined, FileDoneOutlined, MergeCellsOutlined, TagsOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import {
  caseActionLabels,
  caseEventLabels,
  isOpenProblem,
  problemStatusInfo,
  reportSourceLabels,
  type CaseAction,
  type CaseEventAction,
  type ProblemStatus,
} from '@cityloop/domain';
import { api } from '../api.ts';
import { fmtTime } from '../hooks.tsx';
import { useLang } from '../i18n.ts';
import { useSession, useShowError } from '../session.tsx';
import { statusColor } from './common.ts';
import type { CategoryBodyT, MergeBodyT, ProblemDetailT, ProblemPageT, ProblemReportT, SplitBodyT, TaxonomyT } from './types.ts';

interface Props {
  id: string | null;
  taxonomy: TaxonomyT | null;
  canManage: boolean;
  onClose: () => void;
  onOpen: (id: string) => void;
  onChanged: () => void;
}

const openStatuses = ['pending_judgment', 'assigned', 'in_progress', 'pending_verification', 'returned'].join(',');

export function ProblemDrawer({ id, taxonomy, canManage, onClose, onOpen, onChanged }: Props) {
  const { t, pick, lang } = useLang();
  const { message, modal } = AntApp.useApp();
  const showError = useShowError();
  const [detail, setDetail] = useState<ProblemDetailT | null>(null);
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [newCategory, setNewCategory] = useState<string | undefined>();
  const [reason, setReason] = useState('');
  const [mergeOpen, setMergeOpen] = useState(false);
  const navigate = useNavigate();
  const { can } = useSession();
  // the pool's own events have their words in pool.actions; the loop's (研判, 交办 … 回头看) are the domain's
  const eventLabel = (action: string): string => {
    const own = t(`pool.actions.${action}`, { defaultValue: '' });
    if (own) return own;
    const label = caseActionLabels[action as CaseAction] ?? caseEventLabels[action as CaseEventAction];
    return label ? pick(label) : action;
  };

  useEffect(() => {
    setDetail(null);
    setSelected([]);
    setNewCategory(undefined);
    setReason('');
    if (!id) return;
    const ac = new AbortController();
    setLoading(true);
    api
      .get<ProblemDetailT>(`/problems/${id}`, undefined, ac.signal)
      .then(setDetail, (err) => {
        if ((err as Error).name !== 'AbortError') showError(err);
      })
      .finally(() => setLoading(false));
    return () => ac.abort();
  }, [id]);

  const subName = (code: string | null | undefined) => {
    if (!code) return '—';
    const s = taxonomy?.subcategories.find((x) => x.code === code);
    return s ? `${code} ${pick({ zh: s.name, en: s.nameEn || s.name })}` : code;
  };
  const subOptions = useMemo(
    () =>
      (taxonomy?.categories ?? []).map((c) => ({
        label: `${c.code} ${pick({ zh: c.name, en: c.nameEn || c.name })}`,
        options: taxonomy!.subcategories
          .filter((s) => s.categoryCode === c.code)
          .map((s) => ({
            value: s.code,
            label: `${s.code} ${pick({ zh: s.name, en: s.nameEn || s.name })}`,
          })),
      })),
    [taxonomy, lang],
  );

  const editable = !!detail && canManage && isOpenProblem(detail.status as ProblemStatus);

  async function act<T>(fn: () => Promise<T>, after: (r: T) => void) {
    setBusy(true);
    try {
      const r = await fn();
      after(r);
      void message.success(t('pool.done'));
      onChanged();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  }

  function confirmCategory() {
    if (!detail || !newCategory) return;
    modal.confirm({
      title: t('pool.overrideCategory'),
      content: t('pool.overrideConfirm', { name: subName(newCategory) }),
      okButtonProps: { 'data-testid': 'pool-confirm-ok' },
      onOk: () =>
        act(
          () =>
            api.post<ProblemDetailT>(`/problems/${detail.id}/category`, {
              subcategoryCode: newCategory,
              ...(reason.trim() ? { reason: reason.trim() } : {}),
            } satisfies CategoryBodyT),
          (d) => {
            setDetail(d);
            setNewCategory(undefined);
            setReason('');
          },
        ),
    });
  }

  function confirmSplit() {
    if (!detail || !selected.length) return;
    modal.confirm({
      title: t('pool.split'),
      content: t('pool.splitConfirm', { n: selected.length }),
      okButtonProps: { 'data-testid': 'pool-confirm-ok' },
      onOk: () =>
        act(
          () =>
            api.post<ProblemDetailT>(`/problems/${detail.id}/split`, {
              reportIds: selected,
            } satisfies SplitBodyT),
          (created) => {
            setSelected([]);
            onOpen(created.id);
          },
        ),
    });
  }

  const status = detail?.status as ProblemStatus | undefined;
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={720}
      title={
        detail ? (
          <Space size={8} wrap>
            <span data-testid="pool-detail-title">{detail.title}</span>
            {status ? <Tag color={statusColor[status]}>{pick(problemStatusInfo[status])}</Tag> : null}
            {/* a problem is a case of the loop (the same record): 研判 and what follows happen on its case page */}
            {can('case.read') && status !== 'merged' ? (
              <Button
                size="small"
                type="primary"
                icon={<FileDoneOutlined />}
                onClick={() => navigate(`/cases/${detail.id}`)}
                data-testid="pool-open-case"
              >
                {t(status === 'pending_judgment' && can('case.judge') ? 'pool.judgeCase' : 'pool.openCase')}
              </Button>
            ) : null}
          </Space>
        ) : (
          t('pool.detail')
        )
      }
      data-testid="pool-drawer"
      destroyOnHidden
    >
      {loading && !detail ? (
        <div className="cl-center" style={{ height: 200 }}>
          <Spin />
        </div>
      ) : null}
      {detail ? (
        <Spin spinning={busy}>
          {detail.mergedIntoId ? (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title={
                <span>
                  {t('pool.mergedInto')} <Typography.Link onClick={() => onOpen(detail.mergedIntoId!)}>{t('pool.open')}</Typography.Link>
                </span>
              }
            />
          ) : null}
          <Descriptions size="small" column={2} bordered data-testid="pool-detail-facts">
            <Descriptions.Item label={t('pool.category')} span={2}>
              <span data-testid="pool-detail-category">{subName(detail.subcategoryCode)}</span>
              {detail.taxonomyVersion ? (
                <Typography.Text type="secondary">
                  {' '}
                  · {t('pool.taxonomyVersion')} v{detail.taxonomyVersion}
                </Typography.Text>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('pool.district')}>{detail.district?.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('pool.grid')}>{detail.gridCode ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('pool.unit')} span={2}>
              {detail.proposedUnit?.name ?? '—'}
            </Descriptions.Item>
            {detail.address ? (
              <Descriptions.Item label={t('pool.address')} span={2}>
                {detail.address}
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('pool.lnglat')}>
              {detail.lng !== null && detail.lat !== null ? `${detail.lng.toFixed(5)}, ${detail.lat.toFixed(5)}` : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('pool.reports')}>{detail.reportCount}</Descriptions.Item>
            <Descriptions.Item label={t('pool.firstAt')}>{fmtTime(detail.firstReportedAt, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('pool.time')}>{fmtTime(detail.lastReportedAt, lang)}</Descriptions.Item>
          </Descriptions>

          {canManage ? (
            <Card size="small" style={{ marginTop: 12 }} data-testid="pool-actions">
              {editable ? (
                <Space wrap>
                  <Select
                    showSearch={{ optionFilterProp: 'label' }}
                    placeholder={t('pool.overrideCategory')}
                    style={{ width: 240 }}
                    value={newCategory}
                    onChange={setNewCategory}
                    options={subOptions}
                    data-testid="pool-category-select"
                  />
                  <Input
                    placeholder={t('pool.reason')}
                    maxLength={500}
                    style={{ width: 180 }}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                  />
                  <Button
                    icon={<TagsOutlined />}
                    disabled={!newCategory || newCategory === detail.subcategoryCode}
                    onClick={confirmCategory}
                    data-testid="pool-category-save"
                  >
                    {t('pool.overrideCategory')}
                  </Button>
                  <Button icon={<MergeCellsOutlined />} onClick={() => setMergeOpen(true)} data-testid="pool-merge">
                    {t('pool.merge')}
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('pool.notOpen')}</Typography.Text>
              )}
            </Card>
          ) : null}

          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('pool.reportsTab', { n: detail.reports.length })}
          </Typography.Title>
          {editable && detail.reports.length > 1 ? (
            <Space style={{ marginBottom: 8 }}>
              <Button
                icon={<BranchesOutlined />}
                disabled={!selected.length || selected.length >= detail.reports.length}
                onClick={confirmSplit}
                data-testid="pool-split"
              >
                {t('pool.split')}
              </Button>
              <Typography.Text type="secondary">{t('pool.splitHint')}</Typography.Text>
            </Space>
          ) : null}
          <Space direction="vertical" style={{ width: '100%' }} data-testid="pool-reports">
            {detail.reports.map((r) => (
              <ReportCard
                key={r.id}
                report={r}
                selectable={editable && detail.reports.length > 1}
                checked={selected.includes(r.id)}
                onCheck={(c) => setSelected((s) => (c ? [...s, r.id] : s.filter((x) => x !== r.id)))}
                subName={subName}
              />
            ))}
          </Space>

          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('pool.events')}
          </Typography.Title>
          <Timeline
            data-testid="pool-events"
            items={detail.events.map((e) => ({
              key: `${e.at}-${e.action}`,
              content: (
                <div>
                  <Typography.Text strong>{eventLabel(e.action)}</Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {fmtTime(e.at, lang)} · {e.actor === 'anonymous' ? t('pool.anonymous') : e.actor}
                  </Typography.Text>
                  {e.status && problemStatusInfo[e.status as ProblemStatus] ? (
                    <Tag style={{ marginInlineStart: 6 }}>{pick(problemStatusInfo[e.status as ProblemStatus])}</Tag>
                  ) : null}
                  {e.note ? <div>{e.note}</div> : null}
                  {e.otherProblemId ? (
                    <Typography.Link onClick={() => onOpen(e.otherProblemId!)}>{t('pool.open')} →</Typography.Link>
                  ) : null}
                </div>
              ),
            }))}
          />
        </Spin>
      ) : null}
      {detail ? (
        <MergeModal
          open={mergeOpen}
          problem={detail}
          onCancel={() => setMergeOpen(false)}
          onMerge={(into) =>
            new Promise<void>((resolve) => {
              modal.confirm({
                title: t('pool.mergeTitle'),
                content: t('pool.mergeConfirm', { title: into.title }),
                okButtonProps: { 'data-testid': 'pool-confirm-ok' },
                onCancel: () => resolve(),
                onOk: () =>
                  act(
                    () =>
                      api.post<ProblemDetailT>(`/problems/${detail.id}/merge`, {
                        intoProblemId: into.id,
                      } satisfies MergeBodyT),
                    (d) => {
                      setMergeOpen(false);
                      setDetail(d.id === detail.id ? d : detail);
                      onOpen(into.id);
                    },
                  ).finally(resolve),
              });
            })
          }
        />
      ) : null}
    </Drawer>
  );
}

function ReportCard({
  report: r,
  selectable,
  checked,
  onCheck,
  subName,
}: {
  report: ProblemReportT;
  selectable: boolean;
  checked: boolean;
  onCheck: (c: boolean) => void;
  subName: (code: string | null) => string;
}) {
  const { t, pick, lang } = useLang();
  const who = r.reporter
    ? [r.reporter.name, r.reporter.phone, r.reporter.email].filter(Boolean).join(' · ') || t('pool.anonymous')
    : t('pool.anonymous');
  return (
    <Card
      size="small"
      data-testid="pool-report"
      data-ticket={r.ticket}
      title={
        <Space size={6} wrap>
          {selectable ? (
            <Checkbox checked={checked} onChange={(e) => onCheck(e.target.checked)} data-testid={`pool-report-check-${r.ticket}`} />
          ) : null}
          <Typography.Text copyable code data-testid="pool-report-ticket">
            {r.ticket}
          </Typography.Text>
          <Tag color="blue">{pick(reportSourceLabels[r.source])}</Tag>
        </Space>
      }
      extra={<Typography.Text type="secondary">{fmtTime(r.submittedAt, lang)}</Typography.Text>}
    >
      <Typography.Paragraph style={{ marginBottom: 8, whiteSpace: 'pre-wrap' }}>{r.text}</Typography.Paragraph>
      <Space size={[12, 4]} wrap style={{ fontSize: 12 }}>
        <Typography.Text type="secondary">
          {t('pool.category')}: {subName(r.subcategoryCode)}
          {r.classificationConfidence !== null ? ` (${t('pool.confidence')} ${(r.classificationConfidence * 100).toFixed(0)}%)` : ''}
        </Typography.Text>
        <Typography.Text type="secondary" data-testid="pool-report-reporter">
          {t('pool.reporter')}: {who}
          {r.reporter?.masked ? <Tag style={{ marginInlineStart: 4 }}>{t('pool.masked')}</Tag> : null}
        </Typography.Text>
        <Typography.Text type="secondary">
          {t('pool.serviceRequestId')}: {r.serviceRequestId}
        </Typography.Text>
        {/* a citizen's external id is the page's idempotency key: meaningless to people */}
        {r.externalId && r.source !== 'citizen' ? (
          <Typography.Text type="secondary">
            {t('pool.externalId')}: {r.externalId}
          </Typography.Text>
        ) : null}
      </Space>
      <div style={{ marginTop: 8 }}>
        {r.media.length ? (
          <Image.PreviewGroup>
            <Space size={6} wrap>
              {r.media.map((m) => (
                <Image
                  key={m.id}
                  width={88}
                  height={88}
                  style={{ objectFit: 'cover', borderRadius: 4 }}
                  src={m.thumbUrl}
                  preview={{ src: m.url }}
                  data-testid="pool-report-photo"
                />
              ))}
            </Space>
          </Image.PreviewGroup>
        ) : (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('pool.noPhotos')}
          </Typography.Text>
        )}
      </div>
    </Card>
  );
}

/** Pick the problem to merge into: open ones, found by text, address or ticket. */
function MergeModal({
  open,
  problem,
  onCancel,
  onMerge,
}: {
  open: boolean;
  problem: ProblemDetailT;
  onCancel: () => void;
  onMerge: (into: { id: string; title: string }) => Promise<void>;
}) {
  const { t, pick } = useLang();
  const showError = useShowError();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<ProblemPageT['items']>([]);
  const [target, setTarget] = useState<string | undefined>();
  const [searching, setSearching] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    if (!open) return;
    clearTimeout(timer.current);
    const ac = new AbortController();
    timer.current = setTimeout(() => {
      setSearching(true);
      api
        .get<ProblemPageT>('/problems', { q: q.trim() || undefined, status: openStatuses, pageSize: 20 }, ac.signal)
        .then(
          (p) => setOptions(p.items.filter((x) => x.id !== problem.id)),
          (err) => {
            if ((err as Error).name !== 'AbortError') showError(err);
          },
        )
        .finally(() => setSearching(false));
    }, 300);
    return () => {
      clearTimeout(timer.current);
      ac.abort();
    };
  }, [q, open, problem.id]);

  const chosen = options.find((o) => o.id === target);
  return (
    <Modal
      open={open}
      title={t('pool.mergeTitle')}
      onCancel={onCancel}
      okText={t('pool.merge')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !chosen, 'data-testid': 'pool-merge-ok' }}
      onOk={() => (chosen ? onMerge({ id: chosen.id, title: chosen.title }) : undefined)}
      destroyOnHidden
    >
      <Select
        showSearch={{ filterOption: false, onSearch: setQ }}
        style={{ width: '100%' }}
        placeholder={t('pool.mergeSearch')}
        loading={searching}
        value={target}
        onChange={setTarget}
        notFoundContent={searching ? <Spin size="small" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
        options={options.map((o) => ({
          value: o.id,
          label: `${o.title} · ${o.district?.name ?? ''} · ${pick(problemStatusInfo[o.status as ProblemStatus])} · ${o.reportCount}`,
        }))}
        data-testid="pool-merge-select"
      />
    </Modal>
  );
}
