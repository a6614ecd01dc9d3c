import { LochError } from '../../core/errors.js';
import type { Loch } from '../../sql/loch.js';
import type { TokenCommand } from '../args.js';
import type { TableLimits } from '../output/table-writer.js';
import { createWriter, type OutputFormat } from '../output/writers.js';
import type { Terminal } from '../terminal.js';

export interface TokenOutput {
  readonly term: Terminal;
  readonly format: OutputFormat;
  readonly limits: TableLimits;
}

/**
 * `loch token create|list|revoke`. Whoever can run loch against the warehouse is its
 * administrator, so the CLI manages anyone's tokens:
 * - create: prints only the new token on stdout (scripts capture it); `--user` names the
 *   principal, created as a (non-admin) user when missing; without it, the CLI's own admin
 *   principal. Details go to stderr.
 * - list: id, principal, created, expires, comment (of `--user`, or of everyone).
 * - revoke: by token id; NOT_FOUND for an unknown id.
 */
export async function tokenCommand(loch: Loch, command: TokenCommand, output: TokenOutput): Promise<void> {
  switch (command.action) {
    case 'create':
      return create(loch, command, output.term);
    case 'list':
      return list(loch, command, output);
    case 'revoke':
      return revoke(loch, command.id ?? '', output.term);
  }
}

async function create(loch: Loch, command: TokenCommand, term: Terminal): Promise<void> {
  const user = command.user ?? loch.catalog.actor.name;
  if (command.user !== undefined && (await loch.identity.createUser(user)) === 'created') term.err(`created user ${user}\n`);
  const { token, info } = await loch.identity.createToken(user, {
    ...(command.comment === undefined ? {} : { comment: command.comment }),
    ...(command.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: command.lifetimeSeconds }),
  });
  const expires = info.expiresAt === undefined ? 'never expires' : `expires ${new Date(info.expiresAt).toISOString()}`;
  term.err(`token ${info.id} for ${user} (${expires})\n`);
  term.out(`${token}\n`);
}

async function list(loch: Loch, command: TokenCommand, output: TokenOutput): Promise<void> {
  const infos = await loch.identity.listTokens(command.user);
  const writer = createWriter(output.format, output.term.out, output.limits);
  writer.begin([
    { name: 'token_id', type: 'VARCHAR' },
    { name: 'principal', type: 'VARCHAR' },
    { name: 'created', type: 'TIMESTAMP' },
    { name: 'expires', type: 'TIMESTAMP' },
    { name: 'comment', type: 'VARCHAR' },
  ]);
  const time = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  writer.rows(infos.map((t) => [t.id, t.principal, time(t.createdAt), time(t.expiresAt), t.comment ?? null]));
  writer.end();
}

async function revoke(loch: Loch, id: string, term: Terminal): Promise<void> {
  if ((await loch.identity.revokeToken(id)) === 'missing') throw new LochError('NOT_FOUND', `token: token ${id} does not exist`);
  term.out(`revoked token ${id}\n`);
}
