// class-validator runs the decorators of a property bottom-up: the shape check comes first.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsOptional, IsString } from 'class-validator';

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
