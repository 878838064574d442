import { Type, type Static } from 'typebox';

export const DayKind = Type.Enum(['holiday', 'workday'], { description: "'holiday' = 放假, 'workday' = 调休上班 (a weekend day worked)" });
export const CalendarSource = Type.Enum(['official', 'admin'], { description: "'official' = seeded from chinese-days, 'admin' = entered by an administrator" });

export const CalendarDay = Type.Object(
  {
    day: Type.String({ description: 'YYYY-MM-DD, a calendar date in the city' }),
    kind: DayKind,
    name: Type.String(),
    source: CalendarSource,
    /** 0 = Sunday … 6 = Saturday */
    weekday: Type.Integer({ minimum: 0, maximum: 6 }),
    /** false for a 放假 day that falls on a weekend anyway (listed to name the holiday block) */
    changesWorkingDay: Type.Boolean(),
  },
  { $id: 'CalendarDay' },
);
export type CalendarDayT = Static<typeof CalendarDay>;

export const CalendarYear = Type.Object(
  {
    year: Type.Integer(),
    /** where the year's arrangement comes from; null: none recorded, only the weekend rule applies */
    source: Type.Union([CalendarSource, Type.Null()]),
    /** the years with a recorded arrangement, ascending */
    years: Type.Array(Type.Integer()),
    /** working days in the year under this calendar */
    workingDays: Type.Integer(),
    /** the days of the year that the calendar lists: 放假 and 调休上班 */
    days: Type.Array(CalendarDay),
  },
  { $id: 'CalendarYear' },
);
export type CalendarYearT = Static<typeof CalendarYear>;

const year = Type.Integer({ minimum: 2000, maximum: 2100 });

export const CalendarQuery = Type.Object({ year: Type.Optional(year) });
export type CalendarQueryT = Static<typeof CalendarQuery>;

/** Checked by the service (calendar.invalid_day), so a malformed day gets the calendar's own problem code. */
export const CalendarDayParams = Type.Object({ day: Type.String({ maxLength: 40 }) });

const dayName = Type.String({ maxLength: 100 });

export const CalendarDayBody = Type.Object({ kind: DayKind, name: Type.Optional(dayName) }, { additionalProperties: false });
export type CalendarDayBodyT = Static<typeof CalendarDayBody>;

export const CalendarYearBody = Type.Object(
  {
    year,
    days: Type.Array(
      Type.Object({ day: Type.String({ maxLength: 40 }), kind: DayKind, name: Type.Optional(dayName) }, { additionalProperties: false }),
      { maxItems: 366 },
    ),
  },
  { additionalProperties: false },
);
export type CalendarYearBodyT = Static<typeof CalendarYearBody>;

export const DeadlineUnit = Type.Enum(['working_days', 'hours']);

export const DeadlineQuery = Type.Object({
  start: Type.String({ format: 'date-time', description: 'the start instant, ISO 8601 with offset' }),
  amount: Type.Number({ minimum: 0, maximum: 3650 }),
  unit: DeadlineUnit,
});
export type DeadlineQueryT = Static<typeof DeadlineQuery>;

export const DeadlineResult = Type.Object(
  {
    start: Type.String(),
    amount: Type.Number(),
    unit: DeadlineUnit,
    /** the deadline instant (ISO, UTC) */
    deadline: Type.String(),
    /** the deadline's calendar date in the city */
    deadlineDay: Type.String(),
    timeZone: Type.String(),
  },
  { $id: 'DeadlineResult' },
);
export type DeadlineResultT = Static<typeof DeadlineResult>;
