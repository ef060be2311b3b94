// Errors typed by what the caller should do about them, not by where they came from.

export class MarketoError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly endpoint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Wrong client id/secret, a bad URL, or a host that is not Marketo: the user must fix the config. */
export class MarketoConfigError extends MarketoError {}

/** 603: the API user's role lacks a permission (or an IP allow-list blocks us). */
export class MarketoAccessDeniedError extends MarketoError {}

/** A transient failure that outlived every retry. The next sync should succeed. */
export class MarketoTransientError extends MarketoError {}

/** 607: the subscription's daily quota is spent; nothing can succeed until it resets. */
export class MarketoQuotaExhaustedError extends MarketoError {}

/** The sync reached the `daily_call_budget` the user set; a clean stop, not a failure. */
export class CallBudgetExhaustedError extends MarketoError {}

/**
 * 1029 "Export daily quota exceeded": no export can be created or enqueued until US Central
 * midnight. Stops the bulk part of a sync (state saved), not the REST part.
 */
export class BulkExportQuotaExhaustedError extends MarketoError {}

/** 1035: the bulk filter asked for (the lead extract's updatedAt) is not enabled for this subscription. */
export class BulkFilterUnsupportedError extends MarketoError {}

/** Any other error Marketo reported, which retrying cannot fix (e.g. 1003 invalid fields). */
export class MarketoRequestError extends MarketoError {}

/**
 * True for errors after which no further call to Marketo can succeed in this sync. A 603 is not one
 * of them: it denies one permission, so it fails the stream that needed it and no other.
 */
export function stopsTheSync(err: unknown): boolean {
  return err instanceof MarketoQuotaExhaustedError || err instanceof CallBudgetExhaustedError || err instanceof MarketoConfigError;
}

/** How Airbyte should classify a failure: the user's to fix, worth retrying later, or ours. */
export function failureTypeOf(err: unknown): 'config_error' | 'transient_error' | 'system_error' | undefined {
  if (err instanceof MarketoConfigError || err instanceof MarketoAccessDeniedError) return 'config_error';
  if (err instanceof MarketoTransientError || err instanceof MarketoQuotaExhaustedError) return 'transient_error';
  if (err instanceof MarketoError) return 'system_error';
  return undefined;
}
