import type { App } from '../../http/app.ts';
import { contentDisposition } from '../../documents/download.ts';
import { CompileBody, Consolidation, ConsolidationListQuery, ConsolidationPage, DayParams, ReviewBody } from './schemas.ts';
import { compileNow, consolidationDetail, consolidationList, consolidationXlsx, reviewConsolidation } from './service.ts';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const binary = (what: string) => ({ 200: { description: what, content: { [what]: { schema: { type: 'string', format: 'binary' } } } } });

export default async function consolidationRoutes(app: App) {
  app.get(
    '/consolidations',
    {
      config: { permission: 'consolidation.read' },
      schema: {
        tags: ['consolidation'],
        summary: '每日会商: the daily lists, newest first',
        description: 'A unit sees the lists pushed to it, counted over its own items.',
        querystring: ConsolidationListQuery,
        response: { 200: ConsolidationPage },
      },
    },
    async (request) => consolidationList(app.db, request.actor, request.query),
  );
  app.get(
    '/consolidations/:day.xlsx',
    {
      config: { permission: 'consolidation.read' },
      schema: {
        tags: ['consolidation'],
        summary: "The day's list as an Excel workbook, rows filled red / yellow / green, and a sheet per unit",
        params: DayParams,
        response: binary(xlsxType),
      },
    },
    async (request, reply) => {
      const { filename, body } = await consolidationXlsx(app.db, request.actor, request.params.day);
      // made per request from the stored list; a unit's copy holds only its items, so never cached
      return reply
        .type(xlsxType)
        .header('content-disposition', contentDisposition('attachment', filename))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(body);
    },
  );
  app.get(
    '/consolidations/:day',
    {
      config: { permission: 'consolidation.read' },
      schema: {
        tags: ['consolidation'],
        summary: "One day's list (问题清单) with risk levels and counts",
        description: 'A unit sees only the items it answers for or cooperates on, once the list was pushed.',
        params: DayParams,
        response: { 200: Consolidation },
      },
    },
    async (request) => consolidationDetail(app.db, request.actor, request.params.day),
  );
  app.post(
    '/consolidations/compile',
    {
      config: { permission: 'consolidation.manage' },
      schema: {
        tags: ['consolidation'],
        summary: 'Compile a list now (a preview before 20:00, or again after late judgments); refused once reviewed or pushed',
        body: CompileBody,
        response: { 200: Consolidation },
      },
    },
    async (request) => compileNow(app.db, request.actor, request.body, request.ip),
  );
  app.post(
    '/consolidations/:day/review',
    {
      config: { permission: 'consolidation.manage' },
      schema: {
        tags: ['consolidation'],
        summary: "The office's review of the list at the evening meeting, with a note; freezes the list",
        params: DayParams,
        body: ReviewBody,
        response: { 200: Consolidation },
      },
    },
    async (request) => reviewConsolidation(app.db, request.actor, request.params.day, request.body.note ?? null, request.ip),
  );
}
