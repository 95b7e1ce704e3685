import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { EntityBatchRequestDto } from './dto/batch-request.dto';
import { RequiresScope } from '../auth/api-key.guard';
import { FeaturesService, type ReadQuery } from './features.service';

/** Reads of any entity of the registry, with projection: only the named features are fetched. */
@Controller('v1/features/:entity')
export class EntityFeaturesController {
  constructor(private readonly features: FeaturesService) {}

  @RequiresScope('read')
  @Get(':id')
  async getOne(
    @Param('entity') entity: string,
    @Param('id') id: string,
    @Query('features') features?: unknown,
    @Query('event_times') eventTimes?: unknown,
  ) {
    const body = await this.features.getOne(entity, id, readQuery(featureList(features), eventTimes));
    return { entity, ...body };
  }

  /** `results` holds one entry per requested id, in order; null for an unknown id. */
  @RequiresScope('read')
  @Post('batch')
  @HttpCode(200)
  async getMany(
    @Param('entity') entity: string,
    @Body() body: EntityBatchRequestDto,
    @Query('event_times') eventTimes?: unknown,
  ) {
    rejectDuplicates(body.ids, 'ids');
    // `features: null` means the same as leaving it out: every feature.
    const features = body.features ?? undefined;
    if (features) rejectDuplicates(features, 'features');
    const results = await this.features.getMany(entity, body.ids, 'ids', readQuery(features, eventTimes));
    return { entity, results };
  }
}

/** v1 batches name each id and feature once (the original batch route keeps accepting repeats). */
function rejectDuplicates(values: readonly string[], field: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new ApiError(400, 'DUPLICATE_VALUE', `${field}: "${value}" appears more than once`);
    seen.add(value);
  }
}

function readQuery(features: readonly string[] | undefined, eventTimes: unknown): ReadQuery {
  if (eventTimes !== undefined && eventTimes !== 'true' && eventTimes !== 'false') {
    throw new ApiError(400, 'INVALID_QUERY', 'event_times: expected true or false');
  }
  return features === undefined ? { eventTimes: eventTimes === 'true' } : { features, eventTimes: eventTimes === 'true' };
}

/** `?features=a,b` (or repeated `?features=a&features=b`) -> ["a", "b"]. */
function featureList(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(','));
  const names = parts.map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) {
    throw new ApiError(400, 'INVALID_QUERY', 'features: expected a comma-separated list of feature names');
  }
  rejectDuplicates(names, 'features');
  return names;
}
