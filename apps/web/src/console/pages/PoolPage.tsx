/**
 * 问题池: every problem, whatever its sources, as a filtered list or on the map,
 * with a detail drawer to override the category, merge or split. Office and
 * admin act; leaders and discipline read.
 */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Card, Input, Segmented, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import {
  problemStatuses,
  problemStatusInfo,
  reportSourceLabels,
  reportSources,
  type ProblemStatus,
  type ReportSource,
} from '@cityloop/domain';
import { fmtTime, PageHead, useDistricts, useFetch } from '../hooks.tsx';
import { useLang } from '../i18n.ts';
import { useSession } from '../session.tsx';
import type { ProblemPageT, ProblemSummaryT, TaxonomyT } from '../pool/types.ts';
import { statusColor, type PoolFilters } from '../pool/common.ts';
import { ProblemDrawer } from '../pool/ProblemDrawer.tsx';

// MapLibre is large: the map view is its own chunk, loaded when chosen.
const PoolMap = lazy(() => import('../pool/PoolMap.tsx'));

const PAGE_SIZE = 20;

export default function PoolPage() {
  const { t, pick, lang } = useLang();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'map' ? 'map' : 'list';
  const openId = params.get('problem');
  const [filters, setFilters] = useState<PoolFilters>({});
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const districts = useDistricts();
  const { data: taxonomy } = useFetch<TaxonomyT>('/taxonomy');

  const query = useMemo(
    () => ({
      status: filters.status?.length ? filters.status.join(',') : undefined,
      subcategory: filters.subcategory,
      district: filters.district,
      source: filters.source,
      q: filters.q,
    }),
    [filters],
  );
  const { data, loading, reload } = useFetch<ProblemPageT>(view === 'list' ? '/problems' : null, {
    ...query,
    page,
    pageSize: PAGE_SIZE,
  });
  useEffect(() => setPage(1), [filters]);

  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  const open = (id: string | null) => set({ problem: id });

  const categoryOptions = (taxonomy?.categories ?? []).map((c) => ({
    label: `${c.code} ${pick({ zh: c.name, en: c.nameEn || c.name })}`,
    options: [
      { value: c.code, label: `${c.code} · ${t('common.all')}` },
      ...taxonomy!.subcategories
        .filter((s) => s.categoryCode === c.code)
        .map((s) => ({
          value: s.code,
          label: `${s.code} ${pick({ zh: s.name, en: s.nameEn || s.name })}`,
        })),
    ],
  }));
  const subName = (code: string | null) => {
    if (!code) return null;
    const s = taxonomy?.subcategories.find((x) => x.code === code);
    return s ? pick({ zh: s.name, en: s.nameEn || s.name }) : code;
  };

  const filterBar = (
    <Space wrap size={8} style={{ marginBottom: 12 }} data-testid="pool-filters">
      <Select
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        placeholder={t('pool.status')}
        style={{ width: 220 }}
        value={filters.status ?? []}
        onChange={(v: ProblemStatus[]) => setFilters((f) => ({ ...f, status: v.length ? v : undefined }))}
        options={problemStatuses.map((s) => ({
          value: s,
          label: pick(problemStatusInfo[s]),
        }))}
        data-testid="pool-filter-status"
      />
      <Select
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('pool.category')}
        style={{ width: 220 }}
        value={filters.subcategory}
        onChange={(v?: string) => setFilters((f) => ({ ...f, subcategory: v || undefined }))}
        options={categoryOptions}
        data-testid="pool-filter-category"
      />
      <Select
        allowClear
        placeholder={t('pool.district')}
        style={{ width: 150 }}
        value={filters.district}
        onChange={(v?: string) => setFilters((f) => ({ ...f, district: v || undefined }))}
        options={districts.map((d) => ({
          value: d.id,
          label: pick({ zh: d.name, en: d.nameEn || d.name }),
        }))}
        data-testid="pool-filter-district"
      />
      <Select
        allowClear
        placeholder={t('pool.source')}
        style={{ width: 150 }}
        value={filters.source}
        onChange={(v?: ReportSource) => setFilters((f) => ({ ...f, source: v || undefined }))}
        options={reportSources.map((s) => ({
          value: s,
          label: pick(reportSourceLabels[s]),
        }))}
        data-testid="pool-filter-source"
      />
      <Input.Search
        allowClear
        placeholder={t('pool.text')}
        style={{ width: 240 }}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onSearch={(v) => setFilters((f) => ({ ...f, q: v.trim() || undefined }))}
        data-testid="pool-filter-q"
      />
    </Space>
  );

  return (
    <>
      <PageHead
        title={t('pool.title')}
        extra={
          <Space>
            <Segmented
              value={view}
              onChange={(v) => set({ view: v === 'map' ? 'map' : null })}
              options={[
                {
                  value: 'list',
                  label: <span data-testid="pool-view-list">{t('pool.list')}</span>,
                },
                {
                  value: 'map',
                  label: <span data-testid="pool-view-map">{t('pool.map')}</span>,
                },
              ]}
            />
            <Tooltip title={t('common.refresh')}>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => {
                  setVersion((v) => v + 1);
                  if (view === 'list') void reload();
                }}
                data-testid="pool-refresh"
              />
            </Tooltip>
          </Space>
        }
      />
      <Card size="small" styles={{ body: view === 'map' ? { paddingBottom: 0 } : undefined }}>
        {filterBar}
        {view === 'list' ? (
          <Table<ProblemSummaryT>
            size="small"
            rowKey="id"
            loading={loading}
            dataSource={data?.items ?? []}
            scroll={{ x: 1100 }}
            data-testid="pool-table"
            onRow={(r) =>
              ({
                onClick: () => open(r.id),
                style: { cursor: 'pointer' },
                'data-testid': `pool-row-${r.id}`,
              }) as React.HTMLAttributes<HTMLElement>
            }
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: data?.total ?? 0,
              showSizeChanger: false,
              onChange: setPage,
              showTotal: (n) => t('pool.total', { n }),
            }}
            columns={[
              {
                title: t('pool.title2'),
                dataIndex: 'title',
                ellipsis: true,
                render: (title: string, r) => (
                  <Typography.Link onClick={() => open(r.id)} data-testid="pool-row-title">
                    {title}
                  </Typography.Link>
                ),
              },
              {
                title: t('pool.category'),
                dataIndex: 'subcategoryCode',
                width: 170,
                render: (code: string | null) =>
                  code ? (
                    <span>
                      <Typography.Text type="secondary">{code}</Typography.Text> {subName(code)}
                    </span>
                  ) : (
                    '—'
                  ),
              },
              {
                title: t('pool.status'),
                dataIndex: 'status',
                width: 120,
                render: (s: ProblemStatus, r: ProblemSummaryT) => (
                  <>
                    <Tag color={statusColor[s]} data-testid="pool-row-status">
                      {pick(problemStatusInfo[s])}
                    </Tag>
                    {r.overdue && (
                      <Tag color="red" data-testid="pool-row-overdue">
                        {t("pool.overdue")}
                      </Tag>
                    )}
                  </>
                ),
              },
              {
                title: t('pool.district'),
                dataIndex: 'district',
                width: 100,
                render: (d: ProblemSummaryT['district']) => {
                  if (!d) return '—';
                  const full = districts.find((x) => x.id === d.id);
                  return full ? pick({ zh: full.name, en: full.nameEn || full.name }) : d.name;
                },
              },
              {
                title: t('pool.source'),
                dataIndex: 'sources',
                width: 150,
                render: (ss: ReportSource[]) => (
                  <Space size={2} wrap>
                    {ss.map((s) => (
                      <Tag key={s} style={{ marginInlineEnd: 0 }}>
                        {pick(reportSourceLabels[s])}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: t('pool.reports'),
                dataIndex: 'reportCount',
                width: 70,
                align: 'right',
              },
              {
                title: t('pool.unit'),
                dataIndex: 'proposedUnit',
                width: 160,
                ellipsis: true,
                render: (u: ProblemSummaryT['proposedUnit']) => u?.name ?? '—',
              },
              {
                title: t('pool.time'),
                dataIndex: 'lastReportedAt',
                width: 160,
                render: (at: string) => fmtTime(at, lang),
              },
            ]}
          />
        ) : (
          <Suspense
            fallback={
              <div className="cl-center" style={{ height: 480 }}>
                <Spin />
              </div>
            }
          >
            <PoolMap query={query} version={version} onOpen={open} />
          </Suspense>
        )}
      </Card>
      <ProblemDrawer
        id={openId}
        taxonomy={taxonomy}
        canManage={can('problem.manage')}
        onClose={() => open(null)}
        onOpen={open}
        onChanged={() => {
          setVersion((v) => v + 1);
          if (view === 'list') void reload();
        }}
      />
    </>
  );
}
