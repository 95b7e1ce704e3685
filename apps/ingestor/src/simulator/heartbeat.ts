import { Inject, Injectable } from '@nestjs/common';
import { writeFile } from 'node:fs/promises';
import { IngestorHealth } from '../app/ingestor-health';
import { INGESTOR_CONFIG, type IngestorConfig } from '../app/ingestor-config';

/**
 * Touches INGEST_HEARTBEAT_FILE after each batch, while the ingestor is healthy (no stalled
 * view); a container health check reads its age.
 */
@Injectable()
export class Heartbeat {
  constructor(
    @Inject(INGESTOR_CONFIG) private readonly config: IngestorConfig,
    private readonly health: IngestorHealth,
  ) {}

  async beat(): Promise<void> {
    if (this.config.INGEST_HEARTBEAT_FILE !== undefined && this.health.stalled().length === 0) {
      await writeFile(this.config.INGEST_HEARTBEAT_FILE, new Date().toISOString());
    }
  }
}
