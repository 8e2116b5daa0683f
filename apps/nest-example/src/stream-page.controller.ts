import { readFile } from 'node:fs/promises';
import { Controller, Get, Header, StreamableFile } from '@nestjs/common';

/** The page's files, beside `src/` and `dist/` alike. */
const PUBLIC = new URL('../public/', import.meta.url);

/** Its scripts and styles come from this app only; images from it and from `data:` URLs (the previews). */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async function file(name: string, type: string): Promise<StreamableFile> {
  return new StreamableFile(await readFile(new URL(name, PUBLIC)), { type });
}

/**
 * A small page that opens `GET /images/stream` with `EventSource` and shows the previews arriving, then the
 * final image. `EventSource` cannot send headers, so the page works when the app runs without `APP_API_KEY`.
 */
@Controller()
export class StreamPageController {
  @Get()
  @Header('Content-Security-Policy', CSP)
  page(): Promise<StreamableFile> {
    return file('stream.html', 'text/html; charset=utf-8');
  }

  @Get('stream-page.js')
  script(): Promise<StreamableFile> {
    return file('stream-page.js', 'text/javascript; charset=utf-8');
  }

  @Get('stream-page.css')
  style(): Promise<StreamableFile> {
    return file('stream-page.css', 'text/css; charset=utf-8');
  }
}
