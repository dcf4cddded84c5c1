/**
 * Resolves region, endpoint and credentials the way the AWS CLI and SDK do (flag, then environment,
 * then the shared config files), and checks them before anything is sent, so a bad region or an
 * unknown profile is a usage error (exit 2), not a failed call.
 */
import { parseArn } from './arn.js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UsageError, messageOf } from '../errors.js';

export interface AwsOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

export interface ResolvedAwsConfig {
  region: string;
  /** Explicit endpoint (flag or AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL); absent means AWS itself. */
  endpoint?: string;
  profile?: string;
  /** True when the endpoint is on this machine (the local stack, LocalStack). */
  loopback: boolean;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** Regions look like us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-iso-east-1. */
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const DUMMY_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'test', secretAccessKey: 'test' };

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === 'localhost.localstack.cloud' ||
    host.endsWith('.localhost.localstack.cloud') ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/** The services lambench calls, as their AWS_ENDPOINT_URL_<SERVICE> variables name them. */
export type AwsService = 'LAMBDA' | 'SQS' | 'SNS' | 'S3' | 'EVENTBRIDGE' | 'CLOUDWATCH_LOGS';

/** The endpoint a service's client will use: `given` (a flag), else the environment's; undefined: AWS's own. */
export function endpointOf(service: AwsService, given?: string): string | undefined {
  return given ?? endpointFromEnv(service);
}

function endpointFromEnv(service: AwsService): string | undefined {
  return process.env[`AWS_ENDPOINT_URL_${service}`] || process.env.AWS_ENDPOINT_URL || undefined;
}

function checkEndpoint(url: string, flagName: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${flagName} '${url}' is not a URL: give one like http://127.0.0.1:9001`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`${flagName} '${url}' must start with http:// or https://`);
  }
  return url.replace(/\/+$/, '');
}

/** `arn:aws:lambda:eu-west-1:123456789012:function:f` → `eu-west-1`. */
export function regionFromArn(name: string): string | undefined {
  return parseArn(name)?.region || undefined;
}

export async function resolveAwsConfig(
  options: AwsOptions,
  service: AwsService,
  note: (message: string) => void,
  fallbackRegion?: string,
): Promise<ResolvedAwsConfig> {
  const endpointSource = options.endpointUrl ? '--endpoint-url' : `AWS_ENDPOINT_URL_${service} / AWS_ENDPOINT_URL`;
  const rawEndpoint = options.endpointUrl ?? endpointFromEnv(service);
  const endpoint = rawEndpoint === undefined ? undefined : checkEndpoint(rawEndpoint, endpointSource);
  const loopback = endpoint !== undefined && isLoopbackHost(new URL(endpoint).hostname);

  const profile = options.profile ?? process.env.AWS_PROFILE ?? undefined;
  let region = options.region ?? fallbackRegion ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined);
  // The shared-config reader is loaded only when a profile or the region needs it (startup time).
  const config = profile !== undefined || region === undefined ? await import('@smithy/core/config') : undefined;
  const files = profile !== undefined && config ? await config.loadSharedConfigFiles({ ignoreCache: true }) : undefined;
  if (profile !== undefined && files && !(profile in files.configFile) && !(profile in files.credentialsFile)) {
    const source = options.profile ? '--profile' : 'AWS_PROFILE';
    throw new UsageError(
      `unknown profile '${profile}' (from ${source}): it is in neither ~/.aws/config nor ~/.aws/credentials; ` +
        `check the name or create it with 'aws configure --profile ${profile}'`,
    );
  }

  if (region === undefined && config) {
    try {
      region = await config.loadConfig(config.NODE_REGION_CONFIG_OPTIONS, { profile })();
    } catch {
      region = undefined;
    }
  }
  if (!region) {
    if (!loopback) {
      throw new UsageError('no AWS region: pass --region (e.g. --region us-east-1) or set AWS_REGION');
    }
    region = 'us-east-1';
  }
  if (!REGION_PATTERN.test(region)) {
    const source = options.region ? '--region' : fallbackRegion ? 'the function ARN' : 'the configured region';
    throw new UsageError(`unknown region '${region}' (from ${source}): give one like us-east-1 or eu-west-2`);
  }

  const credentials = loopback ? await loopbackCredentials(profile, note) : await awsCredentials(profile);
  return { region, ...(endpoint && { endpoint }), ...(profile && { profile }), loopback, credentials };
}

/**
 * On loopback, use real credentials when some are configured (LocalStack can check them), and
 * dummy ones otherwise. The instance-metadata lookups of the full chain are skipped: they can
 * only time out on a laptop.
 */
async function loopbackCredentials(
  profile: string | undefined,
  note: (message: string) => void,
): Promise<AwsCredentialIdentity> {
  if (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) {
    const { fromEnv } = await import('@aws-sdk/credential-provider-env');
    return fromEnv()();
  }
  const { fromIni } = await import('@aws-sdk/credential-provider-ini');
  try {
    return await fromIni(profile ? { profile } : {})();
  } catch (error) {
    if (profile) {
      throw new UsageError(`profile '${profile}' has no usable credentials: ${messageOf(error)}`, { cause: error });
    }
    note('no AWS credentials configured; using dummy ones for the loopback endpoint');
    return DUMMY_CREDENTIALS;
  }
}

/**
 * The SDK's full default chain, tried once now so that "no credentials" is a usage error; the
 * provider itself is returned so that expiring credentials (SSO, roles) keep refreshing.
 */
async function awsCredentials(profile: string | undefined): Promise<AwsCredentialIdentityProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const provider = defaultProvider(profile ? { profile } : {});
  try {
    await provider();
    return provider;
  } catch (error) {
    throw new UsageError(
      `no AWS credentials found (${messageOf(error)}): run 'aws configure', set AWS_ACCESS_KEY_ID and ` +
        `AWS_SECRET_ACCESS_KEY, or pass --profile`,
      { cause: error },
    );
  }
}
