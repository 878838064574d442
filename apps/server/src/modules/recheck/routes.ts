import type { App } from '../../http/app.ts';
import {
  CompleteBody,
  RecheckListQuery,
  RecheckPage,
  RecheckTask,
  SampleBody,
  SampleResult,
  SurveyBody,
  SurveyResult,
  TaskIdParams,
  UnitRelapseQuery,
  UnitRelapseReport,
} from './schemas.ts';
import { completeRecheck, recheckList, sampleNow, surveySatisfaction, unitRelapses } from './service.ts';

export default async function recheckRoutes(app: App) {
  app.get(
    '/rechecks',
    {
      config: { permission: 'case.recheck' },
      schema: {
        tags: ['recheck'],
        summary: '回头看: re-check tasks — mine, open, or done',
        description: 'The office sees every re-check; an inspector or the third party those handed to them or their role.',
        querystring: RecheckListQuery,
        response: { 200: RecheckPage },
      },
    },
    async (request) => recheckList(app.db, request.actor, request.query),
  );
  app.post(
    '/rechecks/:id/complete',
    {
      config: { permission: 'case.recheck' },
      schema: {
        tags: ['recheck'],
        summary: 'Record a re-check: passed (the case stays closed) or relapsed with photos and a reason (the case reopens as 反弹重开)',
        params: TaskIdParams,
        body: CompleteBody,
        response: { 200: RecheckTask },
      },
    },
    async (request) => completeRecheck(app.db, request.actor, request.params.id, request.body, request.ip),
  );
  app.post(
    '/rechecks/sample',
    {
      // the office's alone (the draw is its decision), and case.verify is the office-only word of the loop
      config: { permission: 'case.verify' },
      schema: {
        tags: ['recheck'],
        summary: 'Sample now: draw re-checks of this quarter from the closed cases not yet re-checked in it (the office)',
        body: SampleBody,
        response: { 200: SampleResult },
      },
    },
    async (request) => sampleNow(app.db, request.actor, request.body, request.ip),
  );
  app.post(
    '/rechecks/surveys',
    {
      config: { permission: 'case.recheck' },
      schema: {
        tags: ['recheck'],
        summary: 'A satisfaction survey of a closed case (third party or office): under 80% sends it back for rectification',
        body: SurveyBody,
        response: { 200: SurveyResult },
      },
    },
    async (request) => surveySatisfaction(app.db, request.actor, request.body, request.ip),
  );
  app.get(
    '/rechecks/units',
    {
      config: { permission: 'escalation.read' },
      schema: {
        tags: ['recheck'],
        summary: 'Relapses counted against each unit: closed, re-checked, relapsed, reopened on low satisfaction, rate against the 5% target',
        description: 'A unit sees its own row.',
        querystring: UnitRelapseQuery,
        response: { 200: UnitRelapseReport },
      },
    },
    async (request) => unitRelapses(app.db, request.actor, request.query),
  );
}
