import type { SocketData } from './types';

/**
 * True when two connections' data are the same once stored: compared as JSON (what the store
 * keeps), with every object's keys in one order, since DynamoDB gives a map's keys back in
 * any order.
 *
 * @example
 * sameData({ user: { id: 'ann', name: 'Ann' } }, { user: { name: 'Ann', id: 'ann' } }); // true
 */
export function sameData(a: SocketData, b: SocketData): boolean {
  return storedForm(a) === storedForm(b);
}

function storedForm(data: SocketData): string {
  return JSON.stringify(data, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
