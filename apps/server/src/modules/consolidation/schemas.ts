import { Type, type Static } from 'typebox';
import { caseStates, riskLevels } from '@cityloop/domain';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const Label = Type.Object({ zh: Type.String(), en: Type.String() });
/** a calendar day in the city; impossible dates (02-30) are refused by the service */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, a calendar day in the city time zone' });

export const DayParams = Type.Object({ day: Day });

export const itemReasons = ['new', 'judged', 'pending_red', 'late'] as const;

export const ConsolidationItem = Type.Object(
  {
    problemId: Type.String(),
    title: Type.String(),
    /** null: not judged yet (未研判); the level is the office's ruling, never guessed */
    riskLevel: Nullable(Type.Enum([...riskLevels])),
    status: Type.Enum([...caseStates]),
    statusLabel: Label,
    /** the responsible unit, else the unit routing proposed; null: none yet */
    unitId: Nullable(Type.String()),
    unitName: Nullable(Type.String()),
    /** true when `unitId` is the responsible unit set at judgment, false for routing's proposal */
    unitConfirmed: Type.Boolean(),
    cooperatingUnitIds: Type.Array(Type.String()),
    /** their names, in the same order */
    cooperatingUnitNames: Type.Array(Type.String()),
    subcategoryCode: Nullable(Type.String()),
    subcategoryName: Nullable(Type.String()),
    categoryCode: Nullable(Type.String()),
    address: Nullable(Type.String()),
    districtName: Nullable(Type.String()),
    reportCount: Type.Integer(),
    firstReportedAt: Type.String(),
    /** when the problem entered the pool */
    createdAt: Type.String(),
    judgedAt: Nullable(Type.String()),
    deadline: Nullable(Type.String()),
    noticeNo: Nullable(Type.String()),
    /**
     * why it is on the day's list: 'new' entered the pool that day; 'judged' judged that day;
     * 'pending_red' judged red earlier and still not assigned; 'late' entered the pool the
     * day before, after that day's list was compiled
     */
    reasons: Type.Array(Type.Enum([...itemReasons])),
  },
  { $id: 'ConsolidationItem' },
);
export type ConsolidationItemT = Static<typeof ConsolidationItem>;

export const Counts = Type.Object({
  total: Type.Integer(),
  red: Type.Integer(),
  yellow: Type.Integer(),
  green: Type.Integer(),
  unrated: Type.Integer(),
});
export type CountsT = Static<typeof Counts>;

const Person = Type.Object({ id: Type.String(), name: Type.String() });

export const ConsolidationSummary = Type.Object(
  {
    day: Type.String(),
    compiledAt: Type.String(),
    /** for a unit: its own items only */
    counts: Counts,
    reviewedAt: Nullable(Type.String()),
    reviewedBy: Nullable(Person),
    reviewNote: Nullable(Type.String()),
    pushedAt: Nullable(Type.String()),
  },
  { $id: 'ConsolidationSummary' },
);
export type ConsolidationSummaryT = Static<typeof ConsolidationSummary>;

export const ConsolidationPage = Type.Object({ items: Type.Array(ConsolidationSummary) });

export const ConsolidationListQuery = Type.Object(
  {
    /** days before this one (paging backwards) */
    before: Type.Optional(Day),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 31 })),
  },
  { additionalProperties: false },
);
export type ConsolidationListQueryT = Static<typeof ConsolidationListQuery>;

export const Consolidation = Type.Object(
  {
    ...ConsolidationSummary.properties,
    timeZone: Type.String(),
    /** the instants the list covers: [from, to) = 00:00 to 24:00 of the day in the city */
    window: Type.Object({ from: Type.String(), to: Type.String() }),
    /** a recompile would replace the items: neither reviewed nor pushed yet */
    open: Type.Boolean(),
    /** the list per unit (a cooperating unit counts the item too) */
    units: Type.Array(Type.Object({ unitId: Nullable(Type.String()), unitName: Nullable(Type.String()), counts: Counts })),
    items: Type.Array(ConsolidationItem),
  },
  { $id: 'Consolidation' },
);
export type ConsolidationT = Static<typeof Consolidation>;

export const CompileBody = Type.Object(
  { day: Type.Optional(Day) },
  { additionalProperties: false, description: 'No day: today in the city (e.g. a preview before the 20:00 compile).' },
);
export type CompileBodyT = Static<typeof CompileBody>;

export const ReviewBody = Type.Object({ note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }, { additionalProperties: false });
export type ReviewBodyT = Static<typeof ReviewBody>;
