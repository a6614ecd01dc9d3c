import type { S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** How to reach an S3-compatible service; every field falls back to the environment. */
export interface S3Options {
  /** e.g. http://127.0.0.1:7480. Env: LOCH_S3_ENDPOINT, then AWS_ENDPOINT_URL; else AWS itself. */
  readonly endpoint?: string;
  /** Env: AWS_REGION, then AWS_DEFAULT_REGION; default us-east-1. */
  readonly region?: string;
  /** Env: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); else the SDK's default chain. */
  readonly credentials?: S3Credentials;
  /** Path-style URLs (http://host/bucket/key). Default: true when an endpoint is set. */
  readonly forcePathStyle?: boolean;
  /** Attempts per request inside the SDK (its own retry of throttling and 5xx). Default 3. */
  readonly maxAttempts?: number;
  /** Where the fallbacks are read from; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The SDK client configuration for `options`, with the environment fallbacks applied. */
export function resolveS3ClientConfig(options: S3Options = {}): S3ClientConfig {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? nonEmpty(env.LOCH_S3_ENDPOINT) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const region = options.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? 'us-east-1';
  const credentials = options.credentials ?? credentialsFromEnv(env);
  const config: S3ClientConfig = {
    region,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    maxAttempts: options.maxAttempts ?? 3,
  };
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    // S3-compatible servers (Ceph, MinIO, older gateways) often reject the SDK's default
    // trailing-checksum uploads; send checksums only where the API requires them.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  if (credentials !== undefined) config.credentials = { ...credentials };
  return config;
}

function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): S3Credentials | undefined {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
