/** The Lambda limits the local stack enforces, in one place (the Invoke API and the front share them). */
export const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
export const ASYNC_PAYLOAD_LIMIT_BYTES = 1024 * 1024;
export const RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;
export const CLIENT_CONTEXT_LIMIT_BYTES = 3583;
