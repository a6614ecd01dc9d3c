import { describe, expect, it } from 'vitest';
import { UNSORTED_ORDER, parseSortOrder, sortOrderToJson } from './sort-order.js';

describe('sort orders', () => {
  it('parses, normalises case and round-trips', () => {
    const json = {
      'order-id': 1,
      fields: [
        { transform: 'identity', 'source-id': 2, direction: 'ASC', 'null-order': 'nulls-first' },
        { transform: 'bucket[4]', 'source-ids': [3, 4], direction: 'desc', 'null-order': 'NULLS-LAST' },
      ],
    };
    const order = parseSortOrder(json, 'w');
    expect(order).toEqual({
      orderId: 1,
      fields: [
        { sourceIds: [2], transform: 'identity', direction: 'asc', nullOrder: 'nulls-first' },
        { sourceIds: [3, 4], transform: 'bucket[4]', direction: 'desc', nullOrder: 'nulls-last' },
      ],
    });
    expect(parseSortOrder(sortOrderToJson(order), 'w')).toEqual(order);
    expect(parseSortOrder({ 'order-id': 0, fields: [] }, 'w')).toEqual(UNSORTED_ORDER);
  });

  it('rejects bad directions', () => {
    expect(() => parseSortOrder({ 'order-id': 1, fields: [{ transform: 'identity', 'source-id': 1, direction: 'up', 'null-order': 'nulls-first' }] }, 'w')).toThrow(
      /sort order 1: field 0: sort direction "up"/,
    );
  });
});
