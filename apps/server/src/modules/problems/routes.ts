import type { App } from '../../http/app.ts';
import {
  CategoryBody,
  LocateBody,
  MergeBody,
  ProblemDetail,
  ProblemFeatureCollection,
  ProblemIdParams,
  ProblemListQuery,
  ProblemPage,
  SplitBody,
} from './schemas.ts';
import { locateProblem, mergeProblem, overrideCategory, problemDetail, problemGeoJson, problemList, splitProblem } from './service.ts';

export default async function problemRoutes(app: App) {
  app.get(
    '/problems',
    {
      config: { permission: 'problem.read' },
      schema: { tags: ['problems'], summary: 'The problem pool (问题池), filtered and paged', querystring: ProblemListQuery, response: { 200: ProblemPage } },
    },
    async (request) => problemList(app.db, request.actor.cityId, request.query),
  );
  app.get(
    '/problems.geojson',
    {
      config: { permission: 'problem.read' },
      schema: { tags: ['problems'], summary: 'The same pool as GeoJSON points, for the map', querystring: ProblemListQuery, response: { 200: ProblemFeatureCollection } },
    },
    async (request) => problemGeoJson(app.db, request.actor.cityId, request.query),
  );
  app.get(
    '/problems/:id',
    {
      config: { permission: 'problem.read' },
      schema: {
        tags: ['problems'],
        summary: 'One problem with its reports, photos and history',
        description: 'Reporters are masked except for office and admin; their unmasked view is audited (`person.view`).',
        params: ProblemIdParams,
        response: { 200: ProblemDetail },
      },
    },
    async (request) => problemDetail(app.db, request.actor, request.params.id, request.ip),
  );
  app.post(
    '/problems/:id/category',
    {
      config: { permission: 'problem.manage' },
      schema: { tags: ['problems'], summary: 'Set the category (re-routes; the classifier learns from it)', params: ProblemIdParams, body: CategoryBody, response: { 200: ProblemDetail } },
    },
    async (request) => overrideCategory(app.db, request.actor, request.params.id, request.body, request.ip),
  );
  app.post(
    '/problems/:id/location',
    {
      config: { permission: 'problem.manage' },
      schema: {
        tags: ['problems'],
        summary: 'Set the point of a problem in the pool (需定位), or correct it',
        description:
          'Only while 待研判. The problem takes the point’s areas and grid, is re-routed, and its reports without a point of their own take it. Then the intake’s duplicate check runs: if an open problem there is the same, this one is merged into it (the answer shows `status: merged` and `mergedIntoId`). Audited as `problem.locate`.',
        params: ProblemIdParams,
        body: LocateBody,
        response: { 200: ProblemDetail },
      },
    },
    async (request) => locateProblem(app.db, request.actor, request.params.id, request.body, request.ip),
  );
  app.post(
    '/problems/:id/merge',
    {
      config: { permission: 'problem.manage' },
      schema: { tags: ['problems'], summary: 'Merge this problem into another open one', params: ProblemIdParams, body: MergeBody, response: { 200: ProblemDetail } },
    },
    async (request) => mergeProblem(app.db, request.actor, request.params.id, request.body.intoProblemId, request.ip),
  );
  app.post(
    '/problems/:id/split',
    {
      config: { permission: 'problem.manage' },
      schema: { tags: ['problems'], summary: 'Move some reports of this problem into a new one', params: ProblemIdParams, body: SplitBody, response: { 201: ProblemDetail } },
    },
    async (request, reply) => reply.status(201).send(await splitProblem(app.db, request.actor, request.params.id, request.body.reportIds, request.ip)),
  );
}
