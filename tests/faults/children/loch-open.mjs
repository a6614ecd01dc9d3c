// Shared by the child scripts: opens the compiled package with the S3 settings the parent passes
// in the environment (LOCH_S3_ENDPOINT and the AWS keys), one DuckDB thread per child process.
import { Loch } from '../../../dist/index.js';

export async function openLoch(warehouse) {
  const endpoint = process.env['LOCH_S3_ENDPOINT'];
  const storage = endpoint
    ? {
        s3: {
          endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: process.env['AWS_ACCESS_KEY_ID'] ?? 'lochtest', secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'lochtestsecret' },
        },
      }
    : undefined;
  return Loch.open({ warehouse, threads: 1, ...(storage ? { storage } : {}) });
}

/** One JSON line on stdout: the parent parses every line. */
export function report(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
