import { Inject, Injectable } from '@nestjs/common';
import { writeFile } from 'node:fs/promises';
import { INGESTOR_CONFIG, type IngestorConfig } from '../app/ingestor-config';

/** Touches INGEST_HEARTBEAT_FILE after each batch; a container health check reads its age. */
@Injectable()
export class Heartbeat {
  constructor(@Inject(INGESTOR_CONFIG) private readonly config: IngestorConfig) {}

  async beat(): Promise<void> {
    if (this.config.heartbeatFile !== null) {
      await writeFile(this.config.heartbeatFile, new Date().toISOString());
    }
  }
}
