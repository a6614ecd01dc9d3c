import type { SortField, SortOrder } from '../model.js';
import { asArray, asObject, corrupt, optArray, optInt, reqInt, reqString, toInt } from './json-read.js';

/** Sort orders: metadata JSON ⇄ SortOrder. Order id 0 is the unsorted order (no fields). */

export const UNSORTED_ORDER: SortOrder = { orderId: 0, fields: [] };

/**
 * Parses `{order-id, fields: [{transform, source-id | source-ids, direction, null-order}]}`.
 * Direction and null order are matched case-insensitively (Java writes lower case).
 */
export function parseSortOrder(json: unknown, where: string): SortOrder {
  const o = asObject(json, where, 'sort order');
  const orderId = reqInt(o, 'order-id', where);
  const at = `${where}: sort order ${orderId}`;
  const fields = asArray(o.fields, at, '"fields"').map((f, i) => parseSortField(f, `${at}: field ${i}`));
  return { orderId, fields };
}

function parseSortField(json: unknown, where: string): SortField {
  const o = asObject(json, where, 'sort field');
  const many = optArray(o, 'source-ids', where);
  const one = optInt(o, 'source-id', where);
  const sourceIds = many !== undefined ? many.map((v) => toInt(v, where, 'source id')) : one !== undefined ? [one] : [];
  if (sourceIds.length === 0) throw corrupt(where, 'sort field has neither "source-id" nor "source-ids"');
  const direction = reqString(o, 'direction', where).toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') throw corrupt(where, `sort direction "${direction}" is neither asc nor desc`);
  const nullOrder = reqString(o, 'null-order', where).toLowerCase();
  if (nullOrder !== 'nulls-first' && nullOrder !== 'nulls-last') {
    throw corrupt(where, `null order "${nullOrder}" is neither nulls-first nor nulls-last`);
  }
  return { sourceIds, transform: reqString(o, 'transform', where), direction, nullOrder };
}

/** The metadata JSON of a sort order. */
export function sortOrderToJson(order: SortOrder): unknown {
  return {
    'order-id': order.orderId,
    fields: order.fields.map((f) => ({
      transform: f.transform,
      ...(f.sourceIds.length === 1 ? { 'source-id': f.sourceIds[0] } : { 'source-ids': [...f.sourceIds] }),
      direction: f.direction,
      'null-order': f.nullOrder,
    })),
  };
}
