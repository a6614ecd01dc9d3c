/**
 * The local S3 server the suites that need one use (scripts/s3-local.sh, started by .ci/run):
 * its endpoint and keys from the environment or the script's defaults, and whether it answers.
 * A suite that finds none says so loudly on stderr and skips, so `npm test` passes on a machine
 * with only Node and npm.
 */
export interface LocalS3 {
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly available: boolean;
}

export async function localS3(suite: string): Promise<LocalS3> {
  const endpoint = process.env['LOCH_S3_ENDPOINT'] ?? 'http://127.0.0.1:7480';
  const credentials = {
    accessKeyId: process.env['AWS_ACCESS_KEY_ID'] ?? 'lochtest',
    secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'lochtestsecret',
  };
  const available = await fetch(endpoint, { signal: AbortSignal.timeout(1500) }).then(
    () => true,
    () => false,
  );
  if (!available) process.stderr.write(`\n!! ${suite} NOT RUN: no S3 server at ${endpoint} (scripts/s3-local.sh start)\n\n`);
  return { endpoint, credentials, available };
}
