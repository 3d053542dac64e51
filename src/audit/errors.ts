/**
 * The error of an audit request that cannot run, naming the request's field. Its own file so the
 * prompt sources and the zoo's organism catalogue can throw it without importing inputs.ts.
 */
export class AuditInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "AuditInputError";
  }
}
