import { problemStatusInfo } from '@cityloop/domain';
import type { App } from '../../http/app.ts';
import { publicRateLimit } from '../../http/rate.ts';
import { CitizenReceipt, CitizenReportBody, ReportStatus, TicketParams } from './schemas.ts';
import { reportStatusByTicket, submitReport } from './service.ts';

export default async function reportRoutes(app: App) {
  // Anonymous callers are limited per address; signed-in users and API keys are not.
  const publicRate = publicRateLimit(app);

  app.post(
    '/reports',
    {
      config: { permission: 'report.create', rateLimit: publicRate },
      schema: {
        tags: ['reports'],
        summary: 'Report a problem (市民随手拍): text, place and photos → a ticket number',
        description:
          'The place is `lng`/`lat` (WGS-84) when given, else the first photo’s EXIF GPS; without either → `report.location_required`. Outside the city → `report.outside_city`.',
        body: CitizenReportBody,
        response: { 201: CitizenReceipt },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const receipt = await submitReport(
        app.db,
        request.actor,
        {
          source: 'citizen',
          text: b.text,
          lng: b.lng,
          lat: b.lat,
          address: b.address,
          mediaIds: b.mediaIds,
          subcategoryCode: b.subcategoryCode,
          reporter: { name: b.name, phone: b.phone, deviceId: b.deviceId },
          externalId: b.clientId,
        },
        { ip: request.ip },
      );
      return reply.status(201).send({
        ticket: receipt.ticket,
        serviceRequestId: receipt.serviceRequestId,
        status: receipt.problemStatus,
        statusLabel: problemStatusInfo[receipt.problemStatus].zh,
        merged: receipt.merged,
        duplicate: receipt.duplicate,
        // a citizen's report always has a point inside the city (else location_required / outside_city)
        area: { districtCode: receipt.area.districtCode ?? '', gridCode: receipt.area.gridCode },
        subcategoryCode: receipt.subcategoryCode,
        classificationConfidence: receipt.classificationConfidence,
        submittedAt: receipt.submittedAt,
      });
    },
  );
  app.get(
    '/reports/track/:ticket',
    {
      config: { permission: 'report.track', rateLimit: publicRate },
      schema: {
        tags: ['reports'],
        summary: 'Status and history of a report by its ticket number (no personal data)',
        params: TicketParams,
        response: { 200: ReportStatus },
      },
    },
    async (request) => reportStatusByTicket(app.db, request.actor.cityId, request.params.ticket),
  );
}
