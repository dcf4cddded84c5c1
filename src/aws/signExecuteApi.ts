/**
 * SigV4 for IAM-protected APIs (service `execute-api`), with @smithy/signature-v4. The signer is
 * built once per run; each request is signed as it is sent (the date and body hash change).
 * Lambda's Invoke API is signed elsewhere, by hand, for speed (targets/wire/signRequest.ts).
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export type ExecuteApiSigner = (request: SignableRequest) => Promise<Record<string, string>>;

/** `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`. */
export function regionFromApiUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}

export function createExecuteApiSigner(region: string, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): ExecuteApiSigner {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256, uriEscapePath: true });
  return async ({ method, url, headers, body }) => {
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
    }
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port && { port: Number(url.port) }),
      // As sent on the wire (encoded once); the signer double-encodes it, as non-S3 services expect.
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
      ...(body && body.length > 0 && { body }),
    });
    return signed.headers;
  };
}
