import { LochError } from '../../core/errors.js';
import type { SecretPermission } from '../../catalog/secrets/secret-store.js';
import type { Loch } from '../../sql/loch.js';
import type { TableLimits } from '../output/table-writer.js';
import { createWriter, type OutputFormat, type ResultColumn } from '../output/writers.js';
import type { Terminal } from '../terminal.js';

/** `loch secret …`, parsed. */
export type SecretCommand =
  | { readonly kind: 'secret'; readonly action: 'put' | 'delete'; readonly scope: string; readonly key: string }
  | { readonly kind: 'secret'; readonly action: 'list'; readonly scope?: string }
  | { readonly kind: 'secret'; readonly action: 'delete-scope' | 'acl-list'; readonly scope: string }
  | { readonly kind: 'secret'; readonly action: 'acl-put'; readonly scope: string; readonly principal: string; readonly permission: SecretPermission }
  | { readonly kind: 'secret'; readonly action: 'acl-delete'; readonly scope: string; readonly principal: string };

const USAGE =
  'cli: usage: loch secret put <scope> <key> (value from standard input or a hidden prompt) | list [<scope>] | delete <scope> <key> | delete-scope <scope> | acl put <scope> <principal> READ|WRITE|MANAGE | acl delete <scope> <principal> | acl list <scope>';

/** The words after `loch secret`; INVALID_ARGUMENT with the usage otherwise. */
export function parseSecretArgs(args: readonly string[]): SecretCommand {
  const [action, a, b, c] = args;
  const n = args.length;
  if (action === 'put' && n === 4) {
    throw new LochError('INVALID_ARGUMENT', 'cli: loch secret put takes no value on the command line (it would stay in the shell history): pipe it in or type it at the hidden prompt');
  }
  if ((action === 'put' || action === 'delete') && n === 3) return { kind: 'secret', action, scope: a as string, key: b as string };
  if (action === 'list' && n <= 2) return { kind: 'secret', action, ...(a === undefined ? {} : { scope: a }) };
  if (action === 'delete-scope' && n === 2) return { kind: 'secret', action, scope: a as string };
  if (action === 'acl') {
    if (a === 'list' && n === 3) return { kind: 'secret', action: 'acl-list', scope: b as string };
    if (a === 'delete' && n === 4) return { kind: 'secret', action: 'acl-delete', scope: b as string, principal: c as string };
    if (a === 'put' && n === 5) return { kind: 'secret', action: 'acl-put', scope: b as string, principal: c as string, permission: permissionOf(args[4] as string) };
  }
  throw new LochError('INVALID_ARGUMENT', USAGE);
}

function permissionOf(text: string): SecretPermission {
  const upper = text.toUpperCase();
  if (upper === 'READ' || upper === 'WRITE' || upper === 'MANAGE') return upper;
  throw new LochError('INVALID_ARGUMENT', `cli: the permission must be READ, WRITE or MANAGE, not '${text}'`);
}

/** Where `loch secret put` reads the value from. */
export interface SecretInput {
  /** Standard input is a terminal (then the hidden prompt is used). */
  readonly tty: boolean;
  /** All of standard input (piped). */
  readAll(): Promise<string>;
  /** One line typed at a prompt (written to stderr) without echo; CANCELLED on Ctrl-C / Ctrl-D. */
  readHidden(prompt: string): Promise<string>;
}

export interface SecretOutput {
  readonly term: Terminal;
  readonly format: OutputFormat;
  readonly limits: TableLimits;
  /** Default: the process's standard input. */
  readonly input?: SecretInput;
}

/**
 * `loch secret …` against `loch.secrets`, acting as the CLI's principal (`loch.catalog.actor`,
 * the warehouse's administrator): put (the value from piped standard input, one trailing newline
 * removed, or typed at a prompt that does not echo), list scopes or the keys of a scope with
 * their update times, delete a key or a scope, and manage a scope's ACL. No output ever holds a
 * value: there is no command that prints one, and values never pass through SQL.
 */
export async function secretCommand(loch: Loch, command: SecretCommand, output: SecretOutput): Promise<void> {
  const actor = loch.catalog.actor;
  const { term } = output;
  switch (command.action) {
    case 'put': {
      const value = await readValue(output.input ?? processInput(), command.scope, command.key);
      const outcome = await loch.secrets.putSecret(actor, command.scope, command.key, value);
      term.out(`${outcome === 'created' ? 'created' : 'replaced'} secret ${command.key} in scope ${command.scope}\n`);
      return;
    }
    case 'list':
      return command.scope === undefined ? listScopes(loch, output) : listKeys(loch, command.scope, output);
    case 'delete':
      if ((await loch.secrets.deleteSecret(actor, command.scope, command.key)) === 'missing') {
        throw new LochError('NOT_FOUND', `secrets: scope ${command.scope} has no key ${command.key} (RESOURCE_DOES_NOT_EXIST)`);
      }
      term.out(`deleted secret ${command.key} from scope ${command.scope}\n`);
      return;
    case 'delete-scope':
      if ((await loch.secrets.deleteScope(actor, command.scope)) === 'missing') throw new LochError('NOT_FOUND', `secrets: scope ${command.scope} does not exist (RESOURCE_DOES_NOT_EXIST)`);
      term.out(`deleted scope ${command.scope} and its secrets\n`);
      return;
    case 'acl-put':
      await loch.secrets.putAcl(actor, command.scope, command.principal, command.permission);
      term.out(`granted ${command.permission} on scope ${command.scope} to ${command.principal}\n`);
      return;
    case 'acl-delete':
      if ((await loch.secrets.deleteAcl(actor, command.scope, command.principal)) === 'missing') {
        throw new LochError('NOT_FOUND', `secrets: scope ${command.scope} has no ACL entry for ${command.principal}`);
      }
      term.out(`removed ${command.principal} from the ACL of scope ${command.scope}\n`);
      return;
    case 'acl-list': {
      const acls = await loch.secrets.listAcls(actor, command.scope);
      table(output, [text('principal'), text('permission')], acls.map((a) => [a.principal, a.permission]));
      return;
    }
  }
}

async function readValue(input: SecretInput, scope: string, key: string): Promise<string> {
  const raw = input.tty ? await input.readHidden(`Value of secret ${key} in scope ${scope} (not shown): `) : await input.readAll();
  const value = input.tty ? raw : raw.replace(/\r?\n$/, '');
  if (value === '') {
    throw new LochError('INVALID_ARGUMENT', `cli: no value for secret ${key} in scope ${scope}: pipe it in (loch secret put ${scope} ${key} < file) or type it at the prompt`);
  }
  return value;
}

async function listScopes(loch: Loch, output: SecretOutput): Promise<void> {
  const scopes = await loch.secrets.listScopes(loch.catalog.actor);
  table(output, [text('scope'), text('owner'), time('created')], scopes.map((s) => [s.name, s.owner, iso(s.createdAt)]));
}

async function listKeys(loch: Loch, scope: string, output: SecretOutput): Promise<void> {
  const keys = await loch.secrets.listSecrets(loch.catalog.actor, scope);
  table(output, [text('key'), time('updated')], keys.map((k) => [k.key, iso(k.updatedAt)]));
}

function table(output: SecretOutput, columns: readonly ResultColumn[], rows: readonly (readonly unknown[])[]): void {
  const writer = createWriter(output.format, output.term.out, output.limits);
  writer.begin(columns);
  writer.rows(rows);
  writer.end();
}

const text = (name: string): ResultColumn => ({ name, type: 'VARCHAR' });
const time = (name: string): ResultColumn => ({ name, type: 'TIMESTAMP' });
const iso = (ms: number): string => new Date(ms).toISOString();

/** The process's standard input; the prompt goes to stderr so that stdout stays clean. */
export function processInput(): SecretInput {
  return {
    tty: process.stdin.isTTY === true,
    readAll: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    readHidden: (prompt) => readHiddenLine(process.stdin, (t) => process.stderr.write(t), prompt),
  };
}

/**
 * Reads one line from a terminal in raw mode, so nothing typed is echoed: Enter ends it,
 * Backspace removes the last character, Ctrl-C and Ctrl-D (on an empty line) cancel; escape
 * sequences (arrow keys) are ignored. The terminal mode is restored whatever happens.
 */
export function readHiddenLine(stdin: NodeJS.ReadStream, write: (text: string) => void, prompt: string): Promise<string> {
  write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: LochError): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      write('\n');
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      const input = (typeof chunk === 'string' ? chunk : chunk.toString('utf8')).replace(/\x1b\[[0-9;]*[A-Za-z~]/g, '');
      for (const ch of input) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\x03' || (ch === '\x04' && value === '')) return finish(new LochError('CANCELLED', 'cli: loch secret put cancelled; nothing stored'));
        if (ch === '\x7f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
