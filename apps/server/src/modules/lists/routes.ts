import type { FastifyReply } from 'fastify';
import type { App } from '../../http/app.ts';
import { contentDisposition } from '../../documents/download.ts';
import { CaseIdParams, ListQuery, ResponsibilityPage, StandardsPage } from './schemas.ts';
import { noticeDocx, responsibilityList, responsibilityXlsx, standardsList, standardsXlsx, type Download } from './service.ts';

/** Documents are made per request from live data: never cached, always saved under their Chinese name. */
function sendDownload(reply: FastifyReply, d: Download) {
  return reply
    .type(d.mime)
    .header('content-disposition', contentDisposition('attachment', d.filename))
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(d.body);
}

/** OpenAPI for a binary answer (the serializer never touches a Buffer). */
const binary = (mime: string, description: string) => ({ 200: { description, content: { [mime]: { schema: { type: 'string', format: 'binary' } } } } });
const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export default async function listRoutes(app: App) {
  app.get(
    '/cases/:id/notice.docx',
    {
      config: { permission: 'case.read' },
      schema: {
        tags: ['lists'],
        summary: '问题整改通知书: the rectification notice of an assigned case, as .docx',
        description:
          'Official-document layout (GB/T 9704 spirit), with up to four EXIF-free photos. Scoped like the case: 404 `resource.not_found` when the caller may not see it, 409 `case.not_assigned` before assignment.',
        params: CaseIdParams,
        response: binary(docx, 'The notice, saved as 问题整改通知书-<文号>.docx'),
      },
    },
    async (request, reply) => sendDownload(reply, await noticeDocx(app.db, request.actor, request.params.id)),
  );
  app.get(
    '/lists/responsibility',
    {
      config: { permission: 'lists.read' },
      schema: {
        tags: ['lists'],
        summary: '责任清单: lead leader, responsible and cooperating units of every assigned case, filtered and paged',
        querystring: ListQuery,
        response: { 200: ResponsibilityPage },
      },
    },
    async (request) => responsibilityList(app.db, request.actor, request.query),
  );
  app.get(
    '/lists/responsibility.xlsx',
    {
      config: { permission: 'lists.read' },
      schema: { tags: ['lists'], summary: '责任清单 as XLSX (same filters, all pages)', querystring: ListQuery, response: binary(xlsx, 'One sheet 责任清单, rows coloured by risk level') },
    },
    async (request, reply) => sendDownload(reply, await responsibilityXlsx(app.db, request.actor, request.query)),
  );
  app.get(
    '/lists/standards',
    {
      config: { permission: 'lists.read' },
      schema: {
        tags: ['lists'],
        summary: '整改标准清单: technical norm, rectification standard and requirement of every assigned case, filtered and paged',
        querystring: ListQuery,
        response: { 200: StandardsPage },
      },
    },
    async (request) => standardsList(app.db, request.actor, request.query),
  );
  app.get(
    '/lists/standards.xlsx',
    {
      config: { permission: 'lists.read' },
      schema: { tags: ['lists'], summary: '整改标准清单 as XLSX (same filters, all pages)', querystring: ListQuery, response: binary(xlsx, 'One sheet 整改标准清单') },
    },
    async (request, reply) => sendDownload(reply, await standardsXlsx(app.db, request.actor, request.query)),
  );
}
