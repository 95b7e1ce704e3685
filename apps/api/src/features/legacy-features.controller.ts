import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequiresScope } from '../auth/api-key.guard';
import { FeaturesService } from './features.service';
import { LegacyBatchRequestDto, legacyBatchIds } from './dto/batch-request.dto';

/** Entity of the original routes. */
const ENTITY = 'user';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The original prototype's contract, kept exactly: GET /features/{user_id} and
 * POST /features/batch with {"user_ids": [...]}. These are the hot routes: their bodies are
 * written as JSON text from the stored values, without building objects to serialize.
 */
@Controller('features')
export class LegacyFeaturesController {
  constructor(private readonly features: FeaturesService) {}

  @RequiresScope('read')
  @Get(':userId')
  async getOne(@Param('userId') userId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const features = await this.features.getOneJson(ENTITY, userId);
    void reply.type(JSON_TYPE);
    return `{"user_id":${JSON.stringify(userId)},"features":${features}}`;
  }

  /** Unknown ids come back with `"features": null`, in request order. */
  @RequiresScope('read')
  @Post('batch')
  @HttpCode(200)
  @ApiBody({ type: LegacyBatchRequestDto })
  async getMany(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const ids = legacyBatchIds(body);
    const features = await this.features.getManyJson(ENTITY, ids, 'user_ids');
    void reply.type(JSON_TYPE);
    let json = '[';
    for (let index = 0; index < features.length; index++) {
      if (index > 0) json += ',';
      json += `{"user_id":${JSON.stringify(ids[index])},"features":${features[index] ?? 'null'}}`;
    }
    return `${json}]`;
  }
}
