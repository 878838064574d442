import { Value } from 'typebox/value';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/app.ts';
import { AppError } from '../../http/errors.ts';
import { DetectionBody, DetectionResult, SensorReadingsBody, SensorReadingsResult, Thresholds, ThresholdsPutBody, type DetectionBodyT } from './schemas.ts';
import { postDetection, postSensorReadings, setThresholds, thresholdsOf, type DetectionImage } from './service.ts';

/** A detection sent as multipart: its fields (numbers as text) and an optional `image` file. */
async function readDetection(request: FastifyRequest, maxBytes: number): Promise<{ body: DetectionBodyT; image: DetectionImage | null }> {
  if (!request.isMultipart()) return { body: request.body as DetectionBodyT, image: null };
  const fields: Record<string, unknown> = {};
  let image: DetectionImage | null = null;
  for await (const part of request.parts({ limits: { fileSize: maxBytes + 1, files: 1 } })) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (data.length > maxBytes) throw new AppError('upload.too_large');
      if (part.fieldname !== 'image') throw new AppError('request.invalid', undefined, `unexpected file field ${part.fieldname}: send the picture as "image"`);
      if (data.length > 0) image = { data, filename: part.filename };
    } else {
      fields[part.fieldname] = ['confidence', 'lng', 'lat'].includes(part.fieldname) && part.value !== '' ? Number(part.value) : part.value;
    }
  }
  if (!Value.Check(DetectionBody, fields)) {
    const first = [...Value.Errors(DetectionBody, fields)][0];
    throw new AppError('request.invalid', undefined, first ? `${first.instancePath || '(body)'} ${first.message}` : 'invalid detection');
  }
  return { body: fields as DetectionBodyT, image };
}

export default async function sensorRoutes(app: App) {
  app.post(
    '/sensor-readings',
    {
      config: { permission: 'sensor.post' },
      schema: {
        tags: ['feeds'],
        summary: 'A sensor gateway posts readings; those over their type’s threshold become clues',
        description:
          'API key with scope `sensor.post` (`x-api-key` header). Up to 1000 readings; a unit that cannot be converted to the threshold’s refuses the batch (`sensor.unit_mismatch`). A reading resent (same sensor, type and time) is answered `duplicate` and adds nothing.',
        body: SensorReadingsBody,
        response: { 200: SensorReadingsResult },
      },
    },
    async (request) => postSensorReadings(app.db, request.actor, request.body, request.ip),
  );

  app.post(
    '/detections',
    {
      config: { permission: 'detection.post' },
      schema: {
        tags: ['feeds'],
        summary: 'An image-analysis system posts a detection; at or above the confidence floor it becomes a clue',
        description: 'API key with scope `detection.post`. JSON with `imageUrl`, or multipart with the fields and an `image` file.',
        consumes: ['application/json', 'multipart/form-data'],
        response: { 201: DetectionResult, 200: DetectionResult },
      },
      // JSON bodies are validated here; multipart ones field by field in readDetection.
      preValidation: async (request) => {
        if (request.isMultipart()) return;
        if (!Value.Check(DetectionBody, request.body)) {
          const first = [...Value.Errors(DetectionBody, request.body)][0];
          throw new AppError('request.invalid', undefined, first ? `${first.instancePath || '(body)'} ${first.message}` : 'invalid detection');
        }
      },
    },
    async (request, reply) => {
      const { body, image } = await readDetection(request, app.config.UPLOAD_MAX_BYTES);
      const result = await postDetection(app.db, request.actor, body, image, request.ip);
      return reply.status(result.status === 'duplicate' ? 200 : 201).send(result);
    },
  );

  app.get(
    '/sensor-thresholds',
    {
      config: { permission: 'threshold.read' },
      schema: { tags: ['feeds'], summary: 'Thresholds per sensor type and the detection confidence floor', response: { 200: Thresholds } },
    },
    async (request) => thresholdsOf(app.db, request.actor.cityId),
  );

  app.put(
    '/sensor-thresholds',
    {
      config: { permission: 'threshold.manage' },
      schema: { tags: ['feeds'], summary: 'Set thresholds (limits in each kind’s unit); kinds not sent keep theirs', body: ThresholdsPutBody, response: { 200: Thresholds } },
    },
    async (request) => setThresholds(app.db, request.actor, request.body, request.ip),
  );
}
