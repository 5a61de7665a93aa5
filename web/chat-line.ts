/** What the page sends as a chat message: the protocol has no name field, so it travels in the message. */
export interface ChatMessage {
  readonly name: string;
  readonly text: string;
}

/**
 * Reads a received message as `name: text`. `{ name, text }` (what this page sends) keeps its
 * name; a plain string, or an object without a usable name, is shown under `fallbackName`
 * (the sender's connection id); anything else is shown as JSON.
 *
 * @example
 * toChatLine({ name: 'Ann', text: 'hi' }, 'Abc='); // { name: 'Ann', text: 'hi' }
 * toChatLine('hi', 'Abc='); // { name: 'Abc=', text: 'hi' }
 */
export function toChatLine(data: unknown, fallbackName: string): ChatMessage {
  if (typeof data === 'string') return { name: fallbackName, text: data };
  if (typeof data === 'object' && data !== null && 'text' in data) {
    const { name, text } = data as { name?: unknown; text?: unknown };
    if (typeof text === 'string') {
      return { name: typeof name === 'string' && name.trim() !== '' ? name : fallbackName, text };
    }
  }
  return { name: fallbackName, text: JSON.stringify(data) ?? String(data) };
}
