/**
 * The three lists (三单, SPEC.md M7, seed §4.3): the responsibility list (责任清单) and the
 * standards list (整改标准清单) as JSON for the console (exported for the web client's
 * types) and as XLSX; the rectification notice is a .docx and has no JSON shape.
 */
import { Type, type Static } from 'typebox';
import { caseStates, riskLevels } from '@cityloop/domain';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Ref = Type.Object({ id: Type.String(), name: Type.String() });

export const ListQuery = Type.Object({
  unit: Type.Optional(Type.String({ format: 'uuid', description: 'cases this unit is responsible for or cooperates on' })),
  status: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', description: 'one or more case states, comma-separated' })),
  overdue: Type.Optional(Type.Boolean({ description: 'true: only 滞后 cases (open and past the deadline); false: only the others' })),
  risk: Type.Optional(Type.Enum([...riskLevels])),
  district: Type.Optional(Type.String({ format: 'uuid', description: 'a 片区 id' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'text in the title, address or notice number' })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});
export type ListQueryT = Static<typeof ListQuery>;

/** What both lists say about a case. */
const CaseColumns = {
  id: Type.String(),
  /** 问题整改通知书 number, e.g. ZZ整改〔2026〕0042号 */
  noticeNo: Type.String(),
  title: Type.String(),
  address: Nullable(Type.String()),
  district: Nullable(Type.String()),
  subcategoryCode: Nullable(Type.String()),
  subcategoryName: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  riskLevel: Nullable(Type.Enum([...riskLevels])),
  riskLabel: Nullable(Type.String()),
  responsibleUnit: Ref,
  deadline: Type.String({ description: 'ISO instant' }),
  /** "2026年12月9日前（10个工作日）" */
  deadlineText: Type.String(),
  status: Type.Enum([...caseStates]),
  statusLabel: Type.String(),
  /** 滞后: not closed and past the deadline (domain `isOverdueCase`) */
  overdue: Type.Boolean(),
  assignedAt: Nullable(Type.String()),
};

export const ResponsibilityRow = Type.Object(
  {
    ...CaseColumns,
    leadLeader: Nullable(Ref),
    cooperatingUnits: Type.Array(Ref),
  },
  { $id: 'ResponsibilityRow' },
);
export type ResponsibilityRowT = Static<typeof ResponsibilityRow>;

export const StandardsRow = Type.Object(
  {
    ...CaseColumns,
    /** 技术规范 of the subcategory, as of the taxonomy version the case was judged under */
    norm: Nullable(Type.String()),
    /** 整改标准: the technical parameters and acceptance norm (验收规范) */
    standard: Nullable(Type.String()),
    /** the deadline rule: "10个工作日", "24小时", or "指定日期" */
    deadlineSpec: Type.String(),
    /** 整改要求 of this case, beyond the standard */
    requirement: Nullable(Type.String()),
  },
  { $id: 'StandardsRow' },
);
export type StandardsRowT = Static<typeof StandardsRow>;

const page = <T extends Parameters<typeof Type.Array>[0]>(row: T) =>
  Type.Object({ total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), items: Type.Array(row) });

export const ResponsibilityPage = page(ResponsibilityRow);
export type ResponsibilityPageT = Static<typeof ResponsibilityPage>;
export const StandardsPage = page(StandardsRow);
export type StandardsPageT = Static<typeof StandardsPage>;

export const CaseIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
