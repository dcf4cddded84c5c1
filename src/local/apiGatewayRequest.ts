/**
 * What API Gateway checks before it calls the integration: the method request's JSON body (with
 * seed 000's model, enforced by a request validator) and the `InvocationType` method header that
 * seeds 001 and 002 map onto Lambda's `X-Amz-Invocation-Type`.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from './awsErrors.js';
import { header } from './http.js';

export type InvocationType = 'Event' | 'RequestResponse';

/** Seed 000's model for `POST /run`: `meta.clientRequestId` correlates, `meta.async` picks Event. */
const RUN_REQUEST_SCHEMA = {
  type: 'object',
  required: ['meta'],
  properties: {
    meta: {
      type: 'object',
      required: ['clientRequestId'],
      additionalProperties: false,
      properties: {
        async: { type: ['boolean'] },
        clientRequestId: { type: ['string'], format: 'guid', description: 'examples: 2d683f76-f769-4250-ae92-ee96a94977a6' },
      },
    },
  },
};

// API Gateway's models are draft-04 JSON Schema and its "guid" format is a UUID of any version.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ajv = new Ajv({ allErrors: true, formats: { guid: GUID } });
const validateRunRequest = ajv.compile(RUN_REQUEST_SCHEMA);

/** API Gateway's BAD_REQUEST_BODY answer, with the validation errors a client needs to fix it. */
const invalidBody = (errors: string[]) => new AwsServiceError(400, 'BadRequestException', 'Invalid request body', { errors: `[${errors.join(', ')}]` });

/** The body as JSON (text and value), or a 400; `validate` applies seed 000's model. */
export function parseJsonBody(data: Buffer, validate: boolean): { text: string; value: unknown } {
  const text = data.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidBody([`body is not JSON: ${(error as Error).message}`]);
  }
  if (validate && !validateRunRequest(value)) throw invalidBody((validateRunRequest.errors ?? []).map(describeError));
  return { text, value };
}

function describeError(error: ErrorObject): string {
  const extra = error.keyword === 'additionalProperties' ? ` ('${(error.params as { additionalProperty: string }).additionalProperty}')` : '';
  return `body${error.instancePath} ${error.message ?? 'is invalid'}${extra}`;
}

/** `meta.async === true` in a validated /run body means Event (seed 000's mapping template). */
export function invocationTypeFromBody(value: unknown): InvocationType {
  return (value as { meta: { async?: boolean } }).meta.async === true ? 'Event' : 'RequestResponse';
}

/**
 * The client's choice, from the `InvocationType` method header (seeds 001, 002) or, as a
 * pass-through, `X-Amz-Invocation-Type`; absent or empty means RequestResponse, Lambda's default.
 * The value is matched without regard to case. Real API Gateway would forward any other value to
 * Lambda, which rejects it and leaves the client with a 500; a 400 that names the fix is kinder.
 */
export function invocationTypeFromHeaders(req: IncomingMessage): InvocationType {
  const value = (header(req, 'InvocationType') ?? header(req, 'X-Amz-Invocation-Type') ?? '').trim();
  if (value === '') return 'RequestResponse';
  const type = (['Event', 'RequestResponse'] as const).find((known) => known.toLowerCase() === value.toLowerCase());
  if (type === undefined) throw new AwsServiceError(400, 'BadRequestException', `Invalid InvocationType: ${value}: use Event or RequestResponse`);
  return type;
}
