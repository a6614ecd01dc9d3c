import { LochError, isLochError } from '../../core/errors.js';
import type { ModelEndpointInfo } from '../../catalog/catalog-types.js';
import type { Loch } from '../../sql/loch.js';
import { parseDottedName, sqlName } from '../names.js';
import type { TableLimits } from '../output/table-writer.js';
import { createWriter, type OutputFormat } from '../output/writers.js';
import type { Terminal } from '../terminal.js';

/** `loch endpoint …`, parsed (names as typed: 1–3 parts, parts may be `quoted`). */
export type EndpointCommand =
  | { readonly kind: 'endpoint'; readonly action: 'list'; readonly schema?: readonly string[] }
  | { readonly kind: 'endpoint'; readonly action: 'describe' | 'drop'; readonly name: readonly string[] };

const USAGE = 'cli: usage: loch endpoint list [<catalog>.<schema>] | describe <name> | drop <name> (create one with SQL: loch sql "CREATE MODEL ENDPOINT …")';

/** The words after `loch endpoint`; INVALID_ARGUMENT with the usage otherwise. */
export function parseEndpointArgs(args: readonly string[]): EndpointCommand {
  const [action, name, ...extra] = args;
  if (extra.length > 0) throw new LochError('INVALID_ARGUMENT', USAGE);
  if (action === 'list') return { kind: 'endpoint', action, ...(name === undefined ? {} : { schema: partsOf(name, 2, 'a schema name (schema or catalog.schema)') }) };
  if ((action === 'describe' || action === 'drop') && name !== undefined) return { kind: 'endpoint', action, name: partsOf(name, 3, 'an endpoint name (name, schema.name or catalog.schema.name)') };
  throw new LochError('INVALID_ARGUMENT', USAGE);
}

function partsOf(text: string, max: number, what: string): string[] {
  const parts = parseDottedName(text);
  if (parts === undefined || parts.length === 0 || parts.length > max || parts.some((p) => p === '')) {
    throw new LochError('INVALID_ARGUMENT', `cli: '${text}' is not ${what}; quote parts with \`…\``);
  }
  return parts;
}

export interface EndpointOutput {
  readonly term: Terminal;
  readonly format: OutputFormat;
  readonly limits: TableLimits;
}

/**
 * `loch endpoint list|describe|drop` as the CLI's principal. describe and drop run the SQL
 * statements (DESCRIBE / DROP MODEL ENDPOINT), so they behave exactly as in the shell; list
 * without a schema walks every catalog and schema the principal sees. Endpoints are created and
 * altered with SQL (CREATE MODEL ENDPOINT …), whose options are literals and whose API key is
 * only a reference, `secret('scope', 'key')`.
 */
export async function endpointCommand(loch: Loch, command: EndpointCommand, output: EndpointOutput): Promise<void> {
  switch (command.action) {
    case 'list':
      return list(loch, command.schema, output);
    case 'describe': {
      const result = await loch.sql(`DESCRIBE MODEL ENDPOINT ${sqlName(command.name)}`);
      const rows = await result.all();
      const writer = createWriter(output.format, output.term.out, output.limits);
      writer.begin(result.columns);
      writer.rows(rows as unknown as readonly (readonly unknown[])[]);
      writer.end();
      return;
    }
    case 'drop':
      await (await loch.sql(`DROP MODEL ENDPOINT ${sqlName(command.name)}`)).all();
      output.term.out(`dropped model endpoint ${command.name.join('.')}\n`);
      return;
  }
}

async function list(loch: Loch, schema: readonly string[] | undefined, output: EndpointOutput): Promise<void> {
  const endpoints: ModelEndpointInfo[] = [];
  if (schema !== undefined) {
    const [catalog, name] = schema.length === 2 ? [schema[0] as string, schema[1] as string] : ['main', schema[0] as string];
    endpoints.push(...(await loch.catalog.listModelEndpoints(catalog.toLowerCase(), name.toLowerCase())));
  } else {
    for (const catalog of await loch.catalog.listCatalogs()) {
      for (const s of await loch.catalog.listSchemas(catalog.name)) endpoints.push(...(await visible(() => loch.catalog.listModelEndpoints(catalog.name, s.name))));
    }
  }
  const writer = createWriter(output.format, output.term.out, output.limits);
  writer.begin(['name', 'provider', 'task', 'model', 'owner', 'comment'].map((n) => ({ name: n, type: 'VARCHAR' })));
  writer.rows(endpoints.map((e) => [`${e.catalog}.${e.schema}.${e.name}`, field(e, 'provider'), field(e, 'task') ?? 'chat', field(e, 'model'), e.owner, e.comment ?? null]));
  writer.end();
}

/** A schema that vanished or is hidden while walking lists nothing. */
async function visible(run: () => Promise<ModelEndpointInfo[]>): Promise<ModelEndpointInfo[]> {
  try {
    return await run();
  } catch (error) {
    if (isLochError(error, 'NOT_FOUND') || isLochError(error, 'PERMISSION_DENIED')) return [];
    throw error;
  }
}

function field(e: ModelEndpointInfo, name: string): string | null {
  const value = e.definition[name];
  return typeof value === 'string' ? value : null;
}
