import 'reflect-metadata';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ValidationError } from '@pictor/core';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  getPictorToken,
  InjectPictor,
  PictorModule,
  PictorService,
  type PictorModuleOptions,
  type PictorOptionsFactory,
} from './index.js';

const API_KEY = 'nest-module-test-key-5f1c';
let sandbox: Sandbox;
let moduleRef: TestingModule | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
});

function together(): PictorModuleOptions {
  return { provider: 'together', apiKey: API_KEY, baseURL: sandbox.urls.together, maxRetries: 0 };
}

async function compile(
  ...imports: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>
): Promise<TestingModule> {
  moduleRef = await Test.createTestingModule({ imports }).compile();
  return moduleRef;
}

/** The rejection of a boot that should fail. */
async function bootError(
  ...imports: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>
): Promise<unknown> {
  return Test.createTestingModule({ imports })
    .compile()
    .then(
      () => expect.fail('the module compiled'),
      (error: unknown) => error,
    );
}

const OPTIONS = Symbol('OPTIONS');
@Module({ providers: [{ provide: OPTIONS, useFactory: () => together() }], exports: [OPTIONS] })
class OptionsModule {}

describe('PictorModule.forRoot', () => {
  it('provides a PictorService that generates images and lists models through the configured provider', async () => {
    const pictor = (await compile(PictorModule.forRoot(together()))).get(PictorService);

    const result = await pictor.generate({ prompt: 'a lighthouse at dusk', n: 2, width: 256, height: 256, seed: 7 });
    expect(result.images).toHaveLength(2);
    expect(result.images.map((i) => [i.width, i.height])).toEqual([
      [256, 256],
      [256, 256],
    ]);
    expect(result.images[0]?.mediaType).toMatch(/^image\//);
    expect(pictor.provider).toBe('together');
    expect(pictor.name).toBe('default');

    const models = await pictor.models();
    expect(models.map((m) => m.id)).toContain('black-forest-labs/FLUX.1-schnell');
  });

  it('saves a result with its manifest', async () => {
    const pictor = (await compile(PictorModule.forRoot(together()))).get(PictorService);
    const dir = await mkdtemp(join(tmpdir(), 'pictor-nest-'));
    try {
      const saved = await pictor.save(await pictor.generate({ prompt: 'a red kite', width: 256, height: 256 }), dir);
      expect(saved.images).toHaveLength(1);
      const manifest = await readFile(join(dir, 'manifest.json'), 'utf8');
      expect(manifest).toContain(saved.images[0]!.file);
      expect((await readFile(saved.images[0]!.path)).length).toBe(saved.images[0]!.bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops the boot when the options are invalid, naming the field', async () => {
    const error = await bootError(PictorModule.forRoot({ provider: 'together', maxRetries: -1 }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(expect.arrayContaining(['maxRetries']));
    expect((error as Error).message).toMatch(/^Invalid PictorModule options: .*maxRetries/);
  });

  it('names the client whose options are invalid', async () => {
    const error = await bootError(
      PictorModule.forRoot(together()),
      PictorModule.forRoot({ name: 'gateway', provider: 'openai' }),
    );
    expect((error as ValidationError).fields).toEqual(['apiKey']);
    expect((error as Error).message).toContain('client "gateway"');
  });

  it('keeps isGlobal and name out of the client options', async () => {
    // core's options are strict: an unknown field would stop the boot
    const pictor = (await compile(PictorModule.forRoot({ ...together(), isGlobal: true, name: 'default' }))).get(
      PictorService,
    );
    expect(pictor.client.baseURL).toBe(sandbox.urls.together);
  });
});

describe('PictorModule.forRootAsync', () => {
  it('takes options from a factory with injected dependencies', async () => {
    const pictor = (
      await compile(
        PictorModule.forRootAsync({
          imports: [OptionsModule],
          inject: [OPTIONS],
          useFactory: async (options: PictorModuleOptions) => ({ ...options, model: 'black-forest-labs/FLUX.1-dev' }),
        }),
      )
    ).get(PictorService);
    expect(pictor.client.defaultModel).toBe('black-forest-labs/FLUX.1-dev');
    const result = await pictor.generate({ prompt: 'a fox', width: 256, height: 256 });
    expect(result.model).toBe('black-forest-labs/FLUX.1-dev');
  });

  it('takes options from a class (useClass)', async () => {
    @Injectable()
    class PictorConfig implements PictorOptionsFactory {
      createPictorOptions(): PictorModuleOptions {
        return { ...together(), model: 'black-forest-labs/FLUX.1-pro' };
      }
    }
    const pictor = (await compile(PictorModule.forRootAsync({ useClass: PictorConfig }))).get(PictorService);
    expect(pictor.client.defaultModel).toBe('black-forest-labs/FLUX.1-pro');
  });

  it('takes options from an existing provider (useExisting)', async () => {
    @Injectable()
    class SharedConfig implements PictorOptionsFactory {
      createPictorOptions(): PictorModuleOptions {
        return { ...together(), model: 'black-forest-labs/FLUX.1-dev' };
      }
    }
    @Module({ providers: [SharedConfig], exports: [SharedConfig] })
    class SharedConfigModule {}
    const pictor = (
      await compile(PictorModule.forRootAsync({ imports: [SharedConfigModule], useExisting: SharedConfig }))
    ).get(PictorService);
    expect(pictor.client.defaultModel).toBe('black-forest-labs/FLUX.1-dev');
  });

  it('stops the boot when the factory returns invalid options, naming the field', async () => {
    const error = await bootError(
      PictorModule.forRootAsync({ name: 'gateway', useFactory: () => ({ provider: 'custom' as const }) }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(['baseURL']);
    expect((error as Error).message).toContain('client "gateway"');
  });
});

describe('named clients', () => {
  const gateway = (): PictorModuleOptions => ({
    provider: 'openai',
    apiKey: API_KEY,
    baseURL: sandbox.urls.openai,
    model: 'dall-e-2',
    maxRetries: 0,
  });

  @Injectable()
  class Studio {
    constructor(
      readonly pictor: PictorService,
      @InjectPictor('gateway') readonly gateway: PictorService,
    ) {}
  }

  @Injectable()
  class GatewayUser {
    constructor(@InjectPictor('gateway') readonly gateway: PictorService) {}
  }
  @Module({ providers: [GatewayUser] })
  class FeatureModule {}

  it('registers a default and a named client side by side, each with its own provider', async () => {
    const ref = await Test.createTestingModule({
      imports: [PictorModule.forRoot(together()), PictorModule.forRoot({ name: 'gateway', ...gateway() })],
      providers: [Studio],
    }).compile();
    moduleRef = ref;
    const studio = ref.get(Studio);
    expect(studio.pictor).toBeInstanceOf(PictorService);
    expect(studio.gateway).toBeInstanceOf(PictorService);
    expect([studio.pictor.name, studio.pictor.provider]).toEqual(['default', 'together']);
    expect([studio.gateway.name, studio.gateway.provider]).toEqual(['gateway', 'openai']);
    expect(ref.get(getPictorToken('gateway'))).toBe(studio.gateway);

    sandbox.stats.reset();
    await studio.pictor.generate({ prompt: 'a harbour', width: 256, height: 256 });
    await studio.gateway.generate({ prompt: 'a harbour', size: '256x256' });
    expect(sandbox.stats.generations.together).toBe(1);
    expect(sandbox.stats.generations.openai).toBe(1);
  });

  it('reaches modules that do not import PictorModule only when isGlobal is set', async () => {
    const ref = await compile(
      PictorModule.forRootAsync({ name: 'gateway', isGlobal: true, useFactory: gateway }),
      FeatureModule,
    );
    expect(ref.get(GatewayUser).gateway.provider).toBe('openai');

    const error = await bootError(PictorModule.forRootAsync({ name: 'gateway', useFactory: gateway }), FeatureModule);
    expect((error as Error).message).toContain('PictorService:gateway');
  });
});
