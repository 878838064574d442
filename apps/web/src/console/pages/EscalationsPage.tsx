/**
 * 督办 (三级督办, seed §4.3): per unit, the open escalations by level and its 滞后 cases;
 * the escalations themselves, filtered by level, unit and open/resolved; and the cases past
 * their deadline. The sweeps run by themselves (jobs/loop.ts); this page reads what they found.
 * A unit sees its own row, its own escalations and its own overdue cases.
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Badge, Button, Select, Segmented, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useLang } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { fmtTime, PageHead, useFetch } from '../hooks.tsx';
import { CaseCell, fmtDeadline, RiskTag, StatusTag, useTimeZone } from '../cases/common.tsx';
import { LevelTag, type EscalationT, type OverdueCaseT, type Page, type UnitSummaryT } from '../escalation/common.tsx';
import '../escalation/strings.ts';

type Tab = 'units' | 'list' | 'overdue';

function UnitsTab({ data, loading, onPick }: { data: UnitSummaryT[] | null; loading: boolean; onPick: (unitId: string) => void }) {
  const { t } = useLang();
  const count = (n: number, color: string) =>
    n ? <Badge count={n} color={color} overflowCount={99999} showZero={false} /> : <Typography.Text type="secondary">0</Typography.Text>;
  return (
    <Table<UnitSummaryT>
      rowKey={(r) => r.unit.id}
      size="middle"
      loading={loading}
      dataSource={data ?? []}
      pagination={false}
      locale={{ emptyText: t('esc.empty') }}
      data-testid="esc-units"
      columns={[
        { title: t('esc.unit'), key: 'unit', render: (_, r) => <span data-testid="esc-unit-name">{r.unit.name}</span> },
        { title: t('esc.maxLevel'), key: 'max', width: 110, render: (_, r) => <LevelTag level={r.maxLevel} /> },
        { title: t('esc.openL1'), key: 'l1', width: 80, align: 'center', render: (_, r) => count(r.open.level1, 'gold') },
        { title: t('esc.openL2'), key: 'l2', width: 80, align: 'center', render: (_, r) => count(r.open.level2, 'orange') },
        { title: t('esc.openL3'), key: 'l3', width: 80, align: 'center', render: (_, r) => count(r.open.level3, 'red') },
        { title: t('esc.missedReports'), key: 'missed', width: 110, align: 'center', render: (_, r) => r.open.missedReports },
        {
          title: t('esc.overdueCases'),
          key: 'overdue',
          width: 110,
          align: 'center',
          render: (_, r) =>
            r.overdueCases ? (
              <Typography.Text type="danger" strong>
                {r.overdueCases}
              </Typography.Text>
            ) : (
              0
            ),
        },
        { title: t('esc.casesInHand'), key: 'held', width: 110, align: 'center', render: (_, r) => r.casesInHand },
        {
          title: '',
          key: 'go',
          width: 80,
          render: (_, r) => (
            <Button size="small" type="link" onClick={() => onPick(r.unit.id)} data-testid="esc-unit-view">
              {t('esc.viewUnit')}
            </Button>
          ),
        },
      ]}
    />
  );
}

function detailText(e: EscalationT, t: (k: string, o?: Record<string, unknown>) => string, tz: string, lang: string): string {
  const d = e.details as Record<string, string | number | undefined>;
  if (e.reason === 'missed_progress')
    return [
      d.dueAt ? t('esc.details.dueAt', { at: fmtTime(String(d.dueAt), lang) }) : '',
      Number(d.weeksMissed) > 1 ? t('esc.details.weeksMissed', { n: d.weeksMissed }) : '',
    ]
      .filter(Boolean)
      .join(lang === 'en' ? '; ' : '，');
  if (e.reason === 'overdue') return d.deadline ? t('esc.details.deadline', { at: fmtDeadline(String(d.deadline), tz, lang) }) : '';
  if (e.reason === 'verification')
    return [d.why ? t(`esc.why.${d.why}`) : '', d.dueAt ? t('esc.details.verifyDue', { at: fmtDeadline(String(d.dueAt), tz, lang) }) : '']
      .filter(Boolean)
      .join(lang === 'en' ? '; ' : '，');
  return '';
}

function ListTab({
  unitId,
  setUnitId,
  units,
}: {
  unitId: string | undefined;
  setUnitId: (u: string | undefined) => void;
  units: UnitSummaryT[];
}) {
  const { t, lang, pick } = useLang();
  const tz = useTimeZone();
  const [level, setLevel] = useState<'all' | '1' | '2' | '3'>('all');
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const { data, loading, reload } = useFetch<Page<EscalationT>>('/escalations', {
    level: level === 'all' ? undefined : level,
    open: onlyOpen ? 'true' : undefined,
    unitId,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={level}
          onChange={(v) => {
            setLevel(v as 'all' | '1' | '2' | '3');
            setPage(1);
          }}
          options={[
            { value: 'all', label: t('esc.levelAll') },
            { value: '1', label: t('esc.levels.1') },
            { value: '2', label: t('esc.levels.2') },
            { value: '3', label: t('esc.levels.3') },
          ]}
          data-testid="esc-level-filter"
        />
        {units.length > 1 || unitId ? (
          <Select
            allowClear
            placeholder={t('esc.allUnits')}
            style={{ width: 220 }}
            value={unitId}
            onChange={(v) => {
              setUnitId(v);
              setPage(1);
            }}
            options={units.map((u) => ({ value: u.unit.id, label: u.unit.name }))}
            data-testid="esc-unit-filter"
          />
        ) : null}
        <Space>
          <Switch checked={onlyOpen} onChange={(v) => (setOnlyOpen(v), setPage(1))} data-testid="esc-open-only" />
          {t('esc.onlyOpen')}
        </Space>
        <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
          {t('common.refresh')}
        </Button>
      </Space>
      <Table<EscalationT>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('esc.empty') }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (n) => `${t('common.all')} ${n}`,
        }}
        data-testid="esc-list"
        columns={[
          {
            title: t('esc.case'),
            key: 'case',
            render: (_, e) => <CaseCell {...e} testId="esc-case" />,
          },
          { title: t('esc.unit'), key: 'unit', width: 160, render: (_, e) => e.unit.name },
          { title: t('esc.level'), key: 'level', width: 90, render: (_, e) => <LevelTag level={e.level} /> },
          {
            title: t('esc.reason'),
            key: 'reason',
            render: (_, e) => (
              <Space orientation="vertical" size={0}>
                <span>{pick(e.reasonLabel)}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {detailText(e, t, tz, lang)}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('esc.period'), key: 'period', width: 110, render: (_, e) => e.periodKey },
          { title: t('esc.createdAt'), key: 'created', width: 170, render: (_, e) => fmtTime(e.createdAt, lang) },
          {
            title: t('esc.state'),
            key: 'state',
            width: 150,
            render: (_, e) =>
              e.resolvedAt ? (
                <Space orientation="vertical" size={0}>
                  <Tag color="green">{t('esc.resolved')}</Tag>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('esc.resolvedAt', { at: fmtTime(e.resolvedAt, lang) })}
                  </Typography.Text>
                </Space>
              ) : (
                <Tag color="volcano">{t('esc.open')}</Tag>
              ),
          },
        ]}
      />
    </>
  );
}

function OverdueTab({ unitId }: { unitId: string | undefined }) {
  const { t, lang } = useLang();
  const tz = useTimeZone();
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const { data, loading } = useFetch<Page<OverdueCaseT>>('/escalations/overdue-cases', {
    unitId,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return (
    <Table<OverdueCaseT>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={data?.items ?? []}
      locale={{ emptyText: t('esc.noOverdue') }}
      pagination={{
        current: page,
        pageSize,
        total: data?.total ?? 0,
        onChange: setPage,
        showSizeChanger: false,
        showTotal: (n) => `${t('common.all')} ${n}`,
      }}
      data-testid="esc-overdue"
      columns={[
        {
          title: t('esc.case'),
          key: 'case',
          render: (_, c) => (
            <Link to={`/cases/${c.id}`} data-testid="esc-overdue-case">
              {c.title}
            </Link>
          ),
        },
        { title: t('esc.unit'), key: 'unit', width: 160, render: (_, c) => c.unit.name },
        { title: t('esc.caseStatus'), key: 'status', width: 130, render: (_, c) => <StatusTag status={c.status} /> },
        { title: t('esc.deadline'), key: 'deadline', width: 130, render: (_, c) => fmtDeadline(c.deadline, tz, lang) },
        {
          title: t('esc.daysOverdue'),
          key: 'days',
          width: 110,
          render: (_, c) => (
            <Typography.Text type="danger" strong>
              {t('esc.days', { n: c.daysOverdue })}
            </Typography.Text>
          ),
        },
        { title: t('esc.level'), key: 'level', width: 100, render: (_, c) => <LevelTag level={c.level} /> },
        { title: '', key: 'risk', width: 90, render: (_, c) => <RiskTag level={c.riskLevel} /> },
      ]}
    />
  );
}

export default function EscalationsPage() {
  const { t } = useLang();
  const { me } = useSession();
  const [tab, setTab] = useState<Tab>('units');
  const [unitId, setUnitId] = useState<string | undefined>();
  const units = useFetch<UnitSummaryT[]>('/escalations/units');
  const isUnit = !!me?.roles.includes('unit') && !me.roles.some((r) => ['admin', 'office', 'leader', 'discipline'].includes(r));
  return (
    <div data-testid="escalations-page">
      <PageHead title={t('esc.title')} />
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={isUnit ? t('esc.unitIntro') : t('esc.intro')} />
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as Tab)}
        items={[
          {
            key: 'units',
            label: t('esc.tabs.units'),
            children: (
              <UnitsTab
                data={units.data}
                loading={units.loading}
                onPick={(id) => {
                  setUnitId(id);
                  setTab('list');
                }}
              />
            ),
          },
          { key: 'list', label: t('esc.tabs.list'), children: <ListTab unitId={unitId} setUnitId={setUnitId} units={units.data ?? []} /> },
          { key: 'overdue', label: t('esc.tabs.overdue'), children: <OverdueTab unitId={unitId} /> },
        ]}
      />
    </div>
  );
}
