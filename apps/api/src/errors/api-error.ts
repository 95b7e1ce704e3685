/** An error the API answers with a given status; its body is `{"detail": message, "code": code}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The one error body shape of every route. */
export interface ErrorBody {
  readonly detail: string;
  readonly code: string;
  /**
   * A write that stored data stopped part of (`INVALID_STORED_DATA`): what was written, what was
   * stale, and each row that was not written, with the reason.
   */
  readonly written?: number;
  readonly stale?: number;
  readonly rejected?: readonly { readonly row: number; readonly reason: string }[];
}
