import { Type, type Static } from 'typebox';
import { caseActions, caseStates, deadlineUnits, problemEventActions, riskLevels } from '@cityloop/domain';
import { AreaPath } from '../areas/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const Uuid = Type.String({ format: 'uuid' });
/** a calendar day in the city, 'YYYY-MM-DD': deadlines end at 24:00 city time that day */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, in the city time zone' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const FileIds = (min: number) => Type.Array(Uuid, { minItems: min, maxItems: 9, uniqueItems: true });

export const CaseIdParams = Type.Object({ id: Uuid });

const Score = Type.Integer({ minimum: 1, maximum: 5 });
export const RiskScoresBody = Type.Object(
  { socialImpact: Score, technicalDifficulty: Score, fundingPressure: Score },
  { additionalProperties: false, description: '风险评估矩阵: each factor 1 (slight) – 5 (severe)' },
);

export const DeadlineSpecBody = Type.Object(
  { amount: Type.Integer({ minimum: 1, maximum: 250 }), unit: Type.Enum([...deadlineUnits]) },
  { additionalProperties: false },
);

export const JudgmentBody = Type.Object(
  {
    subcategoryCode: Type.String({ minLength: 1, maxLength: 20 }),
    riskScores: RiskScoresBody,
    responsibleUnitId: Uuid,
    cooperatingUnitIds: Type.Optional(Type.Array(Uuid, { maxItems: 10, uniqueItems: true })),
    leadLeaderId: Type.Optional(Nullable(Uuid)),
    requirement: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    /** the time limit in working days or hours; absent: the subcategory's own */
    deadline: Type.Optional(Nullable(DeadlineSpecBody)),
    /** a fixed last day instead (legacy problems, leaders' instructions) */
    deadlineDay: Type.Optional(Nullable(Day)),
    /** 历史遗留问题: extensions may be ruled case by case (一事一议) */
    legacy: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type JudgmentBodyT = Static<typeof JudgmentBody>;

export const AssignBody = Type.Object({ note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }, { additionalProperties: false });
export const ReasonBody = Type.Object({ reason: Text(2000) }, { additionalProperties: false });
export const OpinionRequestBody = Type.Object(
  { expertUserId: Type.Optional(Nullable(Uuid)), note: Text(2000) },
  { additionalProperties: false, description: 'No expertUserId: any expert may answer.' },
);
export const OpinionBody = Type.Object({ opinion: Text(4000) }, { additionalProperties: false });
export const ProgressBody = Type.Object(
  { note: Text(4000), photoIds: Type.Optional(Type.Array(Uuid, { maxItems: 9, uniqueItems: true })) },
  { additionalProperties: false },
);
export const ExtensionBody = Type.Object({ proposedDay: Day, reason: Text(2000) }, { additionalProperties: false });
export const ExtensionDecisionBody = Type.Object(
  {
    decision: Type.Enum(['approve', 'refuse', 'rule_case_by_case']),
    /** approve / rule_case_by_case: the new last day (default: the day the unit asked for) */
    newDay: Type.Optional(Nullable(Day)),
    /** refuse: the reason; rule_case_by_case: the ruling (一事一议 / 容错) */
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export type ExtensionDecisionBodyT = Static<typeof ExtensionDecisionBody>;
export const CloseoutBody = Type.Object(
  {
    beforePhotoIds: FileIds(1),
    afterPhotoIds: FileIds(1),
    /** 第三方检测报告: a PDF or a photo, from POST /api/v1/evidence */
    thirdPartyReportId: Uuid,
    /** 群众满意度回执 */
    satisfactionReceiptId: Uuid,
    /** the satisfaction on the receipt, in percent; under 80 sends the case back (§6.4) */
    satisfactionScore: Type.Number({ minimum: 0, maximum: 100 }),
    note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export type CloseoutBodyT = Static<typeof CloseoutBody>;
export const CloseBody = Type.Object({ note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }, { additionalProperties: false });

export const CaseListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...caseStates])),
    /** 'todo': what waits for the caller (a unit: to accept, work on, resubmit; the office: to judge, verify, decide) */
    view: Type.Optional(Type.Enum(['all', 'todo', 'loop'])),
    unitId: Type.Optional(Uuid),
    overdue: Type.Optional(Type.Boolean()),
    riskLevel: Type.Optional(Type.Enum([...riskLevels])),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);
export type CaseListQueryT = Static<typeof CaseListQuery>;

const Named = Type.Object({ id: Type.String(), name: Type.String() });
const Label = Type.Object({ zh: Type.String(), en: Type.String() });

export const CaseSummary = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    status: Type.Enum([...caseStates]),
    statusLabel: Label,
    overdue: Type.Boolean(),
    riskLevel: Nullable(Type.Enum([...riskLevels])),
    subcategoryCode: Nullable(Type.String()),
    address: Nullable(Type.String()),
    /** 片区·区县·街道·社区·网格, as far as known (empty while it needs a location and no area is known) */
    areaPathText: Type.String(),
    /** 需定位: no point yet; it cannot be assigned until the office sets one */
    needsLocation: Type.Boolean(),
    responsibleUnit: Nullable(Named),
    noticeNo: Nullable(Type.String()),
    deadline: Nullable(Type.String()),
    lastProgressAt: Nullable(Type.String()),
    /** 三级督办: the highest open escalation level, 0 when none */
    escalationLevel: Type.Integer({ minimum: 0, maximum: 3 }),
    updatedAt: Type.String(),
  },
  { $id: 'CaseSummary' },
);
export type CaseSummaryT = Static<typeof CaseSummary>;
export const CasePage = Type.Object({ total: Type.Integer(), items: Type.Array(CaseSummary) });

export const CaseEvent = Type.Object({
  id: Type.String(),
  at: Type.String(),
  action: Type.Enum([...problemEventActions]),
  actionLabel: Label,
  /** the login (or `system`, `apikey:…`) */
  actor: Type.String(),
  /** the person's display name, when the actor is a user */
  actorName: Nullable(Type.String()),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  note: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  /** the event is chained into the audit log (loop events are; the pool's earlier events are not) */
  chained: Type.Boolean(),
});

export const CaseTask = Type.Object({
  id: Type.String(),
  kind: Type.Enum(['expert_opinion', 'verification', 'recheck']),
  status: Type.Enum(['open', 'done', 'cancelled']),
  assignee: Nullable(Type.String()),
  assigneeRole: Nullable(Type.String()),
  requestNote: Nullable(Type.String()),
  outcome: Nullable(Type.String()),
  outcomeNote: Nullable(Type.String()),
  createdAt: Type.String(),
  doneAt: Nullable(Type.String()),
});

export const AllowedAction = Type.Object({ action: Type.Enum([...caseActions]), label: Label, to: Type.Enum([...caseStates]) });

export const Closeout = Type.Object({
  beforePhotoIds: Type.Array(Type.String()),
  afterPhotoIds: Type.Array(Type.String()),
  thirdPartyReportId: Type.String(),
  satisfactionReceiptId: Type.String(),
  satisfactionScore: Type.Number(),
  note: Nullable(Type.String()),
  /** the type of each evidence file, so a PDF shows as a document and a photo as a picture */
  files: Type.Array(Type.Object({ id: Type.String(), mime: Type.String() })),
});

export const CaseReport = Type.Object({
  ticket: Type.String(),
  source: Type.String(),
  /** phone numbers in the text are masked; who reported is never part of a case */
  text: Type.String(),
  at: Type.String(),
  photoIds: Type.Array(Type.String()),
});

export const CaseDetail = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    status: Type.Enum([...caseStates]),
    statusLabel: Label,
    overdue: Type.Boolean(),
    /** 三级督办: the highest open escalation level, 0 when none */
    escalationLevel: Type.Integer({ minimum: 0, maximum: 3 }),
    address: Nullable(Type.String()),
    /** null while the case needs a location (需定位) */
    lng: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    needsLocation: Type.Boolean(),
    /** where the point came from: a report (given, photo), the area its address names (approximate), the office, none yet */
    locationFrom: Type.Enum(['report', 'address', 'office', 'none']),
    /** its areas from the 片区 down to the grid cell */
    areaPath: AreaPath,
    /** the same as written on the notice: 二七片区·二七区·淮河路街道·康丰社区·网格0003 */
    areaPathText: Type.String(),
    subcategoryCode: Nullable(Type.String()),
    categoryCode: Nullable(Type.String()),
    riskLevel: Nullable(Type.Enum([...riskLevels])),
    riskScores: Nullable(RiskScoresBody),
    riskScore: Nullable(Type.Number()),
    responsibleUnit: Nullable(Named),
    proposedUnit: Nullable(Named),
    cooperatingUnits: Type.Array(Named),
    leadLeader: Nullable(Named),
    requirement: Nullable(Type.String()),
    deadline: Nullable(Type.String()),
    deadlineSpec: Nullable(Type.Record(Type.String(), Type.Unknown())),
    /** pending judgment: the deadline the case would get if assigned now (taxonomy time limit, working days) */
    proposedDeadline: Nullable(Type.String()),
    legacy: Type.Boolean(),
    noticeNo: Nullable(Type.String()),
    judgedAt: Nullable(Type.String()),
    assignedAt: Nullable(Type.String()),
    acceptedAt: Nullable(Type.String()),
    lastProgressAt: Nullable(Type.String()),
    extensionProposedDeadline: Nullable(Type.String()),
    closeout: Nullable(Closeout),
    submittedAt: Nullable(Type.String()),
    closedAt: Nullable(Type.String()),
    satisfaction: Nullable(Type.Number()),
    returnCount: Type.Integer(),
    reopenCount: Type.Integer(),
    reportCount: Type.Integer(),
    firstReportedAt: Type.String(),
    /** what was reported (the unit reads it here; the pool is the office's) */
    reports: Type.Array(CaseReport),
    /** what the caller may do now (the state machine's rows for their roles); evidence is checked on submit */
    allowedActions: Type.Array(AllowedAction),
    tasks: Type.Array(CaseTask),
    timeline: Type.Array(CaseEvent),
  },
  { $id: 'CaseDetail' },
);
export type CaseDetailT = Static<typeof CaseDetail>;

export const TimelineCheck = Type.Object({
  ok: Type.Boolean(),
  /** the audit chain of the whole city, recomputed */
  chain: Type.Object({ ok: Type.Boolean(), events: Type.Integer(), brokenAt: Nullable(Type.Integer()) }),
  /** loop events of this case checked against the digests in the chain */
  checked: Type.Integer(),
  /** events whose content no longer matches their digest */
  altered: Type.Array(Type.String()),
  /** events the chain records that are missing from the timeline */
  missing: Type.Array(Type.String()),
});
