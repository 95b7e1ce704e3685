import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RequiresScope } from '../auth/api-key.guard';
import { FeaturesService } from './features.service';
import { LegacyBatchRequestDto } from './dto/batch-request.dto';

/** Entity of the original routes. */
const ENTITY = 'user';
const ALL = { eventTimes: false } as const;

/**
 * The original prototype's contract, kept exactly: GET /features/{user_id} and
 * POST /features/batch with {"user_ids": [...]}.
 */
@Controller('features')
export class LegacyFeaturesController {
  constructor(private readonly features: FeaturesService) {}

  @RequiresScope('read')
  @Get(':userId')
  async getOne(@Param('userId') userId: string) {
    const { id, features } = await this.features.getOne(ENTITY, userId, ALL);
    return { user_id: id, features };
  }

  /** Unknown ids come back with `"features": null`, in request order. */
  @RequiresScope('read')
  @Post('batch')
  @HttpCode(200)
  async getMany(@Body() body: LegacyBatchRequestDto) {
    const results = await this.features.getMany(ENTITY, body.user_ids, 'user_ids', ALL);
    return results.map((result, index) => ({ user_id: body.user_ids[index], features: result?.features ?? null }));
  }
}
