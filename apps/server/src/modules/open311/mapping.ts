/**
 * How the taxonomy and the problem pool look through Open311 GeoReport v2: pure
 * functions from our rows to the spec's fields, each answer built field by
 * field, so nothing else (a reporter, an internal id) can slip into it.
 */
import { problemStatusInfo, publicText, type ProblemStatus, type Subcategory } from '@cityloop/domain';
import type { RequestRow } from './queries.ts';

export interface Service {
  service_code: string;
  service_name: string;
  description: string | null;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string | null;
  group: string | null;
}

export function deadlineText(s: Pick<Subcategory, 'deadline'>): string {
  return s.deadline.unit === 'hours' ? `${s.deadline.amount}小时` : `${s.deadline.amount}个工作日`;
}

export function toService(s: Subcategory, categoryName: string | undefined): Service {
  return {
    service_code: s.code,
    service_name: s.name,
    description: `${s.nameEn}。整改标准：${s.standard} 处置时限：${deadlineText(s)}。`,
    // every service has the severity and first-noticed attributes below
    metadata: true,
    // a request is placed, classified and routed the moment it is posted
    type: 'realtime',
    keywords: s.keywords.join(','),
    group: categoryName ?? null,
  };
}

/** The severity a reporter may give; kept with the report for the office's judgment. */
export const severityValues = [
  { key: 'low', name: '一般 (Minor)' },
  { key: 'medium', name: '较重 (Moderate)' },
  { key: 'high', name: '严重，存在安全隐患 (Serious: a safety hazard)' },
] as const;

export interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

/**
 * The same three attributes for every service: two the reporter may fill, and one
 * (`variable: false`) that only shows the rectification standard the problem is judged by.
 */
export function serviceDefinition(s: Subcategory): { service_code: string; attributes: ServiceAttribute[] } {
  return {
    service_code: s.code,
    attributes: [
      {
        variable: true,
        code: 'severity',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '选择一项 (choose one)',
        order: 1,
        description: '问题的严重程度 How serious is it?',
        values: severityValues.map((v) => ({ ...v })),
      },
      {
        variable: true,
        code: 'first_noticed',
        datatype: 'datetime',
        required: false,
        datatype_description: 'ISO 8601, e.g. 2026-05-01T08:00:00+08:00',
        order: 2,
        description: '首次发现的时间 When did you first notice it?',
      },
      {
        variable: false,
        code: 'standard',
        datatype: 'text',
        required: false,
        datatype_description: null,
        order: 3,
        description: `整改标准：${s.standard}（依据：${s.norm}；时限：${deadlineText(s)}）`,
      },
    ],
  };
}

export type RequestStatus = 'open' | 'closed';

export function requestStatus(status: string): RequestStatus {
  return problemStatusInfo[status as ProblemStatus]?.category === 'closed' ? 'closed' : 'open';
}

/** The problem statuses behind Open311's `open` and `closed`. */
export function statusesOf(wanted: RequestStatus): ProblemStatus[] {
  return (Object.keys(problemStatusInfo) as ProblemStatus[]).filter((s) => requestStatus(s) === wanted);
}


export interface ServiceRequest {
  service_request_id: string;
  status: RequestStatus;
  status_notes: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  /** null while the request has no point yet (an address the office still has to place) */
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toServiceRequest(r: RequestRow, services: Map<string, Subcategory>, mediaUrl: (fileId: string) => string): ServiceRequest {
  const sub = r.subcategory_code ? services.get(r.subcategory_code) : undefined;
  const info = problemStatusInfo[r.problem_status as ProblemStatus];
  return {
    service_request_id: r.service_request_id,
    status: requestStatus(r.problem_status),
    status_notes: info ? `${info.zh} (${info.en})` : null,
    service_name: sub?.name ?? null,
    // a report the classifier could not place has no service yet; the spec requires a string
    service_code: r.subcategory_code ?? '',
    description: publicText(r.text).slice(0, 4000),
    agency_responsible: r.unit_name,
    service_notice: sub ? `整改标准：${sub.standard}` : null,
    requested_datetime: iso(r.requested_at),
    updated_datetime: iso(r.problem_updated_at),
    // the rectification deadline, set when the office assigns the case (M7); not known before
    expected_datetime: r.deadline ? iso(r.deadline) : null,
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.lat === null ? null : Number(r.lat),
    long: r.lng === null ? null : Number(r.lng),
    media_url: r.media_file_id ? mediaUrl(r.media_file_id) : r.given_media_url,
  };
}
