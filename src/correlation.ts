/**
 * Where lambench's correlation ID travels on a queue message: a string message attribute of this
 * name (and, when the body is a JSON object, at the correlation path as on every target). The
 * attribute survives any body a function or a pipeline rewrites, and SQS keeps it through a
 * dead-letter move and a redrive.
 */
export const QUEUE_CORRELATION_ATTRIBUTE = 'lambench-client-request-id';
