import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import {
  ClassifierStatus,
  RiskAssessment,
  RiskScores,
  RiskThresholds,
  SuggestBody,
  Suggestion,
  Taxonomy,
  TaxonomyEdit,
  TrainingSetResult,
  VersionParams,
  VersionSummary,
  type TrainingSetBodyT,
} from './schemas.ts';
import {
  addTrainingSet,
  assessCityRisk,
  classifierStatus,
  editTaxonomy,
  getCurrentTaxonomy,
  getTaxonomyVersion,
  requestRetrain,
  riskThresholds,
  stopTaxonomyTraining,
  suggestForText,
  taxonomyVersions,
  updateRiskThresholds,
} from './service.ts';
import { AppError } from '../../http/errors.ts';

export default async function taxonomyRoutes(app: App) {
  // A labelled history may come as a CSV file (columns text,category).
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  // Background retraining must not outlive the database.
  app.addHook('onClose', async () => stopTaxonomyTraining());

  app.get(
    '/taxonomy',
    {
      config: { permission: 'taxonomy.read' },
      schema: { tags: ['taxonomy'], summary: 'The current 《城市建设问题分类分级标准》: categories and subcategories', response: { 200: Taxonomy } },
    },
    async (request) => getCurrentTaxonomy(app.db, request.actor.cityId),
  );
  app.put(
    '/taxonomy',
    {
      config: { permission: 'taxonomy.manage' },
      schema: {
        tags: ['taxonomy'],
        summary: 'Save an edited taxonomy (the full set) as the next version',
        description: 'Older versions stay readable unchanged: problems keep the version they were judged under.',
        body: TaxonomyEdit,
        response: { 200: Taxonomy },
      },
    },
    async (request) => editTaxonomy(app.db, request.actor, request.body, request.ip),
  );
  app.get(
    '/taxonomy/versions',
    { config: { permission: 'taxonomy.read' }, schema: { tags: ['taxonomy'], summary: 'Every version of the taxonomy', response: { 200: Type.Array(VersionSummary) } } },
    async (request) => taxonomyVersions(app.db, request.actor.cityId),
  );
  app.get(
    '/taxonomy/versions/:version',
    {
      config: { permission: 'taxonomy.read' },
      schema: { tags: ['taxonomy'], summary: 'One version of the taxonomy, as it was', params: VersionParams, response: { 200: Taxonomy } },
    },
    async (request) => getTaxonomyVersion(app.db, request.actor.cityId, request.params.version),
  );
  app.post(
    '/taxonomy/suggest',
    {
      config: { permission: 'taxonomy.read', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['taxonomy'],
        summary: 'Suggest a subcategory for a description (the citizen page shows it)',
        body: SuggestBody,
        response: { 200: Suggestion },
      },
    },
    async (request) => suggestForText(app.db, request.actor.cityId, request.body.text),
  );
  app.get(
    '/taxonomy/risk-thresholds',
    { config: { permission: 'risk.read' }, schema: { tags: ['taxonomy'], summary: 'Risk matrix thresholds of the city', response: { 200: RiskThresholds } } },
    async (request) => riskThresholds(app.db, request.actor.cityId),
  );
  app.put(
    '/taxonomy/risk-thresholds',
    {
      config: { permission: 'risk.manage' },
      schema: { tags: ['taxonomy'], summary: 'Change the risk matrix thresholds', body: RiskThresholds, response: { 200: RiskThresholds } },
    },
    async (request) => updateRiskThresholds(app.db, request.actor, request.body, request.ip),
  );
  app.post(
    '/taxonomy/risk-assessment',
    {
      config: { permission: 'risk.read' },
      schema: {
        tags: ['taxonomy'],
        summary: 'The risk level of three factor scores (1–5) under the city thresholds',
        body: RiskScores,
        response: { 200: RiskAssessment },
      },
    },
    async (request) => assessCityRisk(app.db, request.actor.cityId, request.body),
  );
  app.post(
    '/taxonomy/training-set',
    {
      config: { permission: 'taxonomy.manage' },
      schema: {
        tags: ['taxonomy'],
        summary: 'Upload a labelled history (JSON or CSV text,category) and get the cross-validated accuracy',
        description:
          'JSON `{"examples":[{"text","subcategoryCode"}]}` or `text/csv` with a header naming `text` and `category` (a subcategory code or name). All rows or none. Answers stratified 5-fold cross-validation over the whole history per subcategory; the model is then retrained in the background.',
        response: { 200: TrainingSetResult },
      },
    },
    async (request) => {
      const body = request.body;
      if (typeof body === 'string') return addTrainingSet(app.db, request.actor, { csv: body }, request.ip);
      const examples = (body as { examples?: unknown } | null)?.examples;
      if (!Array.isArray(examples) || !examples.every((e) => typeof e?.text === 'string' && typeof e?.subcategoryCode === 'string')) {
        throw new AppError('taxonomy.bad_training_set', undefined, 'Send {"examples":[{"text","subcategoryCode"}]} or a CSV with columns text,category');
      }
      return addTrainingSet(app.db, request.actor, { examples } as TrainingSetBodyT, request.ip);
    },
  );
  app.get(
    '/taxonomy/classifier',
    { config: { permission: 'taxonomy.classifier_read' }, schema: { tags: ['taxonomy'], summary: 'State of the taxonomy classifier', response: { 200: ClassifierStatus } } },
    async (request) => classifierStatus(app.db, request.actor.cityId),
  );
  app.post(
    '/taxonomy/classifier/retrain',
    {
      config: { permission: 'taxonomy.manage' },
      schema: { tags: ['taxonomy'], summary: 'Retrain the taxonomy classifier now (in the background)', response: { 202: Type.Object({ scheduled: Type.Boolean() }) } },
    },
    async (request, reply) => reply.status(202).send(await requestRetrain(app.db, request.actor, request.ip)),
  );
}
