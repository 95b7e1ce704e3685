import { Inject, Injectable } from '@nestjs/common';
import { writeFile } from 'node:fs/promises';
import { INGESTOR_CONFIG, type IngestorConfig } from '../app/ingestor-config';

/** Touches INGEST_HEARTBEAT_FILE after each batch; a container health check reads its age. */
@Injectable()
export class Heartbeat {
  constructor(@Inject(INGESTOR_CONFIG) private readonly config: IngestorConfig) {}

  async beat(): Promise<void> {
    if (this.config.INGEST_HEARTBEAT_FILE !== undefined) {
      await writeFile(this.config.INGEST_HEARTBEAT_FILE, new Date().toISOString());
    }
  }
}
