import type { WebSocket } from 'ws';

/**
 * Sends a text message (a string or its UTF-8 bytes) the way API Gateway does: split into frames of at most
 * `frameLimitBytes` (32 KB), all fragments of one message written back to back.
 *
 * @example
 * sendText(ws, JSON.stringify(frame), 32 * 1024);
 */
export function sendText(ws: WebSocket, text: string | Buffer, frameLimitBytes: number): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  if (bytes.length <= frameLimitBytes) {
    ws.send(bytes, { binary: false });
    return;
  }
  for (let offset = 0; offset < bytes.length; offset += frameLimitBytes) {
    const end = Math.min(offset + frameLimitBytes, bytes.length);
    ws.send(bytes.subarray(offset, end), { binary: false, fin: end === bytes.length });
  }
}
