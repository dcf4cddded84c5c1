/**
 * SigV4 for the POST requests the direct paths send (Lambda's Invoke API, lambda/directTarget.ts;
 * SQS's SendMessage(Batch), queue/directSqsSender.ts), with the signing key derived once per day and
 * credentials (API Gateway's `execute-api` is signed by aws/signExecuteApi.ts). Hand-written on purpose, because
 * @smithy/signature-v4 was measured too slow for the hot path: in a CPU profile of `lambench bench`
 * on the Invoke API it took 29% of the client's time (about 35 µs a call), mostly generic
 * canonicalization and an HMAC per call that only builds its signing-key cache key. This signer
 * does three hashes a call (payload, canonical request, signature) and nothing else.
 * `test/unit/targets/lambdaDirect.test.ts` and `sqsDirect.test.ts` hold it byte for byte to the SDK's own
 * requests and to @smithy/signature-v4 over many generated requests.
 */
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Headers are lower-case; values are already trimmed single-space strings (we build them all). */
export interface SignableRequest {
  /** As sent on the wire (each path segment URI-encoded once). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

export type RequestSigner = (request: SignableRequest, signingDate?: Date) => Promise<Record<string, string>>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** SHA-256 of no bytes: the payload hash of a call without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNSIGNED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id', 'connection', 'expect', 'transfer-encoding', 'te', 'upgrade', 'keep-alive', 'proxy-authorization']);

/** `service`: the signing name (`lambda`, `sqs`). */
export function createRequestSigner(region: string, service: string, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): RequestSigner {
  let keyFor: { day: string; identity: AwsCredentialIdentity; key: Buffer } | undefined;
  const signingKey = (day: string, identity: AwsCredentialIdentity): Buffer => {
    if (keyFor?.day !== day || keyFor.identity.accessKeyId !== identity.accessKeyId || keyFor.identity.secretAccessKey !== identity.secretAccessKey) {
      let key = hmac(`AWS4${identity.secretAccessKey}`, day);
      for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
      keyFor = { day, identity, key };
    }
    return keyFor.key;
  };
  let dateCache = { second: -1, amzDate: '' };

  return async (request, signingDate) => {
    const identity = typeof credentials === 'function' ? await credentials() : credentials;
    const ms = signingDate?.getTime() ?? Date.now();
    const second = Math.floor(ms / 1000);
    if (dateCache.second !== second) dateCache = { second, amzDate: new Date(second * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '') };
    const amzDate = dateCache.amzDate;
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${region}/${service}/aws4_request`;

    const headers: Record<string, string> = { ...request.headers, 'x-amz-date': amzDate };
    if (identity.sessionToken) headers['x-amz-security-token'] = identity.sessionToken;
    const names = Object.keys(headers).filter((name) => !UNSIGNED_HEADERS.has(name)).sort();
    const signedHeaders = names.join(';');
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${headers[name]}\n`;
    const payloadHash = headers['x-amz-content-sha256'] ?? EMPTY_SHA256;
    const canonicalRequest = `POST\n${doubleEncodedPath(request.path)}\n${canonicalQuery(request.query)}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', signingKey(day, identity)).update(stringToSign).digest('hex');
    headers.authorization = `${ALGORITHM} Credential=${identity.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  };
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Non-S3 services sign the path encoded a second time, segment by segment. */
function doubleEncodedPath(path: string): string {
  return path.split('/').map(escapeUri).join('/');
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${escapeUri(key)}=${escapeUri(query[key]!)}`)
    .join('&');
}

/** RFC 3986 unreserved characters stay; everything else is %XX (upper case), as SigV4 wants. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
