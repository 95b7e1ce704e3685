import { Injectable } from '@nestjs/common';
import { FeatureStore } from '@feature-store/core';
import { Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { API_CONFIG, type ApiConfig } from '../app/api-config';
import { ApiError } from '../errors/api-error';
import { FEAST_READ_BODY } from '../features/feature-bodies';
import { FeaturesService } from '../features/features.service';
import type { ApiRoute, RouteSource } from '../http/route';
import { ERROR_BODY } from '../http/schemas';
import { PushRoutes } from '../push/push-routes';
import {
  GET_ONLINE_FEATURES_BODY,
  PUSH_BODY,
  WRITE_TO_ONLINE_STORE_BODY,
  checkPushTarget,
  readDataFrame,
  readName,
  readOnlineFeaturesRequest,
} from './feast-requests';

const FEAST = ['Feast-compatible'];
const errors = { '4xx': ERROR_BODY, '5xx': ERROR_BODY };
const EMPTY = { 200: { description: 'Written (an empty body)', type: 'null' }, ...errors };

/**
 * The routes of Feast's Python feature server, wire-compatible (`../shared/FEAST-WIRE.md`), so
 * that Feast clients work unchanged: reads answer in Feast's column-oriented format, pushes go
 * through the same validation, ordering and auth as /v1/push. Errors keep this API's
 * `{detail, code}` body with the statuses Feast uses. Where this store does better than Feast it
 * says so in the README ("Coming from Feast").
 */
@Injectable()
export class FeastRoutes implements RouteSource {
  constructor(
    private readonly features: FeaturesService,
    private readonly store: FeatureStore,
    private readonly push: PushRoutes,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  routes(): readonly ApiRoute[] {
    const checkSize = (count: number, field: string) => this.features.checkBatchSize(count, field);
    const checkRows = (count: number, field: string) => {
      if (count < 1 || count > this.config.PUSH_MAX_ROWS) {
        throw new ApiError(400, 'INVALID_BATCH_SIZE', `${field}: expected between 1 and ${this.config.PUSH_MAX_ROWS} rows, got ${count}`);
      }
    };
    return [
      {
        method: 'POST',
        url: '/get-online-features',
        config: { scope: 'read', errors: 'feast', anyContentType: true },
        schema: {
          summary: "Feast's online read: features (or a feature service) for entity rows, column-oriented",
          tags: FEAST,
          body: GET_ONLINE_FEATURES_BODY,
          response: { 200: FEAST_READ_BODY, ...errors },
        },
        handler: async (request) => {
          const read = readOnlineFeaturesRequest(request.body, checkSize);
          const rows = await this.features.readFeatures({ rows: read.rows, ...read.read });
          const names = rows.plan.columns.map(({ view, feature }) => (read.fullFeatureNames ? `${view.name}__${feature.name}` : feature.name));
          const repeated = names.find((name, index) => names.indexOf(name) !== index);
          if (repeated !== undefined) {
            throw new ApiError(400, 'FEATURE_NAME_COLLISION', `feature name "${repeated}" is in several views: ask with full_feature_names`);
          }
          return { rows, entities: read.entities, names };
        },
      },
      {
        method: 'POST',
        url: '/push',
        config: { scope: 'write', errors: 'feast', anyContentType: true },
        schema: { summary: 'Feast push: rows of a push source\'s view (to "online")', tags: FEAST, body: PUSH_BODY, response: EMPTY },
        handler: async (request, reply) => {
          checkPushTarget(request.body);
          const view = this.store.registry.view(this.store.registry.pushSource(readName(request.body, 'push_source_name')).view);
          await this.writeDataFrame(view.name, request.body, checkRows, reply);
          return reply;
        },
      },
      {
        method: 'POST',
        url: '/write-to-online-store',
        config: { scope: 'write', errors: 'feast', anyContentType: true },
        schema: { summary: "Feast's direct write of a view's rows", tags: FEAST, body: WRITE_TO_ONLINE_STORE_BODY, response: EMPTY },
        handler: async (request, reply) => {
          const view = this.store.registry.view(readName(request.body, 'feature_view_name'));
          await this.writeDataFrame(view.name, request.body, checkRows, reply);
          return reply;
        },
      },
    ];
  }

  private async writeDataFrame(viewName: string, body: unknown, checkRows: (count: number, field: string) => void, reply: FastifyReply) {
    const view = this.store.registry.view(viewName);
    const joinKeys = this.store.registry.keySpace(view.entity).entities.map((entity) => entity.joinKey);
    await this.push.write(view.name, readDataFrame(body, joinKeys, checkRows, Date.now()));
    void reply.status(200).send();
  }
}
