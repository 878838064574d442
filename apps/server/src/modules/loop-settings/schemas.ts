import { Type, type Static } from 'typebox';
import { loopJobNames, weekdayKeys } from '@cityloop/domain';

const Time = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, city time' });
const DayOfMonth = Type.Integer({ minimum: 1, maximum: 31, description: '29–31 fall on the last day of a shorter month' });

const fields = {
  /** daily: 一级督办 (missed weekly reports, overdue cases) */
  escalationTime: Time,
  /** weekly on this day: 二级督办 verification tasks (one per case of concern per fortnight) */
  verificationDay: Type.Enum([...weekdayKeys]),
  verificationTime: Time,
  /** monthly on this day: 三级督办 interview list */
  interviewDay: DayOfMonth,
  interviewTime: Time,
  /** daily: 每日会商 compiled */
  consolidationTime: Time,
  /** daily: the list pushed to the units */
  pushTime: Time,
  /** monthly on this day: 回头看 sampling */
  recheckDay: DayOfMonth,
  recheckTime: Time,
  /** share of closed cases drawn for 回头看, 0–1 */
  recheckRate: Type.Number({ minimum: 0, maximum: 1 }),
};

export const LoopSettingsBody = Type.Partial(Type.Object(fields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type LoopSettingsBodyT = Static<typeof LoopSettingsBody>;

export const LoopJob = Type.Object({
  name: Type.Enum([...loopJobNames]),
  schedule: Type.String(),
  nextRunAt: Type.Union([Type.String(), Type.Null()]),
  lastRunAt: Type.Union([Type.String(), Type.Null()]),
  lastStatus: Type.Union([Type.Enum(['running', 'done', 'failed']), Type.Null()]),
});

export const LoopSettingsView = Type.Object(
  {
    settings: Type.Object(fields),
    /** the jobs as scheduled now, in the city's time zone */
    timezone: Type.String(),
    jobs: Type.Array(LoopJob),
  },
  { $id: 'LoopSettings' },
);
export type LoopSettingsViewT = Static<typeof LoopSettingsView>;
