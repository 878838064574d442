import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { ModelIdParams, ModelSummary, PredictBody, Predictions, TrainBody } from './schemas.ts';
import { models, predictTexts, trainModel } from './service.ts';

export default async function classifierRoutes(app: App) {
  app.post(
    '/classifier/models',
    {
      config: { permission: 'classifier.train' },
      schema: {
        tags: ['classifier'],
        summary: 'Train a text classifier on labelled examples (any label set)',
        description:
          'Chinese text is segmented with jieba; features are TF-IDF, the model a softmax (multinomial logistic) regression. With 20 or more examples the answer carries a stratified 5-fold cross-validation.',
        body: TrainBody,
        response: { 201: ModelSummary },
      },
    },
    async (request, reply) => reply.status(201).send(await trainModel(app.db, request.actor, request.body, request.ip)),
  );
  app.get(
    '/classifier/models',
    { config: { permission: 'classifier.predict' }, schema: { tags: ['classifier'], summary: 'Trained classifiers of the city', response: { 200: Type.Array(ModelSummary) } } },
    async (request) => models(app.db, request.actor.cityId),
  );
  app.post(
    '/classifier/models/:id/predict',
    {
      config: { permission: 'classifier.predict' },
      schema: {
        tags: ['classifier'],
        summary: 'Classify texts; predictions come back in input order',
        params: ModelIdParams,
        body: PredictBody,
        response: { 200: Predictions },
      },
    },
    async (request) => predictTexts(app.db, request.actor.cityId, request.params.id, request.body.texts),
  );
}
