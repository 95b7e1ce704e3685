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
}
