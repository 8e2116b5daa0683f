import { describeImage } from '@pictor/core/kernel';
import { renderImage, type Sandbox } from '@pictor/sandbox';
import { NodeOperationError, type IBinaryData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCaptureServer, type CaptureServer } from '../../../../test/capture-server.mjs';
import { runNode, type FakeBinary, type FakeContextOptions } from '../../../../test/fake-execute-functions';
import { credentialsFor, startTestSandbox, TEST_KEY } from '../../../../test/sandbox';

let sandbox: Sandbox;
let photo: FakeBinary;
let otherPhoto: FakeBinary;
beforeAll(async () => {
  sandbox = await startTestSandbox();
  const spec = { seed: 1, index: 0, width: 512, height: 512, format: 'png' as const };
  photo = { bytes: await renderImage({ ...spec, prompt: 'a red barn' }), fileName: 'photo.png', mimeType: 'image/png' };
  otherPhoto = { bytes: await renderImage({ ...spec, prompt: 'a blue lake' }), fileName: 'lake.png' };
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.setFaults(undefined);
  sandbox.stats.reset();
});

const bytesOf = (binary: IBinaryData | undefined) => Buffer.from(binary?.data ?? '', 'base64');

async function failureOf(run: Promise<unknown>): Promise<NodeOperationError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the node should have failed').toBeInstanceOf(NodeOperationError);
  return error as NodeOperationError;
}

describe('Image → Edit', () => {
  it("edits the item's binary into binary items as Generate makes them (OpenAI, multipart)", async () => {
    const items = await runNode({
      credentials: credentialsFor(sandbox, 'openai'),
      parameters: {
        operation: 'edit',
        prompt: 'Make the sky stormy',
        numberOfImages: 2,
        size: 'custom',
        width: 1536,
        height: 1024,
        outputFormat: 'png',
      },
      binaries: [{ data: photo }],
    });

    expect(items).toHaveLength(2);
    for (const [index, item] of items.entries()) {
      const described = describeImage(bytesOf(item.binary?.data));
      expect(item.binary?.data).toMatchObject({
        mimeType: 'image/png',
        fileExtension: 'png',
        fileName: `make-the-sky-stormy-random-${index}.png`,
      });
      expect(described).toMatchObject({ mediaType: 'image/png', width: 1536, height: 1024 });
      expect(item.json).toMatchObject({
        provider: 'openai',
        // OpenAI's default editing model (core's), since none was chosen.
        model: 'gpt-image-2',
        prompt: 'Make the sky stormy',
        index,
        width: 1536,
        height: 1024,
        mimeType: 'image/png',
        sha256: described.sha256,
        warnings: [],
      });
      expect(item.pairedItem).toEqual({ item: 0 });
    }
    expect(sandbox.stats.edits.openai).toBe(1);
    expect(sandbox.stats.generations.openai).toBe(0);
    expect(JSON.stringify(items.map((item) => item.json))).not.toContain(TEST_KEY);
  });

  it('gives an edit derived from its input: same input and seed, same image; another input, another image', async () => {
    const parameters = {
      operation: 'edit',
      model: { mode: 'id', value: 'black-forest-labs/FLUX.1-kontext-pro' },
      prompt: 'Make it winter',
      size: 'custom',
      width: 512,
      height: 512,
      seed: 5,
    };
    const items = await runNode({
      credentials: credentialsFor(sandbox, 'together'),
      parameters: [parameters, parameters, parameters],
      binaries: [{ data: photo }, { data: photo }, { data: otherPhoto }],
    });

    expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    const [first, again, other] = items.map((item) => item.json.sha256);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first).not.toBe(describeImage(photo.bytes).sha256);
    expect(items[0]?.json).toMatchObject({ model: 'black-forest-labs/FLUX.1-kontext-pro', seed: 5, width: 512 });
    // Together's editing models take their input on the generations endpoint.
    expect(sandbox.stats.generations.together).toBe(3);
  });

  it('fails on a binary field the item lacks, naming the field and the item; Continue On Fail goes on', async () => {
    const options: FakeContextOptions = {
      credentials: credentialsFor(sandbox, 'openai'),
      parameters: { operation: 'edit', prompt: 'Add a moon', binaryPropertyName: 'data' },
      binaries: [{ data: photo }, { photo }],
    };

    const error = await failureOf(runNode(options));
    expect(error.message).toBe("The item has no binary field 'data' [item 1]");
    expect(error.context.itemIndex).toBe(1);

    const items = await runNode({ ...options, continueOnFail: true });
    expect(items).toHaveLength(2);
    expect(items[0]?.binary?.data?.mimeType).toBe('image/png');
    expect(items[1]).toEqual({
      json: expect.objectContaining({ error: "The item has no binary field 'data' [item 1]" }),
      pairedItem: { item: 1 },
    });
    expect(sandbox.stats.edits.openai).toBe(2);
  });

  it('fails on an item with no binary at all, and on an empty field list, before any call', async () => {
    const credentials = credentialsFor(sandbox, 'openai');
    const none = await failureOf(runNode({ credentials, parameters: { operation: 'edit', prompt: 'x' } }));
    expect(none.message).toBe(
      "This operation expects the node's input data to contain a binary file 'data', but none was found [item 0]",
    );

    const empty = await failureOf(
      runNode({
        credentials,
        parameters: { operation: 'edit', prompt: 'x', binaryPropertyName: ' , ' },
        binaries: [{ data: photo }],
      }),
    );
    expect(empty.message).toMatch(/^No input binary field given/);
    expect(empty.context.itemIndex).toBe(0);
    expect(sandbox.stats.edits.openai).toBe(0);
  });

  it('refuses what core refuses before any call: a model that cannot edit, a file that is not an image', async () => {
    const schnell = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox, 'together'),
        parameters: {
          operation: 'edit',
          model: { mode: 'id', value: 'black-forest-labs/FLUX.1-schnell' },
          prompt: 'x',
        },
        binaries: [{ data: photo }],
      }),
    );
    expect(schnell.description).toMatch(/^model: /m);

    const text = await failureOf(
      runNode({
        credentials: credentialsFor(sandbox, 'openai'),
        parameters: { operation: 'edit', prompt: 'x', binaryPropertyName: 'data,notes' },
        binaries: [{ data: photo, notes: { bytes: Buffer.from('not an image'), fileName: 'notes.txt' } }],
      }),
    );
    expect(text.description).toMatch(/^images\.1: /m);
    expect(sandbox.stats.generations.together + sandbox.stats.edits.openai).toBe(0);
  });
});

describe('Image → Edit on the wire', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    const answer = await renderImage({ prompt: 'answer', seed: 2, index: 0, width: 64, height: 64, format: 'png' });
    server = await startCaptureServer(() => ({ created: 1, data: [{ b64_json: answer.toString('base64') }] }));
  });
  afterAll(() => server.close());

  it('sends every named binary, the mask and the input fidelity as one multipart body, bytes intact', async () => {
    const mask = await renderImage({
      prompt: 'mask',
      seed: 3,
      index: 0,
      width: 512,
      height: 512,
      format: 'png',
      transparent: true,
    });
    const [item] = await runNode({
      credentials: { provider: 'custom-openai', apiKey: TEST_KEY, baseUrl: `${server.origin}/v1` },
      parameters: {
        operation: 'edit',
        model: { mode: 'id', value: 'gpt-image-1.5' },
        prompt: 'Blend them',
        binaryPropertyName: 'data, lake',
        options: { maskBinaryPropertyName: 'mask', inputFidelity: 'high' },
      },
      binaries: [{ data: photo, lake: otherPhoto, mask: { bytes: mask } }],
    });

    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.url).toBe('/v1/images/edits');
    expect(request?.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    const contentType = request?.headers['content-type'] ?? '';
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    // Parsed as any server would, by the boundary in the header the node passed on unchanged.
    const form = await new Response(request?.body, { headers: { 'content-type': contentType } }).formData();
    const images = form.getAll('image[]') as File[];
    expect(images.map((file) => file.name)).toEqual(['photo.png', 'lake.png']);
    expect(Buffer.from(await images[0]!.arrayBuffer()).equals(Buffer.from(photo.bytes))).toBe(true);
    expect(Buffer.from(await images[1]!.arrayBuffer()).equals(Buffer.from(otherPhoto.bytes))).toBe(true);
    const sentMask = form.get('mask') as File;
    expect(Buffer.from(await sentMask.arrayBuffer()).equals(mask)).toBe(true);
    expect(form.get('input_fidelity')).toBe('high');
    expect(form.get('prompt')).toBe('Blend them');
    expect(form.get('model')).toBe('gpt-image-1.5');
    expect(describeImage(bytesOf(item?.binary?.data))).toMatchObject({ width: 64, height: 64 });
  });
});
