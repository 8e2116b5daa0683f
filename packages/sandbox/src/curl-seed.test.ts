import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageInfo } from './__fixtures__/http.js';
import { SpecValidator } from './spec-validator.js';
import { startSandbox, type Sandbox } from './start-sandbox.js';

const run = promisify(execFile);
const seedCommand = readFileSync(new URL('./__fixtures__/seed-004-curl.sh', import.meta.url), 'utf8');

describe("the seed's cURL example, with only the host changed", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ apiKey: 'together-key-from-env' });
  });
  afterAll(() => sandbox.close());

  it('returns a valid Together response whose image decodes to 1024×1024', async () => {
    expect(seedCommand).toContain('https://api.together.xyz/v1/images/generations');
    const command = seedCommand.replace('https://api.together.xyz/v1', sandbox.urls.together).trimEnd();
    const { stdout } = await run('sh', ['-c', `${command} --silent --show-error --fail-with-body`], {
      env: { ...process.env, TOGETHER_API_KEY: 'together-key-from-env' },
    });
    const body = JSON.parse(stdout);
    expect(new SpecValidator().validateResponse('together', body)).toEqual([]);
    expect(body).toMatchObject({
      model: 'black-forest-labs/FLUX.1-schnell',
      object: 'list',
      data: [{ index: 0, type: 'url' }],
    });

    // The image behind the URL, fetched with curl as well.
    const image = await run('curl', ['--silent', '--show-error', '--fail', body.data[0].url], {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(await imageInfo(image.stdout)).toEqual({ format: 'jpeg', width: 1024, height: 1024 });
  });

  it('is refused without the key the command reads from the environment', async () => {
    const command = seedCommand.replace('https://api.together.xyz/v1', sandbox.urls.together).trimEnd();
    const { stdout } = await run('sh', ['-c', `${command} --silent --write-out '\\n%{http_code}'`], {
      env: { ...process.env, TOGETHER_API_KEY: '' },
    });
    const [json, status] = stdout.trim().split('\n');
    expect(status).toBe('401');
    expect(JSON.parse(json!).error.code).toBe('invalid_api_key');
  });
});
