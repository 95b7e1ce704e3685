import { FeatureStoreError, FeatureStoreErrorCode, mapRows } from '../errors';
import type { Backend, BackendRow } from '../backend/backend';
import { WriteCode } from '../redis/scripts';
import type { Registry } from '../registry/registry';
import type { KeySpaceDefinition, ViewDefinition } from '../registry/registry.types';
import { type WriteRow, rowEncoder } from './row-encoder';

/** A row that was not written, as `validate` and `writeValid` report it. */
export interface RejectedRow {
  /** Index of the row in the input. */
  readonly row: number;
  readonly field: string | null;
  readonly reason: string;
}

export interface WriteResult {
  /** Rows applied. */
  readonly written: number;
  /** Rows skipped because the stored row of the view has a newer event time. */
  readonly stale: number;
}

/**
 * Rows that fit the registry met data in Redis that no write of this store made, so they were not
 * applied (the others were): `rejected` names each, `written` and `stale` count the others.
 */
export class StoredDataError extends FeatureStoreError {
  constructor(
    readonly result: WriteResult,
    readonly rejected: readonly RejectedRow[],
  ) {
    const first = rejected[0]!;
    super(
      FeatureStoreErrorCode.InvalidStoredData,
      `Row ${first.row}: ${first.reason}` + (rejected.length > 1 ? ` (and ${rejected.length - 1} more row(s))` : ''),
      { row: first.row },
    );
  }
}

/**
 * The write path every source shares: rows are checked against their view, encoded, and applied
 * with last-write-wins by event time through the backend.
 */
export class RowWriter {
  constructor(
    readonly registry: Registry,
    readonly backend: Backend,
  ) {}

  /**
   * Validates every row, then writes them (see `Backend.write`).
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `INVALID_ROW` / `INVALID_ID` (nothing written), `REDIS_ERROR`,
   *   `NOT_REPLICATED`; `StoredDataError` (`INVALID_STORED_DATA`) naming the rows that stored data stopped.
   */
  async write(viewName: string, rows: readonly WriteRow[]): Promise<WriteResult> {
    const { space, view } = this.target(viewName);
    const encoded = this.check(viewName, rows);
    const { written, stale, rejected } = await this.apply(view, space, encoded, encoded.keys());
    if (rejected.length > 0) throw new StoredDataError({ written, stale }, rejected);
    return { written, stale };
  }

  /**
   * As `write`, but rows that cannot be written (they do not fit the view, or data stored in
   * Redis stops them) are left out and reported instead of failing the call.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `REDIS_ERROR`, `NOT_REPLICATED`
   */
  async writeValid(viewName: string, rows: readonly WriteRow[]): Promise<WriteResult & { rejected: RejectedRow[] }> {
    const { space, view } = this.target(viewName);
    const { encoded, positions, rejected } = this.encodeEach(space, view, rows);
    const applied = await this.apply(view, space, encoded, positions);
    return { written: applied.written, stale: applied.stale, rejected: [...rejected, ...applied.rejected].sort((a, b) => a.row - b.row) };
  }

  /**
   * Checks and encodes every row, writing nothing.
   * @throws FeatureStoreError `UNKNOWN_VIEW`, `INVALID_ROW` / `INVALID_ID` with the row index and field.
   */
  check(viewName: string, rows: readonly WriteRow[]): BackendRow[] {
    const { space, view } = this.target(viewName);
    const encode = rowEncoder(space, view, this.backend.keys);
    return mapRows(rows, (row) => `Row ${row}`, encode);
  }

  /**
   * One entry per row that would be refused, with its index, the field at fault and the reason;
   * empty when every row fits. Writes nothing.
   * @throws FeatureStoreError `UNKNOWN_VIEW`
   */
  validate(viewName: string, rows: readonly WriteRow[]): RejectedRow[] {
    const { space, view } = this.target(viewName);
    return this.encodeEach(space, view, rows).rejected;
  }

  private target(viewName: string): { space: KeySpaceDefinition; view: ViewDefinition } {
    const view = this.registry.view(viewName);
    return { view, space: this.registry.keySpace(view.entity) };
  }

  private encodeEach(space: KeySpaceDefinition, view: ViewDefinition, rows: readonly WriteRow[]) {
    const encode = rowEncoder(space, view, this.backend.keys);
    const encoded: BackendRow[] = [];
    const positions: number[] = [];
    const rejected: RejectedRow[] = [];
    rows.forEach((row, index) => {
      try {
        encoded.push(encode(row));
        positions.push(index);
      } catch (error) {
        if (!(error instanceof FeatureStoreError)) throw error;
        rejected.push({ row: index, field: error.location.field ?? null, reason: error.message });
      }
    });
    return { encoded, positions, rejected };
  }

  /** Writes encoded rows; `positions` gives each one's index in the caller's input. */
  private async apply(view: ViewDefinition, space: KeySpaceDefinition, rows: readonly BackendRow[], positions: Iterable<number>) {
    const codes = await this.backend.write({ eventTimeField: view.eventTimeField, ttlMs: space.ttlMs, rows });
    const at = [...positions];
    let written = 0;
    let stale = 0;
    const rejected: RejectedRow[] = [];
    codes.forEach((code, index) => {
      if (code === WriteCode.Written) written += 1;
      else if (code === WriteCode.Stale) stale += 1;
      else rejected.push({ row: at[index]!, field: null, reason: storedDataReason(code, rows[index]!.hash, view) });
    });
    return { written, stale, rejected };
  }
}

/** Why a row could not be applied over the data stored at its key. */
function storedDataReason(code: WriteCode, hash: string, view: ViewDefinition): string {
  return code === WriteCode.WrongType
    ? `the key ${hash} holds another type than a hash (written outside this store): not written`
    : `the stored event time of view "${view.name}" in ${hash} is not a number (written outside this store): not written`;
}
