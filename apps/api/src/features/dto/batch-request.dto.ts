// class-validator runs the decorators of a property bottom-up: the shape check comes first.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsOptional, IsString } from 'class-validator';
import { ApiError } from '../../errors/api-error';

/**
 * POST /features/batch, the original contract, as documented. The hot route checks its body with
 * `legacyBatchIds` instead of class-validator: the same answers, for about 25 µs less a request.
 */
export class LegacyBatchRequestDto {
  @ApiProperty({ type: [String], example: ['user00001', 'user00002'], description: '1 to BATCH_MAX_IDS ids' })
  user_ids!: string[];
}

/** @throws ApiError 400 unless `body.user_ids` is an array of strings */
export function legacyBatchIds(body: unknown): string[] {
  const ids = (body as { user_ids?: unknown } | null)?.user_ids;
  if (!Array.isArray(ids)) throw new ApiError(400, 'BAD_REQUEST', 'user_ids: expected an array of ids');
  for (const id of ids) {
    if (typeof id !== 'string') throw new ApiError(400, 'BAD_REQUEST', 'user_ids: every id is a string');
  }
  return ids as string[];
}

/** POST /v1/features/:entity/batch */
export class EntityBatchRequestDto {
  @ApiProperty({ type: [String], example: ['user00001'], description: '1 to BATCH_MAX_IDS ids' })
  @IsString({ each: true, message: 'ids: every id is a string' })
  @IsArray({ message: 'ids: expected an array of ids' })
  ids!: string[];

  @ApiPropertyOptional({ type: [String], example: ['age'], description: 'only these features (default: all)' })
  @IsOptional()
  @IsString({ each: true, message: 'features: every feature name is a string' })
  @ArrayNotEmpty({ message: 'features: leave it out to get every feature, or name at least one' })
  @IsArray({ message: 'features: expected an array of feature names' })
  features?: string[] | null;
}
