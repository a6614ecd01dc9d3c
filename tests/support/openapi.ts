/**
 * OpenAPI response validation for server tests.
 *
 * `loadOpenApi(file)` reads an OpenAPI document (YAML or JSON), takes its `components.schemas`, rewrites
 * `#/components/schemas/X` references to `#/$defs/X` and compiles them with ajv: draft-07 `Ajv` for
 * OpenAPI 3.0 documents, `Ajv2020` for 3.1 documents (3.1 schemas are JSON Schema 2020-12). Formats
 * (date-time, uuid, uri, int64 …) come from ajv-formats; unknown keywords (`example`, `nullable`,
 * `discriminator`, `x-…`) are tolerated (`strict: false`).
 *
 * OpenAPI 3.0 `nullable: true` is honoured by rewriting it to a JSON-schema type union before compiling.
 *
 * `validate(schemaName, body)` returns readable error lines (empty = valid); `expectValid` throws an
 * assertion error that names the schema, the failing paths and the body, so a test failure shows why.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** A compiled OpenAPI document: validates bodies against its component schemas by name. */
export interface OpenApi {
  readonly file: string;
  readonly version: string;
  /** The names of every `components.schemas` entry. */
  readonly schemaNames: readonly string[];
  /** Errors of `body` against `components.schemas[schemaName]`, one readable line each; empty = valid. */
  validate(schemaName: string, body: unknown): string[];
}

type AjvLike = {
  addSchema(schema: object): unknown;
  getSchema(ref: string): ValidateFunction | undefined;
};

// ajv and ajv-formats are CommonJS; under NodeNext their default export may arrive wrapped once more.
function unwrapDefault<T>(mod: unknown): T {
  const inner = (mod as { default?: unknown }).default;
  return (typeof mod === 'function' ? mod : inner) as T;
}

const cache = new Map<string, OpenApi>();

/** Loads and compiles `file` (cached per path). Throws when the document has no `components.schemas`. */
export function loadOpenApi(file: string): OpenApi {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  const doc = parse(readFileSync(file, 'utf8')) as { openapi?: string; components?: { schemas?: object } };
  const schemas = doc.components?.schemas;
  if (schemas === undefined) throw new Error(`openapi: ${file} has no components.schemas`);
  const version = doc.openapi ?? '3.0.0';
  const is31 = version.startsWith('3.1');
  const rewritten = JSON.parse(
    JSON.stringify(schemas).replaceAll('#/components/schemas/', '#/$defs/'),
  ) as Record<string, unknown>;
  const defs = is31 ? rewritten : (rewriteNullable(rewritten) as Record<string, unknown>);
  const AjvClass = unwrapDefault<new (opts: object) => AjvLike>(is31 ? Ajv2020 : Ajv);
  const ajv = new AjvClass({ strict: false, allErrors: true, validateFormats: true });
  unwrapDefault<(a: AjvLike) => void>(addFormatsModule)(ajv);
  ajv.addSchema({ $id: 'spec', $defs: defs });
  const compiled = new Map<string, ValidateFunction>();
  const api: OpenApi = {
    file,
    version,
    schemaNames: Object.keys(defs),
    validate(schemaName, body) {
      let fn = compiled.get(schemaName);
      if (fn === undefined) {
        if (!(schemaName in defs)) return [`schema ${schemaName} is not in ${file}`];
        fn = ajv.getSchema(`spec#/$defs/${schemaName}`);
        if (fn === undefined) return [`schema ${schemaName} did not compile`];
        compiled.set(schemaName, fn);
      }
      return fn(body) ? [] : (fn.errors ?? []).map(describeError);
    },
  };
  cache.set(file, api);
  return api;
}

/** Throws a readable error unless `body` validates against `schemaName`. Returns `body` for chaining. */
export function expectValid<T>(api: OpenApi, schemaName: string, body: T): T {
  const errors = api.validate(schemaName, body);
  if (errors.length > 0) {
    const shown = JSON.stringify(body, null, 1);
    throw new Error(
      `response does not match ${schemaName}:\n  ${errors.join('\n  ')}\nbody: ${shown.length > 2000 ? `${shown.slice(0, 2000)}…` : shown}`,
    );
  }
  return body;
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(root)' : e.instancePath;
  const extra = e.keyword === 'enum' ? ` ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}` : '';
  const extraProp =
    e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  return `${where} ${e.message ?? e.keyword}${extra}${extraProp}`;
}

// OpenAPI 3.0: `nullable: true` next to `type` means the value may also be null.
function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = rewriteNullable(v);
  if (out['nullable'] === true && typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as unknown[]), null];
  }
  return out;
}

/** Alias of `loadOpenApi` (the name used in the shared issue brief). */
export const loadSpec = loadOpenApi;

/** Alias of `validate`: the error lines of `body` against `schemaName` (empty = valid). */
export function validateResponse(api: OpenApi, schemaName: string, body: unknown): string[] {
  return api.validate(schemaName, body);
}
