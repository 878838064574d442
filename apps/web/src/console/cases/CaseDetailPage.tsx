/**
 * One case: where it stands (state, 滞后, risk, notice number with its .docx), the facts
 * of the three lists, the reports it came from, the close-out evidence, its tasks and
 * the full history; the caller's actions beside it (above it on a phone).
 */
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Grid,
  List,
  Modal,
  Result,
  Row,
  Space,
  Spin,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, FilePdfOutlined, FileWordOutlined, LockOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import {
  caseStateInfo,
  reportSourceLabels,
  riskFactorLabels,
  riskFactors,
  riskLevelLabels,
  roleLabels,
  type CaseState,
  type ReportSource,
  type RiskLevel,
  type Role,
} from '@cityloop/domain';
import { api, ApiError } from '../api.ts';
import { fmtTime, useFetch } from '../hooks.tsx';
import { useLang } from '../i18n.ts';
import { useErrorText, useSession } from '../session.tsx';
import type { TaxonomyT } from '../taxonomy/types.ts';
import { CaseActions } from './CaseActions.tsx';
import { EscalationTag, evidenceUrl, fmtDeadline, OverdueTag, RiskTag, StatusTag, Thumbs, useTimeZone } from './common.tsx';
import type { CaseDetailT, CaseEventT, CaseReportT, CaseTaskT, CloseoutFileT, TimelineCheckT } from './types.ts';

export default function CaseDetailPage() {
  const { id } = useParams<{ id: string }>();
  const { t, pick } = useLang();
  const { can } = useSession();
  const errorText = useErrorText();
  const [detail, setDetail] = useState<CaseDetailT | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const { data: taxonomy } = useFetch<TaxonomyT>('/taxonomy');

  useEffect(() => {
    if (!id) return;
    const ac = new AbortController();
    setDetail(null);
    setLoadError(null);
    api.get<CaseDetailT>(`/cases/${id}`, undefined, ac.signal).then(setDetail, (err) => {
      if ((err as Error).name !== 'AbortError') setLoadError(err);
    });
    return () => ac.abort();
  }, [id]);

  const back = (
    <Link to="/cases" data-testid="case-back">
      <ArrowLeftOutlined /> {t('cases.back')}
    </Link>
  );
  if (loadError)
    return (
      <Result
        status={loadError instanceof ApiError && loadError.problem.code === 'resource.not_found' ? '404' : 'error'}
        title={errorText(loadError)}
        extra={back}
      />
    );
  if (!detail)
    return (
      <div className="cl-center">
        <Spin />
      </div>
    );

  const subName = (code: string | null) => {
    if (!code) return '—';
    const s = taxonomy?.subcategories.find((x) => x.code === code);
    return s ? `${code} ${pick({ zh: s.name, en: s.nameEn || s.name })}` : code;
  };

  return (
    <div data-testid="case-detail">
      <div style={{ marginBottom: 8 }}>{back}</div>
      <Card size="small" style={{ marginBottom: 12 }} data-testid="case-header">
        <Typography.Title level={4} style={{ margin: '0 0 8px' }} data-testid="case-title">
          {detail.title}
        </Typography.Title>
        <Space size={[8, 8]} wrap>
          <StatusTag status={detail.status} />
          {detail.overdue ? <OverdueTag /> : null}
          <EscalationTag level={detail.escalationLevel} />
          <RiskTag level={detail.riskLevel} />
          {detail.legacy ? <Tag style={{ marginInlineEnd: 0 }}>{t('cases.legacy')}</Tag> : null}
          {detail.noticeNo ? (
            <Space size={4} wrap>
              <Typography.Text type="secondary">{t('cases.notice')}</Typography.Text>
              <Typography.Text strong data-testid="case-notice-no">
                {detail.noticeNo}
              </Typography.Text>
              <a href={`/api/v1/cases/${detail.id}/notice.docx`} download data-testid="case-notice-docx">
                <FileWordOutlined /> {t('cases.download')}
              </a>
            </Space>
          ) : null}
          {can('case.verify_history') ? <VerifyButton id={detail.id} /> : null}
        </Space>
      </Card>

      <Row gutter={[12, 12]}>
        {/* first in the page, so a phone shows what to do right under the header */}
        <Col xs={24} lg={{ span: 9, order: 2 }}>
          <CaseActions detail={detail} taxonomy={taxonomy} onChange={setDetail} />
        </Col>
        <Col xs={24} lg={{ span: 15, order: 1 }}>
          <Facts detail={detail} subName={subName} />
          {detail.reports.length ? <Clues reports={detail.reports} /> : null}
          {detail.closeout ? <Closeout detail={detail} /> : null}
          {detail.tasks.length ? <Tasks tasks={detail.tasks} /> : null}
          <Card size="small" title={t('cases.timeline')} style={{ marginTop: 12 }}>
            <CaseTimeline events={detail.timeline} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}

function Facts({ detail: d, subName }: { detail: CaseDetailT; subName: (c: string | null) => string }) {
  const { t, pick, lang } = useLang();
  const tz = useTimeZone();
  // a bordered table squeezes its labels to a character a line on a phone: plain "label: value" rows there
  const narrow = !Grid.useBreakpoint().sm;
  const dash = '—';
  return (
    <Card size="small" title={t('cases.facts')}>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        bordered={!narrow}
        styles={{ label: { whiteSpace: 'nowrap' } }}
        data-testid="case-facts"
      >
        <Descriptions.Item label={t('cases.place')} span={{ xs: 1, sm: 2 }}>
          {d.address ?? (d.lng !== null && d.lat !== null ? `${d.lng.toFixed(5)}, ${d.lat.toFixed(5)}` : '—')}
        </Descriptions.Item>
        <Descriptions.Item label={t('cases.category')} span={{ xs: 1, sm: 2 }}>
          <span data-testid="case-category">{subName(d.subcategoryCode)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('cases.riskLevel')} span={{ xs: 1, sm: 2 }}>
          <Space size={6} wrap>
            <RiskTag level={d.riskLevel} />
            {d.riskScore !== null ? (
              <Typography.Text type="secondary">{t('cases.riskScore', { score: d.riskScore })}</Typography.Text>
            ) : null}
            {d.riskScores ? (
              <Typography.Text type="secondary">
                {riskFactors.map((f) => `${pick(riskFactorLabels[f])} ${d.riskScores![f]}`).join(' · ')}
              </Typography.Text>
            ) : null}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={d.responsibleUnit ? t('cases.responsibleUnit') : t('cases.proposedUnit')} span={{ xs: 1, sm: 2 }}>
          <span data-testid="case-unit">{(d.responsibleUnit ?? d.proposedUnit)?.name ?? dash}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('cases.cooperatingUnits')} span={{ xs: 1, sm: 2 }}>
          {d.cooperatingUnits.length ? d.cooperatingUnits.map((u) => u.name).join('、') : dash}
        </Descriptions.Item>
        <Descriptions.Item label={t('cases.leadLeader')}>{d.leadLeader?.name ?? dash}</Descriptions.Item>
        <Descriptions.Item label={t('cases.deadline')}>
          <Space size={6} wrap>
            <span data-testid="case-deadline">
              {d.deadline
                ? fmtDeadline(d.deadline, tz, lang)
                : d.proposedDeadline
                  ? `${t('cases.proposedDeadline')} ${fmtDeadline(d.proposedDeadline, tz, lang)}`
                  : dash}
            </span>
            {d.overdue ? <OverdueTag /> : null}
          </Space>
        </Descriptions.Item>
        {d.requirement ? (
          <Descriptions.Item label={t('cases.requirement')} span={{ xs: 1, sm: 2 }}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{d.requirement}</span>
          </Descriptions.Item>
        ) : null}
        {d.extensionProposedDeadline ? (
          <Descriptions.Item label={t('cases.extensionAsked')} span={{ xs: 1, sm: 2 }}>
            <Typography.Text type="warning" data-testid="case-extension-asked">
              {fmtDeadline(d.extensionProposedDeadline, tz, lang)}
            </Typography.Text>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('cases.assignedAt')}>{fmtTime(d.assignedAt, lang) || dash}</Descriptions.Item>
        <Descriptions.Item label={t('cases.acceptedAt')}>{fmtTime(d.acceptedAt, lang) || dash}</Descriptions.Item>
        <Descriptions.Item label={t('cases.lastProgressAt')}>{fmtTime(d.lastProgressAt, lang) || dash}</Descriptions.Item>
        <Descriptions.Item label={t('cases.firstReportedAt')}>{fmtTime(d.firstReportedAt, lang)}</Descriptions.Item>
        <Descriptions.Item label={t('cases.reportCount')}>{d.reportCount}</Descriptions.Item>
        {d.satisfaction !== null ? <Descriptions.Item label={t('cases.satisfaction')}>{d.satisfaction}%</Descriptions.Item> : null}
        {d.returnCount ? <Descriptions.Item label={t('cases.returnCount')}>{d.returnCount}</Descriptions.Item> : null}
        {d.reopenCount ? <Descriptions.Item label={t('cases.reopenCount')}>{d.reopenCount}</Descriptions.Item> : null}
        {/* a case sent back after 销号 keeps the day it was closed: "last closed" then */}
        {d.closedAt ? (
          <Descriptions.Item label={t(d.status === 'closed' ? 'cases.closedAt' : 'cases.lastClosedAt')}>
            {fmtTime(d.closedAt, lang)}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
    </Card>
  );
}

/** What was reported: every role that sees the case reads it here (phone numbers masked by the server). */
function Clues({ reports }: { reports: CaseReportT[] }) {
  const { t, pick, lang } = useLang();
  return (
    <Card size="small" title={t('cases.clues', { n: reports.length })} style={{ marginTop: 12 }} data-testid="case-clues">
      <List
        size="small"
        dataSource={reports}
        renderItem={(r) => (
          <List.Item style={{ display: 'block', paddingInline: 0 }} data-testid="case-report">
            <Typography.Paragraph style={{ marginBottom: 4, whiteSpace: 'pre-wrap' }}>{r.text}</Typography.Paragraph>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[
                reportSourceLabels[r.source as ReportSource] ? pick(reportSourceLabels[r.source as ReportSource]) : r.source,
                r.ticket,
                fmtTime(r.at, lang),
              ].join(' · ')}
            </Typography.Text>
            {r.photoIds.length ? (
              <div style={{ marginTop: 6 }}>
                <Thumbs ids={r.photoIds} />
              </div>
            ) : null}
          </List.Item>
        )}
      />
    </Card>
  );
}

/** A close-out document: a PDF as a link to the file as sent, a photo (of the paper) as a thumbnail. */
function EvidenceDoc({ id, files, testId }: { id: string; files: CloseoutFileT[]; testId: string }) {
  const { t } = useLang();
  const mime = files.find((f) => f.id === id)?.mime;
  if (mime && mime.startsWith('image/')) return <Thumbs ids={[id]} testId={testId} />;
  return (
    <a href={evidenceUrl(id)} target="_blank" rel="noreferrer" data-testid={testId} data-kind="pdf">
      <FilePdfOutlined /> {mime === 'application/pdf' ? t('cases.openPdf') : t('cases.open')}
    </a>
  );
}

function Closeout({ detail }: { detail: CaseDetailT }) {
  const { t, lang } = useLang();
  const narrow = !Grid.useBreakpoint().sm;
  const c = detail.closeout!;
  return (
    <Card size="small" title={t('cases.closeout')} style={{ marginTop: 12 }} data-testid="case-closeout">
      <Descriptions
        size="small"
        column={1}
        bordered={!narrow}
        styles={{ label: { width: narrow ? undefined : 150, whiteSpace: 'nowrap' } }}
      >
        <Descriptions.Item label={t('cases.before')}>
          <Thumbs ids={c.beforePhotoIds} testId="case-closeout-before" />
        </Descriptions.Item>
        <Descriptions.Item label={t('cases.after')}>
          <Thumbs ids={c.afterPhotoIds} testId="case-closeout-after" />
        </Descriptions.Item>
        <Descriptions.Item label={t('cases.thirdPartyReport')}>
          {/* a PDF opens in the browser's viewer; a photo of the paper shows as a picture */}
          <EvidenceDoc id={c.thirdPartyReportId} files={c.files} testId="case-closeout-report" />
        </Descriptions.Item>
        <Descriptions.Item label={t('cases.satisfactionReceipt')}>
          <Space size={12} wrap align="center">
            <EvidenceDoc id={c.satisfactionReceiptId} files={c.files} testId="case-closeout-receipt" />
            <Typography.Text data-testid="case-closeout-score">
              {t('cases.satisfaction')} {c.satisfactionScore}%
            </Typography.Text>
          </Space>
        </Descriptions.Item>
        {c.note ? <Descriptions.Item label={t('cases.note')}>{c.note}</Descriptions.Item> : null}
        {detail.submittedAt ? (
          <Descriptions.Item label={t('cases.submittedAt')}>{fmtTime(detail.submittedAt, lang)}</Descriptions.Item>
        ) : null}
      </Descriptions>
    </Card>
  );
}

function Tasks({ tasks }: { tasks: CaseTaskT[] }) {
  const { t, pick, lang } = useLang();
  const { can } = useSession();
  const who = (k: CaseTaskT) =>
    k.assignee ??
    (k.assigneeRole === 'expert'
      ? t('cases.anyExpert')
      : k.assigneeRole && roleLabels[k.assigneeRole as Role]
        ? pick(roleLabels[k.assigneeRole as Role])
        : (k.assigneeRole ?? ''));
  return (
    <Card size="small" title={t('cases.tasks')} style={{ marginTop: 12 }} data-testid="case-tasks">
      <List
        size="small"
        dataSource={tasks}
        renderItem={(k) => (
          <List.Item style={{ display: 'block', paddingInline: 0 }} data-testid={`case-task-${k.kind}`}>
            <Space size={6} wrap>
              <Typography.Text strong>{t(`cases.taskKinds.${k.kind}`)}</Typography.Text>
              {/* a re-check's outcome says more than 已完成: 未反弹 or 反弹 */}
              {k.kind === 'recheck' && k.status === 'done' && (k.outcome === 'passed' || k.outcome === 'relapsed') ? (
                <Tag color={k.outcome === 'relapsed' ? 'red' : 'green'} data-testid="case-task-outcome">
                  {t(`cases.recheckOutcomes.${k.outcome}`)}
                </Tag>
              ) : (
                <Tag color={k.status === 'open' ? 'orange' : k.status === 'done' ? 'green' : 'default'}>
                  {t(`cases.taskStatus.${k.status}`)}
                </Tag>
              )}
              <Typography.Text type="secondary">
                {who(k)} · {fmtTime(k.createdAt, lang)}
              </Typography.Text>
            </Space>
            {k.requestNote ? <div style={{ whiteSpace: 'pre-wrap' }}>{k.requestNote}</div> : null}
            {k.outcomeNote ? (
              <div style={{ whiteSpace: 'pre-wrap' }}>
                <Typography.Text type={k.outcome === 'relapsed' ? 'danger' : 'success'}>→ </Typography.Text>
                {k.outcomeNote}
              </div>
            ) : null}
            {/* 回头看 tasks are worked on the re-check page */}
            {k.kind === 'recheck' && k.status === 'open' ? (
              can('case.recheck') ? (
                <Link to="/recheck" data-testid="case-recheck-link">
                  {t('cases.recheckHint')}
                </Link>
              ) : (
                <Typography.Text type="secondary">{t('cases.recheckHint')}</Typography.Text>
              )
            ) : null}
          </List.Item>
        )}
      />
    </Card>
  );
}

const eventColor: Record<string, string> = {
  close: 'green',
  recheck_passed: 'green',
  return: 'red',
  reopen_low_satisfaction: 'red',
  recheck_relapse: 'red',
  refuse_extension: 'red',
  dismiss: 'gray',
  escalated: 'red',
};

/** Steps that send a closed case back: their deadline is the new one of the rework. */
const reopening = new Set<string>(['recheck_relapse', 'reopen_low_satisfaction']);

export function CaseTimeline({ events }: { events: CaseEventT[] }) {
  const { t, pick, lang } = useLang();
  const tz = useTimeZone();
  const stateLabel = (s: string | null) => (s && caseStateInfo[s as CaseState] ? pick(caseStateInfo[s as CaseState]) : s);
  if (!events.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Timeline
      data-testid="case-timeline"
      items={events.map((e) => {
        // The server keeps an action's evidence in `details` (the domain's CaseEvidence keys) and its reason in `note`.
        const x = e.details as {
          photoIds?: string[];
          relapsePhotos?: string[];
          beforeAfterPhotos?: { before?: string[]; after?: string[] };
          noticeNo?: string;
          deadline?: string;
          progressNote?: string;
          proposedDeadline?: string;
          newDeadline?: string;
          rulingNote?: string;
          satisfactionScore?: number;
          subcategoryCode?: string;
          riskLevel?: RiskLevel;
        };
        // a re-check's photos are both its evidence (relapsePhotos) and its task's photoIds: each once
        const photos = [
          ...new Set(
            [
              ...(x.beforeAfterPhotos?.before ?? []),
              ...(x.beforeAfterPhotos?.after ?? []),
              ...(x.photoIds ?? []),
              ...(x.relapsePhotos ?? []),
            ].filter((p) => typeof p === 'string'),
          ),
        ];
        const text = e.note ?? x.progressNote ?? x.rulingNote ?? null;
        const facts = [
          e.action === 'judge' && x.subcategoryCode ? x.subcategoryCode : null,
          e.action === 'judge' && x.riskLevel && riskLevelLabels[x.riskLevel] ? pick(riskLevelLabels[x.riskLevel]) : null,
          x.noticeNo,
          x.deadline
            ? `${t(reopening.has(e.action) ? 'cases.reworkDeadline' : 'cases.deadline')} ${fmtDeadline(x.deadline, tz, lang)}`
            : null,
          x.proposedDeadline ? `${t('cases.extensionAsked')} ${fmtDeadline(x.proposedDeadline, tz, lang)}` : null,
          x.newDeadline ? `${t('cases.deadline')} ${fmtDeadline(x.newDeadline, tz, lang)}` : null,
          typeof x.satisfactionScore === 'number' ? `${t('cases.satisfaction')} ${x.satisfactionScore}%` : null,
        ].filter(Boolean);
        return {
          key: e.id,
          color: eventColor[e.action] ?? 'blue',
          content: (
            <div data-testid={`case-event-${e.action}`}>
              <Space size={6} wrap>
                <Typography.Text strong>{pick(e.actionLabel)}</Typography.Text>
                {e.from && e.to && e.from !== e.to ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {stateLabel(e.from)} → {stateLabel(e.to)}
                  </Typography.Text>
                ) : null}
                {e.chained ? (
                  <Tooltip title={t('cases.chained')}>
                    <LockOutlined style={{ color: '#8c8c8c', fontSize: 12 }} />
                  </Tooltip>
                ) : null}
              </Space>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fmtTime(e.at, lang)} ·{' '}
                  <span data-testid="case-actor">
                    {e.actor === 'system' ? t('cases.system') : e.actor === 'anonymous' ? t('pool.anonymous') : (e.actorName ?? e.actor)}
                  </span>
                </Typography.Text>
              </div>
              {text ? <div style={{ whiteSpace: 'pre-wrap' }}>{text}</div> : null}
              {facts.length ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {facts.join(' · ')}
                </Typography.Text>
              ) : null}
              {photos.length ? (
                <div style={{ marginTop: 6 }}>
                  <Thumbs ids={photos} size={64} />
                </div>
              ) : null}
            </div>
          ),
        };
      })}
    />
  );
}

/** 校验记录 (discipline, admin): the server recomputes the audit chain and each event's digest. */
function VerifyButton({ id }: { id: string }) {
  const { t } = useLang();
  const errorText = useErrorText();
  const [result, setResult] = useState<TimelineCheckT | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState(false);
  async function check() {
    setOpen(true);
    setLoading(true);
    setError(null);
    try {
      setResult(await api.get<TimelineCheckT>(`/cases/${id}/timeline/verify`));
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }
  return (
    <>
      <Button size="small" icon={<SafetyCertificateOutlined />} onClick={() => void check()} data-testid="case-verify">
        {t('cases.verifyHistory')}
      </Button>
      <Modal open={open} title={t('cases.verifyTitle')} footer={null} onCancel={() => setOpen(false)} data-testid="case-verify-modal">
        {loading ? (
          <div className="cl-center">
            <Spin />
          </div>
        ) : error ? (
          <Alert type="error" showIcon title={errorText(error)} />
        ) : result ? (
          <div data-testid="case-verify-result" data-ok={result.ok}>
            <Alert
              type={result.ok ? 'success' : 'error'}
              showIcon
              title={result.ok ? t('cases.verifyOk', { n: result.checked }) : t('cases.verifyBroken')}
              description={t('cases.verifyChain', {
                n: result.chain.events,
                state: result.chain.ok ? t('cases.chainOk') : t('cases.chainBroken', { n: result.chain.brokenAt }),
              })}
            />
            {result.altered.length ? (
              <p style={{ marginTop: 12 }}>
                {t('cases.altered')}：<Typography.Text code>{result.altered.join(', ')}</Typography.Text>
              </p>
            ) : null}
            {result.missing.length ? (
              <p>
                {t('cases.missing')}：<Typography.Text code>{result.missing.join(', ')}</Typography.Text>
              </p>
            ) : null}
          </div>
        ) : null}
      </Modal>
    </>
  );
}
