import { Injectable } from '@nestjs/common';
import type { ApiRoute, RouteSource } from '../http/route';
import { pathParams, responses } from '../http/schemas';
import { FEATURE_READ_BODY, LEGACY_BATCH_BODY, LEGACY_ENTITY_BODY, V1_BATCH_BODY, V1_ENTITY_BODY } from './feature-bodies';
import { FeaturesService, entityNotFound } from './features.service';
import {
  ENTITY_BATCH_BODY,
  ENTITY_READ_QUERY,
  FEATURE_READ_BODY as FEATURE_READ_REQUEST,
  LEGACY_BATCH_BODY as LEGACY_BATCH_REQUEST,
  readEntityBatch,
  readEventTimes,
  readFeatureList,
  readFeatureRead,
  readLegacyBatch,
} from './read-requests';

/** Entity of the original routes. */
const USER = 'user';
const READ = { scope: 'read' } as const;

/**
 * The read routes: the original prototype's contract, kept exactly (`GET /features/{user_id}`,
 * `POST /features/batch`), the v1 reads of any entity with projection, and reads of features of
 * any views or of a feature service for entity rows (`POST /v1/features`).
 */
@Injectable()
export class FeatureRoutes implements RouteSource {
  constructor(private readonly features: FeaturesService) {}

  routes(): readonly ApiRoute[] {
    const checkSize = (count: number, field: string) => this.features.checkBatchSize(count, field);
    return [
      {
        method: 'GET',
        url: '/features/:userId',
        config: READ,
        schema: {
          summary: "A user's features (the original contract); 404 for an id not in all_users",
          tags: ['Features (original contract)'],
          params: pathParams('userId'),
          response: responses(LEGACY_ENTITY_BODY),
        },
        handler: async (request) => {
          const { userId: id } = request.params as { userId: string };
          const rows = await this.features.readEntity({ entity: USER, ids: [id], indexedOnly: true }, 'get');
          if (!rows.found(0)) throw entityNotFound(USER, id);
          return { entity: USER, ids: [id], rows };
        },
      },
      {
        method: 'POST',
        url: '/features/batch',
        config: READ,
        schema: {
          summary: 'Features of many users in request order; "features": null for an unknown id',
          tags: ['Features (original contract)'],
          body: LEGACY_BATCH_REQUEST,
          response: responses(LEGACY_BATCH_BODY),
        },
        handler: async (request) => {
          const ids = readLegacyBatch(request.body, checkSize);
          const rows = await this.features.readEntity({ entity: USER, ids }, 'get_many');
          return { entity: USER, ids, rows };
        },
      },
      {
        method: 'GET',
        url: '/v1/features/:entity/:id',
        config: READ,
        schema: {
          summary: "An entity's features, only the named ones with ?features=",
          tags: ['Features'],
          params: pathParams('entity', 'id'),
          querystring: ENTITY_READ_QUERY,
          response: responses(V1_ENTITY_BODY),
        },
        handler: async (request) => {
          const { entity, id } = request.params as { entity: string; id: string };
          const query = request.query as Record<string, unknown>;
          const features = readFeatureList(query['features']);
          const eventTimes = readEventTimes(query['event_times']);
          const rows = await this.features.readEntity(features ? { entity, ids: [id], features } : { entity, ids: [id] }, 'get');
          if (!rows.found(0)) throw entityNotFound(entity, id);
          return { entity, ids: [id], rows, eventTimes };
        },
      },
      {
        method: 'POST',
        url: '/v1/features/:entity/batch',
        config: READ,
        schema: {
          summary: 'Features of many ids of an entity, in request order; null for an unknown id',
          tags: ['Features'],
          params: pathParams('entity'),
          querystring: ENTITY_READ_QUERY,
          body: ENTITY_BATCH_BODY,
          response: responses(V1_BATCH_BODY),
        },
        handler: async (request) => {
          const { entity } = request.params as { entity: string };
          const { ids, features } = readEntityBatch(request.body, checkSize);
          const eventTimes = readEventTimes((request.query as Record<string, unknown>)['event_times']);
          const rows = await this.features.readEntity(features ? { entity, ids, features } : { entity, ids }, 'get_many');
          return { entity, ids, rows, eventTimes };
        },
      },
      {
        method: 'POST',
        url: '/v1/features',
        config: READ,
        schema: {
          summary: 'Features of any views, or a feature service, for entity rows: values, statuses and event times',
          tags: ['Features'],
          body: FEATURE_READ_REQUEST,
          response: responses(FEATURE_READ_BODY),
        },
        handler: async (request) => {
          const read = readFeatureRead(request.body, checkSize);
          return { rows: await this.features.readFeatures(read), keys: read.rows };
        },
      },
    ];
  }
}
