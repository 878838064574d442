import { Type, type Static } from 'typebox';
import { caseStates, riskLevels } from '@cityloop/domain';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const Uuid = Type.String({ format: 'uuid' });
const Label = Type.Object({ zh: Type.String(), en: Type.String() });
const Named = Type.Object({ id: Type.String(), name: Type.String() });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, in the city time zone' });

export const TaskIdParams = Type.Object({ id: Uuid });

export const RecheckListQuery = Type.Object(
  {
    /** 'mine': open and handed to me or my role; 'open': every open one I may take; 'done': completed or cancelled */
    view: Type.Optional(Type.Enum(['mine', 'open', 'done'], { default: 'open' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type RecheckListQueryT = Static<typeof RecheckListQuery>;

export const RecheckTask = Type.Object(
  {
    id: Type.String(),
    problemId: Type.String(),
    title: Type.String(),
    address: Nullable(Type.String()),
    districtName: Nullable(Type.String()),
    caseStatus: Type.Enum([...caseStates]),
    caseStatusLabel: Label,
    riskLevel: Nullable(Type.Enum([...riskLevels])),
    subcategoryCode: Nullable(Type.String()),
    noticeNo: Nullable(Type.String()),
    responsibleUnit: Nullable(Named),
    closedAt: Nullable(Type.String()),
    reopenCount: Type.Integer(),
    /** the draw it came from: 'YYYY-Qn' for the quarter's scheduled draw, 'YYYY-Qn/<instant>' for one by hand */
    periodKey: Nullable(Type.String()),
    assigneeRole: Nullable(Type.String()),
    assignee: Nullable(Named),
    status: Type.Enum(['open', 'done', 'cancelled']),
    requestNote: Nullable(Type.String()),
    dueAt: Nullable(Type.String()),
    createdAt: Type.String(),
    outcome: Nullable(Type.String()),
    outcomeNote: Nullable(Type.String()),
    photoIds: Type.Array(Type.String()),
    doneBy: Nullable(Named),
    doneAt: Nullable(Type.String()),
  },
  { $id: 'RecheckTask' },
);
export type RecheckTaskT = Static<typeof RecheckTask>;

export const RecheckPage = Type.Object({ total: Type.Integer(), items: Type.Array(RecheckTask) });

export const CompleteBody = Type.Object(
  {
    outcome: Type.Enum(['passed', 'relapsed']),
    /** what was found; required for a relapse (the reason the case reopens) */
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    /** photos from POST /api/v1/uploads or /api/v1/evidence; at least one for a relapse */
    photoIds: Type.Optional(Type.Array(Uuid, { maxItems: 9, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CompleteBodyT = Static<typeof CompleteBody>;

export const SurveyBody = Type.Object(
  {
    problemId: Uuid,
    /** satisfaction in percent (神秘顾客 / 满意度回访, §6.4); under 80 sends the case back */
    score: Type.Number({ minimum: 0, maximum: 100 }),
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export type SurveyBodyT = Static<typeof SurveyBody>;

export const SurveyResult = Type.Object({
  problemId: Type.String(),
  score: Type.Number(),
  /** true: under 80%, the case went back for rectification (反弹重开) */
  reopened: Type.Boolean(),
  caseStatus: Type.Enum([...caseStates]),
  deadline: Nullable(Type.String()),
});
export type SurveyResultT = Static<typeof SurveyResult>;

export const SampleBody = Type.Object(
  {
    /** the share of eligible closed cases to draw, 0–1 (default: the city's loop settings, else 0.3) */
    rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** a case is eligible this many days after its close-out (default 30) */
    minDaysClosed: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  },
  { additionalProperties: false },
);
export type SampleBodyT = Static<typeof SampleBody>;

export const SampleResult = Type.Object({
  periodKey: Type.String(),
  /** the seed of the draw: the draw repeats from it and the eligible list (一公开) */
  seed: Type.Integer(),
  rate: Type.Number(),
  eligible: Type.Integer(),
  created: Type.Integer(),
  taskIds: Type.Array(Type.String()),
  assigneeRole: Type.String(),
  /** the period's scheduled draw had already been made: nothing new (a retried run) */
  alreadyDrawn: Type.Boolean(),
});
export type SampleResultT = Static<typeof SampleResult>;

export const UnitRelapseQuery = Type.Object(
  {
    /** re-checks done (and cases closed) on or after this day, city time */
    from: Type.Optional(Day),
    /** … up to and including this day */
    to: Type.Optional(Day),
  },
  { additionalProperties: false },
);
export type UnitRelapseQueryT = Static<typeof UnitRelapseQuery>;

export const UnitRelapse = Type.Object({
  unitId: Type.String(),
  unitName: Type.String(),
  /** cases of the unit closed (销号) in the window */
  closed: Type.Integer(),
  /** re-checks done on the unit's cases */
  rechecked: Type.Integer(),
  passed: Type.Integer(),
  relapsed: Type.Integer(),
  /** closed cases sent back by a satisfaction survey under 80% */
  lowSatisfaction: Type.Integer(),
  /** relapsed / rechecked; null when nothing was re-checked */
  relapseRate: Nullable(Type.Number()),
  /** the rate is above the 5% target of §7.1 */
  overTarget: Type.Boolean(),
  /** times the unit's cases were reopened (relapse or low satisfaction), all time: counted against the unit */
  reopenCount: Type.Integer(),
});
export type UnitRelapseT = Static<typeof UnitRelapse>;

export const UnitRelapseReport = Type.Object({
  target: Type.Number(),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  totals: Type.Object({
    closed: Type.Integer(),
    rechecked: Type.Integer(),
    passed: Type.Integer(),
    relapsed: Type.Integer(),
    lowSatisfaction: Type.Integer(),
    relapseRate: Nullable(Type.Number()),
  }),
  units: Type.Array(UnitRelapse),
});
export type UnitRelapseReportT = Static<typeof UnitRelapseReport>;
