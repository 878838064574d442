/**
 * 案件办理 (SPEC.md M6, M7): the cases the caller may see, as 待办 (what waits for them),
 * 全部, or 已交办以后 (the loop after assignment), filtered by state, risk, 滞后, unit and
 * text; each opens its own page at /cases/:id. A phone gets cards instead of a table.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, Route, Routes, useNavigate, useSearchParams } from 'react-router-dom';
import { Button, Card, Checkbox, Empty, Grid, Input, List, Select, Space, Table, Tabs, Tooltip, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { caseStateInfo, caseStates, riskLevelLabels, riskLevels, type CaseState, type RiskLevel } from '@cityloop/domain';
import { fmtTime, PageHead, useFetch } from '../hooks.tsx';
import { useLang } from '../i18n.ts';
import { useSession } from '../session.tsx';
import type { UnitT } from '../types.ts';
import CaseDetailPage from './CaseDetailPage.tsx';
import { EscalationTag, fmtDeadline, OverdueTag, RiskTag, StatusTag, useTimeZone } from './common.tsx';
import type { CasePageT, CaseSummaryT } from './types.ts';
import './strings.ts';

const PAGE_SIZE = 20;
const views = ['todo', 'all', 'loop'] as const;
type View = (typeof views)[number];

export default function CasesPage() {
  return (
    <Routes>
      <Route index element={<CaseList />} />
      <Route path=":id" element={<CaseDetailPage />} />
    </Routes>
  );
}

interface Filters {
  status?: CaseState;
  riskLevel?: RiskLevel;
  overdue?: boolean;
  unitId?: string;
  q?: string;
}

function CaseList() {
  const { t, pick, lang } = useLang();
  const { can } = useSession();
  const tz = useTimeZone();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [params, setParams] = useSearchParams();
  const view: View = (views as readonly string[]).includes(params.get('view') ?? '') ? (params.get('view') as View) : 'todo';
  const [filters, setFilters] = useState<Filters>({});
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  // Those who read the pool see every case of the city: for them the unit filter means something.
  const seesAll = can('problem.read');
  const { data: units } = useFetch<UnitT[]>(seesAll ? '/units' : null);

  const query = useMemo(
    () => ({
      view,
      status: filters.status,
      riskLevel: filters.riskLevel,
      overdue: filters.overdue ? 'true' : undefined,
      unitId: filters.unitId,
      q: filters.q,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    }),
    [view, filters, page],
  );
  const { data, loading, reload } = useFetch<CasePageT>('/cases', query);
  useEffect(() => setPage(1), [filters, view]);

  const open = (id: string) => navigate(`/cases/${id}`);
  const deadline = (r: CaseSummaryT) =>
    r.deadline ? (
      <Space size={4} wrap>
        <span>{fmtDeadline(r.deadline, tz, lang)}</span>
        {r.overdue ? <OverdueTag /> : null}
        <EscalationTag level={r.escalationLevel} />
      </Space>
    ) : (
      <Typography.Text type="secondary">{t('cases.noDeadline')}</Typography.Text>
    );

  const filterBar = (
    <Space wrap size={8} style={{ marginBottom: 12 }} data-testid="case-filters">
      <Select
        allowClear
        placeholder={t('cases.filters.status')}
        style={{ width: narrow ? 150 : 160 }}
        value={filters.status}
        onChange={(v?: CaseState) => setFilters((f) => ({ ...f, status: v }))}
        options={caseStates.filter((s) => s !== 'merged').map((s) => ({ value: s, label: pick(caseStateInfo[s]) }))}
        data-testid="case-filter-status"
      />
      <Select
        allowClear
        placeholder={t('cases.filters.risk')}
        style={{ width: narrow ? 150 : 170 }}
        value={filters.riskLevel}
        onChange={(v?: RiskLevel) => setFilters((f) => ({ ...f, riskLevel: v }))}
        options={[...riskLevels].reverse().map((l) => ({ value: l, label: pick(riskLevelLabels[l]) }))}
        data-testid="case-filter-risk"
      />
      {seesAll ? (
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('cases.filters.unit')}
          style={{ width: 220 }}
          value={filters.unitId}
          onChange={(v?: string) => setFilters((f) => ({ ...f, unitId: v }))}
          options={(units ?? []).map((u) => ({ value: u.id, label: pick({ zh: u.name, en: u.nameEn || u.name }) }))}
          data-testid="case-filter-unit"
        />
      ) : null}
      <Checkbox
        checked={!!filters.overdue}
        onChange={(e) => setFilters((f) => ({ ...f, overdue: e.target.checked || undefined }))}
        data-testid="case-filter-overdue"
      >
        {t('cases.filters.overdue')}
      </Checkbox>
      <Input.Search
        allowClear
        placeholder={t('cases.filters.q')}
        style={{ width: narrow ? 308 : 260 }}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onSearch={(v) => setFilters((f) => ({ ...f, q: v.trim() || undefined }))}
        data-testid="case-filter-q"
      />
    </Space>
  );

  const pagination = {
    current: page,
    pageSize: PAGE_SIZE,
    total: data?.total ?? 0,
    showSizeChanger: false,
    onChange: setPage,
    showTotal: (n: number) => t('cases.total', { n }),
    size: narrow ? ('small' as const) : undefined,
  };

  return (
    <>
      <PageHead
        title={t('cases.title')}
        extra={
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void reload()} data-testid="case-refresh" />
          </Tooltip>
        }
      />
      <Card size="small" styles={{ body: { paddingTop: 0 } }}>
        <Tabs
          activeKey={view}
          onChange={(k) => setParams(k === 'todo' ? {} : { view: k }, { replace: true })}
          items={views.map((v) => ({ key: v, label: <span data-testid={`case-tab-${v}`}>{t(`cases.tabs.${v}`)}</span> }))}
        />
        {filterBar}
        {narrow ? (
          <List<CaseSummaryT>
            loading={loading}
            dataSource={data?.items ?? []}
            pagination={data && data.total > PAGE_SIZE ? { ...pagination, align: 'center' } : false}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.empty')} /> }}
            data-testid="case-list"
            renderItem={(r) => (
              <List.Item
                onClick={() => open(r.id)}
                style={{ cursor: 'pointer', display: 'block', paddingInline: 0 }}
                data-testid={`case-row-${r.id}`}
              >
                <Link to={`/cases/${r.id}`} data-testid="case-row-title">
                  <Typography.Text strong>{r.title}</Typography.Text>
                </Link>
                <div style={{ marginTop: 6 }}>
                  <Space size={[6, 6]} wrap>
                    <StatusTag status={r.status} />
                    <RiskTag level={r.riskLevel} />
                    {r.overdue ? <OverdueTag /> : null}
                  </Space>
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 4 }}>
                  {[
                    r.noticeNo,
                    r.deadline ? `${t('cases.col.deadline')} ${fmtDeadline(r.deadline, tz, lang)}` : null,
                    r.responsibleUnit?.name,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Typography.Text>
              </List.Item>
            )}
          />
        ) : (
          <Table<CaseSummaryT>
            size="small"
            rowKey="id"
            loading={loading}
            dataSource={data?.items ?? []}
            scroll={{ x: 1100 }}
            data-testid="case-table"
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.empty')} /> }}
            onRow={(r) =>
              ({
                onClick: () => open(r.id),
                style: { cursor: 'pointer' },
                'data-testid': `case-row-${r.id}`,
              }) as React.HTMLAttributes<HTMLElement>
            }
            pagination={pagination}
            columns={[
              {
                title: t('cases.col.title'),
                dataIndex: 'title',
                ellipsis: true,
                render: (title: string, r) => (
                  <Link to={`/cases/${r.id}`} data-testid="case-row-title">
                    {title}
                  </Link>
                ),
              },
              {
                title: t('cases.col.noticeNo'),
                dataIndex: 'noticeNo',
                width: 170,
                render: (n: string | null) => n ?? '—',
              },
              {
                title: t('cases.col.status'),
                dataIndex: 'status',
                width: 110,
                render: (s: string) => <StatusTag status={s} />,
              },
              {
                title: t('cases.col.risk'),
                dataIndex: 'riskLevel',
                width: 150,
                render: (l: RiskLevel | null) => <RiskTag level={l} />,
              },
              {
                title: t('cases.col.unit'),
                dataIndex: 'responsibleUnit',
                width: 200,
                ellipsis: true,
                render: (u: CaseSummaryT['responsibleUnit']) => u?.name ?? '—',
              },
              {
                title: t('cases.col.deadline'),
                dataIndex: 'deadline',
                width: 170,
                render: (_: unknown, r) => deadline(r),
              },
              {
                title: t('cases.col.lastProgress'),
                dataIndex: 'lastProgressAt',
                width: 160,
                render: (at: string | null) => fmtTime(at, lang) || '—',
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
