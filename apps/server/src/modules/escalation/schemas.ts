import { Type, type Static } from 'typebox';
import { caseStates, escalationReasons } from '@cityloop/domain';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const Uuid = Type.String({ format: 'uuid' });
const Label = Type.Object({ zh: Type.String(), en: Type.String() });
const Named = Type.Object({ id: Type.String(), name: Type.String() });
const Risk = Nullable(Type.Enum(['red', 'yellow', 'green']));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 }));
const Offset = Type.Optional(Type.Integer({ minimum: 0, default: 0 }));
/** a month in the city, 'YYYY-MM' */
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const Level = Type.Integer({
  minimum: 1,
  maximum: 3,
  description: '1 = 一级督办 (weekly report, overdue), 2 = 二级督办 (on-site check), 3 = 三级督办 (interview)',
});

export const IdParams = Type.Object({ id: Uuid });
export const CaseParams = Type.Object({ problemId: Uuid });

export const EscalationListQuery = Type.Object(
  {
    level: Type.Optional(Level),
    reason: Type.Optional(Type.Enum([...escalationReasons])),
    unitId: Type.Optional(Uuid),
    problemId: Type.Optional(Uuid),
    /** true: still open; false: resolved; absent: both */
    open: Type.Optional(Type.Boolean()),
    limit: Limit,
    offset: Offset,
  },
  { additionalProperties: false },
);
export type EscalationListQueryT = Static<typeof EscalationListQuery>;

export const Escalation = Type.Object(
  {
    id: Type.String(),
    problemId: Type.String(),
    title: Type.String(),
    caseStatus: Type.Enum([...caseStates]),
    caseStatusLabel: Label,
    deadline: Nullable(Type.String()),
    /** 滞后 now: not closed and past the deadline */
    overdue: Type.Boolean(),
    riskLevel: Risk,
    unit: Named,
    level: Level,
    levelLabel: Label,
    reason: Type.Enum([...escalationReasons]),
    reasonLabel: Label,
    /** missed report: its due date; overdue: the deadline date; verification: the fortnight's Monday; interview: the month */
    periodKey: Type.String(),
    /** missed report: dueAt, weeksMissed; overdue: deadline; verification: taskId, why, dueAt; interview: interviewId, leaderId */
    details: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Type.String(),
    resolvedAt: Nullable(Type.String()),
  },
  { description: 'An escalation (督办) of one case' },
);
export type EscalationT = Static<typeof Escalation>;

export const EscalationPage = Type.Object({ total: Type.Integer(), items: Type.Array(Escalation) });

export const UnitSummary = Type.Object(
  {
    unit: Type.Object({ id: Type.String(), name: Type.String(), code: Type.String() }),
    open: Type.Object({ level1: Type.Integer(), level2: Type.Integer(), level3: Type.Integer(), missedReports: Type.Integer() }),
    /** 滞后 cases of the unit */
    overdueCases: Type.Integer(),
    /** cases in the unit's hands (assigned … reopened) */
    casesInHand: Type.Integer(),
    /** the highest open level, 0 when none */
    maxLevel: Type.Integer({ minimum: 0, maximum: 3 }),
  },
  { description: 'One unit: its open escalations and 滞后 cases' },
);
export type UnitSummaryT = Static<typeof UnitSummary>;

export const OverdueQuery = Type.Object({ unitId: Type.Optional(Uuid), limit: Limit, offset: Offset }, { additionalProperties: false });

export const OverdueCase = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    status: Type.Enum([...caseStates]),
    statusLabel: Label,
    deadline: Type.String(),
    /** whole days past the deadline, at least 1 */
    daysOverdue: Type.Integer(),
    riskLevel: Risk,
    unit: Named,
    /** its highest open escalation level, 0 when none */
    level: Type.Integer(),
  },
  { description: 'A 滞后 case' },
);
export type OverdueCaseT = Static<typeof OverdueCase>;
export const OverduePage = Type.Object({ total: Type.Integer(), items: Type.Array(OverdueCase) });

export const CaseEscalation = Type.Object({
  problemId: Type.String(),
  /** the highest open level, 0 when none */
  level: Type.Integer({ minimum: 0, maximum: 3 }),
  overdue: Type.Boolean(),
  open: Type.Array(Escalation),
  history: Type.Array(Escalation),
});

// ---------------------------------------------------------------- verification tasks (level 2)

export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(['open', 'done', 'cancelled'])),
    /** a fortnight: its Monday, YYYY-MM-DD */
    period: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    unitId: Type.Optional(Uuid),
    limit: Limit,
    offset: Offset,
  },
  { additionalProperties: false },
);
export type TaskListQueryT = Static<typeof TaskListQuery>;

export const VerificationTask = Type.Object(
  {
    id: Type.String(),
    problemId: Type.String(),
    title: Type.String(),
    caseStatus: Type.Enum([...caseStates]),
    caseStatusLabel: Label,
    deadline: Nullable(Type.String()),
    overdue: Type.Boolean(),
    riskLevel: Risk,
    unit: Nullable(Named),
    /** the fortnight (its Monday) */
    periodKey: Type.String(),
    /** the end of the fortnight's last day */
    dueAt: Nullable(Type.String()),
    status: Type.Enum(['open', 'done', 'cancelled']),
    /** why the case is of concern: past its deadline, red risk, or an open level-1 escalation */
    why: Nullable(Type.Enum(['overdue', 'red', 'level1'])),
    outcome: Nullable(Type.Enum(['on_track', 'lagging'])),
    note: Nullable(Type.String()),
    photos: Type.Array(Type.String()),
    createdAt: Type.String(),
    doneAt: Nullable(Type.String()),
    doneBy: Nullable(Type.String()),
  },
  { description: '二级督办: an on-site verification task of the office' },
);
export type VerificationTaskT = Static<typeof VerificationTask>;
export const TaskPage = Type.Object({ total: Type.Integer(), items: Type.Array(VerificationTask) });

export const CompleteTaskBody = Type.Object(
  {
    /** on_track: 进展正常 (the level-2 escalation resolves); lagging: 进展滞后 (the unit goes on next month's interview list) */
    outcome: Type.Enum(['on_track', 'lagging']),
    note: Type.String({ minLength: 1, maxLength: 2000 }),
    /** on-site photos, from the evidence or file upload */
    photos: Type.Optional(Type.Array(Uuid, { maxItems: 9, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CompleteTaskBodyT = Static<typeof CompleteTaskBody>;

// ---------------------------------------------------------------- interviews (level 3)

export const InterviewQuery = Type.Object({ period: Type.Optional(Month) }, { additionalProperties: false });

const InterviewCase = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.Enum([...caseStates]),
  statusLabel: Label,
  deadline: Nullable(Type.String()),
  overdue: Type.Boolean(),
  riskLevel: Risk,
});

export const Interview = Type.Object(
  {
    id: Type.String(),
    period: Type.String(),
    unit: Named,
    /** the leader who holds it: the cases' lead leader, else the district's; null: the office picks */
    leader: Nullable(Named),
    status: Type.Enum(['scheduled', 'held', 'cancelled']),
    heldAt: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    createdAt: Type.String(),
    cases: Type.Array(InterviewCase),
  },
  { description: '三级督办: one unit on the interview list of a month' },
);
export type InterviewT = Static<typeof Interview>;

export const InterviewList = Type.Object({
  period: Type.String(),
  /** the months that have a list, newest first */
  periods: Type.Array(Type.Object({ period: Type.String(), units: Type.Integer(), held: Type.Integer() })),
  items: Type.Array(Interview),
});

export const HeldBody = Type.Object(
  {
    notes: Type.String({ minLength: 1, maxLength: 4000 }),
    /** when it took place; default now */
    heldAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type HeldBodyT = Static<typeof HeldBody>;
