import type { IncomingMessage } from 'node:http';

/** One server-sent event: its `event:` name (`message` when none) and its `data:` lines joined. */
export interface ServerSentEvent {
  type: string;
  data: string;
}

/**
 * Reads server-sent events from a response as they arrive (the text/event-stream format: fields per line,
 * events separated by a blank line; comments ignored), until the response ends or the caller stops.
 */
export async function* readEvents(response: IncomingMessage): AsyncGenerator<ServerSentEvent> {
  let buffer = '';
  response.setEncoding('utf8');
  for await (const chunk of response as AsyncIterable<string>) {
    buffer += chunk.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':') || line === '') continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') type = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) yield { type, data: data.join('\n') };
    }
  }
}
