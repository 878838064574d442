import type { App } from '../../http/app.ts';
import {
  CaseEscalation,
  CaseParams,
  CompleteTaskBody,
  EscalationListQuery,
  EscalationPage,
  HeldBody,
  IdParams,
  Interview,
  InterviewList,
  InterviewQuery,
  OverduePage,
  OverdueQuery,
  TaskListQuery,
  TaskPage,
  UnitSummary,
  VerificationTask,
} from './schemas.ts';
import {
  caseEscalation,
  completeVerification,
  escalationList,
  interviewsOf,
  markHeld,
  overdueList,
  unitView,
  verificationTasks,
} from './service.ts';
import { Type } from 'typebox';

export default async function escalationRoutes(app: App) {
  const tags = ['escalation'];
  app.get(
    '/escalations',
    {
      config: { permission: 'escalation.read' },
      schema: {
        tags,
        summary: '三级督办: escalations, newest first (a unit sees its own)',
        querystring: EscalationListQuery,
        response: { 200: EscalationPage },
      },
    },
    async (request) => escalationList(app.db, request.actor, request.query),
  );
  app.get(
    '/escalations/units',
    {
      config: { permission: 'escalation.read' },
      schema: {
        tags,
        summary: 'Per unit: open escalations by level and 滞后 cases (a unit sees its own row)',
        response: { 200: Type.Array(UnitSummary) },
      },
    },
    async (request) => unitView(app.db, request.actor),
  );
  app.get(
    '/escalations/overdue-cases',
    {
      config: { permission: 'escalation.read' },
      schema: {
        tags,
        summary: '滞后: cases past their deadline and not closed, most overdue first',
        querystring: OverdueQuery,
        response: { 200: OverduePage },
      },
    },
    async (request) => overdueList(app.db, request.actor, request.query),
  );
  app.get(
    '/escalations/cases/:problemId',
    {
      config: { permission: 'escalation.read' },
      schema: {
        tags,
        summary: "A case's escalation level (its highest open one) and history",
        params: CaseParams,
        response: { 200: CaseEscalation },
      },
    },
    async (request) => caseEscalation(app.db, request.actor, request.params.problemId),
  );
  app.get(
    '/verification-tasks',
    {
      config: { permission: 'escalation.read' },
      schema: {
        tags,
        summary: '二级督办: the office’s on-site verification tasks, one per case of concern and fortnight',
        querystring: TaskListQuery,
        response: { 200: TaskPage },
      },
    },
    async (request) => verificationTasks(app.db, request.actor, request.query),
  );
  app.post(
    '/verification-tasks/:id/complete',
    {
      config: { permission: 'case.verify' },
      schema: {
        tags,
        summary: 'Record the on-site check: on track or lagging, with a note and photos',
        params: IdParams,
        body: CompleteTaskBody,
        response: { 200: VerificationTask },
      },
    },
    async (request) => completeVerification(app.db, request.actor, request.params.id, request.body, request.ip),
  );
  app.get(
    '/interviews',
    {
      config: { permission: 'escalation.read' },
      schema: {
        tags,
        summary: '三级督办: the interview list of a month (default: the latest), with the cases attached',
        querystring: InterviewQuery,
        response: { 200: InterviewList },
      },
    },
    async (request) => interviewsOf(app.db, request.actor, request.query.period),
  );
  app.post(
    '/interviews/:id/held',
    {
      config: { permission: 'escalation.manage' },
      schema: {
        tags,
        summary: 'Record that the interview took place, with its notes',
        params: IdParams,
        body: HeldBody,
        response: { 200: Interview },
      },
    },
    async (request) => markHeld(app.db, request.actor, request.params.id, request.body, request.ip),
  );
}
