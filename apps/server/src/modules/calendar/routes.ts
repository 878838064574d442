import type { App } from '../../http/app.ts';
import {
  CalendarDay,
  CalendarDayBody,
  CalendarDayParams,
  CalendarQuery,
  CalendarYear,
  CalendarYearBody,
  DeadlineQuery,
  DeadlineResult,
} from './schemas.ts';
import { addCalendarYear, calendarYear, deadlineQuery, removeCalendarDay, setCalendarDay } from './service.ts';

export default async function calendarRoutes(app: App) {
  app.get(
    '/calendar',
    {
      config: { permission: 'calendar.read' },
      schema: {
        tags: ['calendar'],
        summary: 'The working-day calendar of a year (工作日历): its 放假 and 调休上班 days and its working-day count',
        querystring: CalendarQuery,
        response: { 200: CalendarYear },
      },
    },
    async (request) => calendarYear(app.db, request.actor.cityId, request.query.year),
  );
  app.get(
    '/calendar/deadline',
    {
      config: { permission: 'calendar.read' },
      schema: {
        tags: ['calendar'],
        summary: 'The deadline for something starting at `start`: N working days (end of the day in the city) or N clock hours',
        querystring: DeadlineQuery,
        response: { 200: DeadlineResult },
      },
    },
    async (request) => deadlineQuery(app.db, request.actor.cityId, request.query),
  );
  app.put(
    '/calendar/days/:day',
    {
      config: { permission: 'calendar.manage' },
      schema: {
        tags: ['calendar'],
        summary: 'Mark a day as 放假 (holiday) or 调休上班 (workday)',
        params: CalendarDayParams,
        body: CalendarDayBody,
        response: { 200: CalendarDay },
      },
    },
    async (request) => setCalendarDay(app.db, request.actor, request.params.day, request.body, request.ip),
  );
  app.delete(
    '/calendar/days/:day',
    {
      config: { permission: 'calendar.manage' },
      schema: { tags: ['calendar'], summary: 'Remove a day from the calendar: the plain weekend rule applies to it again', params: CalendarDayParams },
    },
    async (request, reply) => {
      await removeCalendarDay(app.db, request.actor, request.params.day, request.ip);
      return reply.status(204).send();
    },
  );
  app.post(
    '/calendar/years',
    {
      config: { permission: 'calendar.manage' },
      schema: {
        tags: ['calendar'],
        summary: 'Enter a year the official source does not know yet (all days or none)',
        body: CalendarYearBody,
        response: { 201: CalendarYear },
      },
    },
    async (request, reply) => reply.status(201).send(await addCalendarYear(app.db, request.actor, request.body, request.ip)),
  );
}
