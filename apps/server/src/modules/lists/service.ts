/**
 * The three lists (三单制度, seed §4.3): 问题整改通知书 per case (.docx), 责任清单 and
 * 整改标准清单 over all assigned cases (JSON and XLSX). Every read goes through the case
 * scope (`caseScopeSql`), so a unit gets exactly the cases it is responsible for or
 * cooperates on, here as in the rest of the loop.
 */
import { caseStateInfo, caseStates, isOverdueCase, riskLevelLabels, type CaseState } from '@cityloop/domain';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../http/actor.ts';
import { AppError } from '../../http/errors.ts';
import { blobStoreFor } from '../../files/service.ts';
import { chineseDate, deadlineSpecText, deadlineText, maxNoticePhotos, rectificationNoticeDocx, type NoticePhoto, type RectificationNotice } from '../../documents/notice.ts';
import { riskFill, tablesXlsx, type TableColumn } from '../../documents/xlsx.ts';
import { caseScopeSql } from '../cases/scope.ts';
import { currentTaxonomy, getTaxonomyVersion, type SubcategoryT } from '../taxonomy/service.ts';
import { assignedCases, caseForNotice, cityNameAndZone, evidencePhotos, ticketsOf, type CaseListRow, type ListFilter } from './queries.ts';
import type { ListQueryT, ResponsibilityPageT, ResponsibilityRowT, StandardsPageT, StandardsRowT } from './schemas.ts';

/** A downloadable document: its bytes, type and the name it is saved under. */
export interface Download {
  body: Buffer;
  mime: string;
  filename: string;
}

const closedStates = caseStates.filter((s) => caseStateInfo[s].category === 'closed');
/** The most rows one export writes; a city's whole campaign fits many times over. */
export const maxExportRows = 20_000;

// ---------------------------------------------------------------- taxonomy lookup

interface Kind {
  sub: SubcategoryT | null;
  categoryName: string | null;
}

/**
 * The subcategory of each case as of the taxonomy version it was judged under (the
 * notice quotes the norm it was judged against), falling back to the current version.
 * Versions are looked up once per call.
 */
function taxonomyLookup(db: Db, cityId: string) {
  const versions = new Map<number | 'current', Promise<{ subcategories: SubcategoryT[]; categories: { code: string; name: string }[] }>>();
  const load = (v: number | null) => {
    const key = v ?? 'current';
    if (!versions.has(key)) {
      versions.set(
        key,
        v === null
          ? currentTaxonomy(db, cityId)
          : getTaxonomyVersion(db, cityId, v).then(
              // a stored version passed the taxonomy's own validation: its deadline units are the domain's
              (t) => ({ categories: t.categories, subcategories: t.subcategories as SubcategoryT[] }),
              () => currentTaxonomy(db, cityId),
            ),
      );
    }
    return versions.get(key)!;
  };
  return async (code: string | null, categoryCode: string | null, version: number | null): Promise<Kind> => {
    const t = await load(version);
    const sub = code ? (t.subcategories.find((s) => s.code === code) ?? null) : null;
    const cat = sub?.categoryCode ?? categoryCode;
    return { sub, categoryName: cat ? (t.categories.find((c) => c.code === cat)?.name ?? null) : null };
  };
}

// ---------------------------------------------------------------- lists

function filterOf(query: ListQueryT, now: Date): ListFilter {
  const statuses = query.status?.split(',');
  const unknown = statuses?.filter((s) => !(caseStates as readonly string[]).includes(s));
  if (unknown?.length) throw new AppError('request.invalid', { unknownStatuses: unknown }, `Unknown case states: ${unknown.join(', ')}`);
  return {
    unitId: query.unit,
    statuses,
    overdue: query.overdue,
    closedStates,
    now,
    risk: query.risk,
    districtId: query.district,
    q: query.q?.trim() || undefined,
  };
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

async function rowsOf(db: Db, actor: Actor, query: ListQueryT, page: { limit: number; offset: number }) {
  const now = new Date();
  const { timezone } = await cityNameAndZone(db, actor.cityId);
  const { total, rows } = await assignedCases(db, actor.cityId, filterOf(query, now), (first) => caseScopeSql(actor, 'p', first), page);
  const kindOf = taxonomyLookup(db, actor.cityId);
  const out = [];
  for (const r of rows) {
    const kind = await kindOf(r.subcategory_code, r.category_code, r.taxonomy_version);
    out.push({ r, kind, common: common(r, kind, now, timezone) });
  }
  return { total, rows: out, timezone };
}

function common(r: CaseListRow, kind: Kind, now: Date, timeZone: string) {
  const status = r.status as CaseState;
  const deadline = new Date(r.deadline);
  return {
    id: r.id,
    noticeNo: r.notice_no,
    title: r.title,
    address: r.address,
    district: r.district_name,
    subcategoryCode: r.subcategory_code,
    subcategoryName: kind.sub?.name ?? null,
    categoryName: kind.categoryName,
    riskLevel: r.risk_level,
    riskLabel: r.risk_level ? riskLevelLabels[r.risk_level].zh : null,
    responsibleUnit: { id: r.responsible_unit_id, name: r.responsible_unit_name },
    deadline: deadline.toISOString(),
    deadlineText: deadlineText(deadline, r.deadline_spec, timeZone),
    status,
    statusLabel: caseStateInfo[status].zh,
    overdue: isOverdueCase(status, deadline, now),
    assignedAt: iso(r.assigned_at),
  };
}

const pageOf = (query: ListQueryT) => {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
};

function responsibilityRow(x: Awaited<ReturnType<typeof rowsOf>>['rows'][number]): ResponsibilityRowT {
  return {
    ...x.common,
    leadLeader: x.r.lead_leader_id ? { id: x.r.lead_leader_id, name: x.r.lead_leader_name ?? '' } : null,
    cooperatingUnits: x.r.cooperating_units,
  };
}

function standardsRow(x: Awaited<ReturnType<typeof rowsOf>>['rows'][number]): StandardsRowT {
  return {
    ...x.common,
    norm: x.kind.sub?.norm ?? null,
    standard: x.kind.sub?.standard ?? null,
    // the rule the case was given; an older case without one shows the subcategory's default
    deadlineSpec: deadlineSpecText(x.r.deadline_spec ?? x.kind.sub?.deadline ?? null),
    requirement: x.r.requirement,
  };
}

export async function responsibilityList(db: Db, actor: Actor, query: ListQueryT): Promise<ResponsibilityPageT> {
  const p = pageOf(query);
  const { total, rows } = await rowsOf(db, actor, query, p);
  return { total, page: p.page, pageSize: p.pageSize, items: rows.map(responsibilityRow) };
}

export async function standardsList(db: Db, actor: Actor, query: ListQueryT): Promise<StandardsPageT> {
  const p = pageOf(query);
  const { total, rows } = await rowsOf(db, actor, query, p);
  return { total, page: p.page, pageSize: p.pageSize, items: rows.map(standardsRow) };
}

// ---------------------------------------------------------------- XLSX

const yesNo = (b: boolean) => (b ? '是' : '否');

async function exportHeader(db: Db, actor: Actor, total: number, shown: number) {
  const { name, timezone } = await cityNameAndZone(db, actor.cityId);
  const now = new Date();
  const clock = new Intl.DateTimeFormat('zh-CN', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  const more = total > shown ? `（仅导出前 ${shown} 项，请缩小筛选范围）` : '';
  return { cityName: name, subtitle: `导出时间：${chineseDate(now, timezone)} ${clock}\u3000共 ${total} 项${more}`, timezone, stamp: now };
}

const fileStamp = (d: Date, tz: string) => chineseDate(d, tz).replace(/[年月]/g, '-').replace('日', '');

export async function responsibilityXlsx(db: Db, actor: Actor, query: ListQueryT): Promise<Download> {
  const { total, rows, timezone } = await rowsOf(db, actor, query, { limit: maxExportRows, offset: 0 });
  const h = await exportHeader(db, actor, total, rows.length);
  const columns: TableColumn[] = [
    { header: '序号', key: 'no', width: 6 },
    { header: '通知书文号', key: 'noticeNo', width: 24 },
    { header: '问题', key: 'title', width: 30 },
    { header: '地点', key: 'place', width: 28 },
    { header: '问题类别', key: 'kind', width: 20 },
    { header: '风险等级', key: 'risk', width: 16 },
    { header: '牵头领导', key: 'leader', width: 12 },
    { header: '责任单位', key: 'unit', width: 24 },
    { header: '配合单位', key: 'coop', width: 28 },
    { header: '整改时限', key: 'deadline', width: 14, numFmt: 'yyyy-mm-dd' },
    { header: '状态', key: 'status', width: 12 },
    { header: '是否滞后', key: 'overdue', width: 10 },
  ];
  const body = await tablesXlsx([
    {
      sheetName: '责任清单',
      title: `${h.cityName}城市建设视察问题责任清单`,
      subtitle: h.subtitle,
      timeZone: timezone,
      columns,
      rows: rows.map((x, i) => {
        const row = responsibilityRow(x);
        return {
          no: i + 1,
          noticeNo: row.noticeNo,
          title: row.title,
          place: [row.district, row.address].filter(Boolean).join(' '),
          kind: row.subcategoryName ? `${row.subcategoryName}（${row.subcategoryCode}）` : (row.subcategoryCode ?? ''),
          risk: row.riskLabel ?? '',
          riskLevel: row.riskLevel,
          leader: row.leadLeader?.name ?? '',
          unit: row.responsibleUnit.name,
          coop: row.cooperatingUnits.map((u) => u.name).join('、'),
          deadline: new Date(row.deadline),
          status: row.statusLabel,
          overdue: yesNo(row.overdue),
        };
      }),
      rowFill: (r) => (r.riskLevel ? (riskFill[r.riskLevel as string] ?? null) : null),
    },
  ]);
  return { body, mime: xlsxMime, filename: `责任清单-${fileStamp(h.stamp, timezone)}.xlsx` };
}

export async function standardsXlsx(db: Db, actor: Actor, query: ListQueryT): Promise<Download> {
  const { total, rows, timezone } = await rowsOf(db, actor, query, { limit: maxExportRows, offset: 0 });
  const h = await exportHeader(db, actor, total, rows.length);
  const columns: TableColumn[] = [
    { header: '序号', key: 'no', width: 6 },
    { header: '通知书文号', key: 'noticeNo', width: 24 },
    { header: '问题', key: 'title', width: 28 },
    { header: '小类编码', key: 'code', width: 10 },
    { header: '问题小类', key: 'name', width: 16 },
    { header: '技术规范', key: 'norm', width: 40 },
    { header: '整改标准（验收规范）', key: 'standard', width: 48 },
    { header: '时限标准', key: 'spec', width: 12 },
    { header: '整改要求', key: 'requirement', width: 36 },
    { header: '责任单位', key: 'unit', width: 22 },
    { header: '整改时限', key: 'deadline', width: 14, numFmt: 'yyyy-mm-dd' },
    { header: '状态', key: 'status', width: 12 },
  ];
  const body = await tablesXlsx([
    {
      sheetName: '整改标准清单',
      title: `${h.cityName}城市建设视察整改标准清单`,
      subtitle: h.subtitle,
      timeZone: timezone,
      columns,
      rows: rows.map((x, i) => {
        const row = standardsRow(x);
        return {
          no: i + 1,
          noticeNo: row.noticeNo,
          title: row.title,
          code: row.subcategoryCode ?? '',
          name: row.subcategoryName ?? '',
          norm: row.norm ?? '',
          standard: row.standard ?? '',
          spec: row.deadlineSpec,
          requirement: row.requirement ?? '',
          unit: row.responsibleUnit.name,
          deadline: new Date(row.deadline),
          status: row.statusLabel,
        };
      }),
    },
  ]);
  return { body, mime: xlsxMime, filename: `整改标准清单-${fileStamp(h.stamp, timezone)}.xlsx` };
}

const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ---------------------------------------------------------------- the notice

/** The issuing authority of the city's notices: the campaign's leading group office (§3.1). */
export const issuerOf = (cityName: string) => `${cityName}城市建设视察工作领导小组办公室`;

/** Everything the notice of one case says, or 404 when the actor may not see the case. */
export async function noticeData(db: Db, actor: Actor, id: string): Promise<RectificationNotice> {
  const r = await caseForNotice(db, actor.cityId, id, (first) => caseScopeSql(actor, 'p', first));
  if (!r) throw new AppError('resource.not_found');
  if (!r.notice_no || !r.responsible_unit_id) throw new AppError('case.not_assigned');
  const [{ name, timezone }, tickets, photoRows, kind] = await Promise.all([
    cityNameAndZone(db, actor.cityId),
    ticketsOf(db, actor.cityId, r.id),
    evidencePhotos(db, actor.cityId, r.id, maxNoticePhotos),
    taxonomyLookup(db, actor.cityId)(r.subcategory_code, r.category_code, r.taxonomy_version),
  ]);
  const store = blobStoreFor(db);
  const photos: NoticePhoto[] = [];
  for (const ph of photoRows) {
    // A blob missing from the store (restored database, lost disk) leaves the photo out, not the notice.
    const data = await store.readBuffer(ph.public_sha256).catch(() => null);
    if (data) photos.push({ data, width: ph.width ?? 4, height: ph.height ?? 3, ticket: ph.ticket, reportedAt: new Date(ph.reported_at) });
  }
  return {
    issuer: issuerOf(name),
    noticeNo: r.notice_no,
    recipient: r.responsible_unit_name,
    problem: {
      title: r.title,
      place: [r.district_name, r.address].filter(Boolean).join(' '),
      tickets,
      reportedAt: new Date(r.first_reported_at),
      category: kind.categoryName,
      subcategory: kind.sub ? `${kind.sub.name}（${kind.sub.code}）` : r.subcategory_code,
      riskLevel: r.risk_level,
    },
    photos,
    requirement: r.requirement,
    deadline: new Date(r.deadline),
    deadlineSpec: r.deadline_spec,
    standard: kind.sub?.standard ?? null,
    norm: kind.sub?.norm ?? null,
    leadLeader: r.lead_leader_name,
    responsibleUnit: r.responsible_unit_name,
    cooperatingUnits: r.cooperating_units.map((u) => u.name),
    issuedAt: new Date(r.assigned_at ?? Date.now()),
    timeZone: timezone,
  };
}

export async function noticeDocx(db: Db, actor: Actor, id: string): Promise<Download> {
  const n = await noticeData(db, actor, id);
  return {
    body: await rectificationNoticeDocx(n),
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    filename: `问题整改通知书-${n.noticeNo}.docx`,
  };
}
