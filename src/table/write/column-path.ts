import { LochError } from '../../core/errors.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';

/**
 * Addressing a column or nested field by its dotted path, as ALTER TABLE names it: struct fields
 * by name (case-insensitively, as Spark resolves them), array elements as `element`, map keys and
 * values as `key` and `value` (`a.element.b`, `m.value`).
 */

/** One step from a type into a nested one. */
export type PathStep = { readonly kind: 'field'; readonly index: number } | { readonly kind: 'element' } | { readonly kind: 'key' } | { readonly kind: 'value' };

export interface ColumnLocation {
  /** The path as the schema spells it. */
  readonly names: readonly string[];
  readonly steps: readonly PathStep[];
  /** The type at the end of the path. */
  readonly type: DataType;
  /** The nearest struct field at or above the end of the path. */
  readonly field: StructField;
  /** How many steps lead to `field` (the rest are element/key/value steps inside it). */
  readonly fieldDepth: number;
  /** The struct holding `field`. */
  readonly parent: StructType;
}

/** The dotted path Spark shows (UnresolvedAttribute.name): a part holding a dot is back-quoted. */
export function dottedPath(names: readonly string[]): string {
  return names.map((n) => (n.includes('.') ? `\`${n.replaceAll('`', '``')}\`` : n)).join('.');
}

/** Finds `path` in `schema`; undefined when some part names nothing. */
export function locateColumn(schema: StructType, path: readonly string[]): ColumnLocation | undefined {
  if (path.length === 0) return undefined;
  const names: string[] = [];
  const steps: PathStep[] = [];
  let type: DataType = schema;
  let field: StructField | undefined;
  let parent: StructType = schema;
  let fieldDepth = 0;
  for (const part of path) {
    const next = step(type, part);
    if (next === undefined) return undefined;
    steps.push(next.step);
    names.push(next.name);
    if (next.field !== undefined) {
      field = next.field;
      parent = type as StructType;
      fieldDepth = steps.length;
    }
    type = next.type;
  }
  if (field === undefined) return undefined;
  return { names, steps, type, field, fieldDepth, parent };
}

function step(type: DataType, part: string): { step: PathStep; name: string; type: DataType; field?: StructField } | undefined {
  const lower = part.toLowerCase();
  switch (type.kind) {
    case 'struct': {
      const index = type.fields.findIndex((f) => f.name === part);
      const found = index >= 0 ? index : type.fields.findIndex((f) => f.name.toLowerCase() === lower);
      const f = type.fields[found];
      return f === undefined ? undefined : { step: { kind: 'field', index: found }, name: f.name, type: f.type, field: f };
    }
    case 'array':
      return lower === 'element' ? { step: { kind: 'element' }, name: 'element', type: type.element } : undefined;
    case 'map':
      if (lower === 'key') return { step: { kind: 'key' }, name: 'key', type: type.key };
      return lower === 'value' ? { step: { kind: 'value' }, name: 'value', type: type.value } : undefined;
    default:
      return undefined;
  }
}

/**
 * `schema` with the struct field reached by `steps` (which must end on a field step) replaced by
 * what `update` returns, or removed when it returns undefined. Everything else is shared.
 */
export function updateField(schema: StructType, steps: readonly PathStep[], update: (field: StructField) => StructField | undefined): StructType {
  return rebuild(schema, steps, update) as StructType;
}

function rebuild(type: DataType, steps: readonly PathStep[], update: (field: StructField) => StructField | undefined): DataType {
  const [first, ...rest] = steps;
  if (first === undefined) return type;
  if (first.kind === 'field' && type.kind === 'struct') {
    const fields = type.fields.flatMap((f, i) => {
      if (i !== first.index) return [f];
      const next = rest.length === 0 ? update(f) : { ...f, type: rebuild(f.type, rest, update) };
      return next === undefined ? [] : [next];
    });
    return { kind: 'struct', fields };
  }
  if (first.kind === 'element' && type.kind === 'array') return { ...type, element: rebuild(type.element, rest, update) };
  if (first.kind === 'key' && type.kind === 'map') return { ...type, key: rebuild(type.key, rest, update) };
  if (first.kind === 'value' && type.kind === 'map') return { ...type, value: rebuild(type.value, rest, update) };
  throw misfit(first, type);
}

/** `type` with the type reached by element/key/value `steps` replaced by `to` (`to` itself when there are no steps). */
export function replaceNestedType(type: DataType, steps: readonly PathStep[], to: DataType): DataType {
  const [first, ...rest] = steps;
  if (first === undefined) return to;
  if (first.kind === 'element' && type.kind === 'array') return { ...type, element: replaceNestedType(type.element, rest, to) };
  if (first.kind === 'key' && type.kind === 'map') return { ...type, key: replaceNestedType(type.key, rest, to) };
  if (first.kind === 'value' && type.kind === 'map') return { ...type, value: replaceNestedType(type.value, rest, to) };
  throw misfit(first, type);
}

function misfit(step: PathStep, type: DataType): LochError {
  return new LochError('INTERNAL', `column path: a ${step.kind} step does not fit a ${type.kind} type`);
}
