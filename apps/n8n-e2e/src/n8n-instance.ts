import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { N8nProcess } from './n8n-process.js';
import { freePort } from '@pictor/queue/testing';

/** What `n8n <command>` printed, and how it ended. */
export interface CommandResult {
  code: number | null;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** n8n's binary metadata of one item (`data` is a storage id when the bytes live on disk). */
export interface BinaryMeta {
  mimeType: string;
  fileName: string;
  fileExtension: string;
  fileSize: string;
  data: string;
  id?: string;
}

export interface OutputItem {
  json: Record<string, unknown>;
  binary?: Record<string, BinaryMeta>;
  pairedItem?: unknown;
}

export interface ExecutionResult extends CommandResult {
  /** The execution as `n8n execute --rawOutput` printed it. */
  execution: {
    status?: string;
    data: {
      resultData: { runData: Record<string, Array<{ data?: { main: OutputItem[][] } }>>; error?: { message?: string } };
    };
  };
  /** Output items of a node's first run. */
  itemsOf(node: string): OutputItem[];
}

/** The quiet, offline settings of TOOLCHAIN.md: no telemetry, no update checks, no cloud modules. */
const QUIET_ENV = {
  N8N_DIAGNOSTICS_ENABLED: 'false',
  N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
  N8N_TEMPLATES_ENABLED: 'false',
  N8N_PERSONALIZATION_ENABLED: 'false',
  N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
  N8N_DISABLED_MODULES: 'mcp-registry,instance-ai,workflow-builder,chat-hub,agents,insights',
};

const COMMAND_TIMEOUT_MS = 170_000;

/**
 * Parses `n8n execute --rawOutput`: log lines first, then the execution as `JSON.stringify(data, null, 2)` from
 * the first `{` line to the first `}` line (the only braces in column 0 of such output). n8n may log more after
 * it (seen on a loaded machine while it shuts down), so what follows is left out.
 */
function parseExecution(stdout: string): ExecutionResult['execution'] {
  const start = stdout.search(/^\{/m);
  if (start === -1) throw new Error(`n8n printed no execution:\n${stdout}`);
  const close = stdout.indexOf('\n}', start);
  if (close === -1) throw new Error(`n8n's execution output ends mid-JSON:\n${stdout}`);
  return JSON.parse(stdout.slice(start, close + 2)) as ExecutionResult['execution'];
}

/**
 * A throwaway n8n: its own user folder (database, encryption key, binary storage), the quiet offline
 * settings, commands run one at a time as child processes of n8n's own CLI. `dispose()` deletes the folder.
 */
export class N8nInstance {
  readonly userFolder: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(
    private readonly bin: string,
    brokerPort: number,
  ) {
    this.userFolder = mkdtempSync(join(tmpdir(), 'pictor-n8n-'));
    this.env = {
      PATH: process.env.PATH,
      HOME: this.userFolder,
      // Not vitest's `test`: n8n refuses to load nodes when NODE_ENV is `test`.
      NODE_ENV: 'production',
      N8N_USER_FOLDER: this.userFolder,
      // Each instance its own task-broker port, so a concurrent n8n on this machine does not collide.
      N8N_RUNNERS_BROKER_PORT: String(brokerPort),
      ...QUIET_ENV,
    };
  }

  static async create(bin: string): Promise<N8nInstance> {
    return new N8nInstance(bin, await freePort());
  }

  /** Sets a variable for the commands that follow (e.g. once the folder to point it at exists). */
  setEnv(name: string, value: string): void {
    this.env[name] = value;
  }

  /** Runs `n8n <args>` with Node 24 (the Node running the tests); kills its whole process group on timeout. */
  run(args: string[]): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [this.bin, ...args], {
        env: this.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const timer = setTimeout(() => {
        process.kill(-(child.pid as number), 'SIGKILL');
        reject(new Error(`n8n ${args.join(' ')} took over ${COMMAND_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`));
      }, COMMAND_TIMEOUT_MS);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  /** Starts a long-running `n8n <args>` (`start`, `worker`) with this instance's folder and settings. */
  start(args: string[]): N8nProcess {
    return new N8nProcess(this.bin, args, { ...this.env });
  }

  /** One n8n process per import, whatever the number of entities. */
  private async importFile(command: string, name: string, entities: unknown[]): Promise<void> {
    const file = join(this.userFolder, name);
    writeFileSync(file, JSON.stringify(entities));
    const result = await this.run([command, `--input=${file}`]);
    rmSync(file);
    if (result.code !== 0) throw new Error(`n8n ${command} failed:\n${result.stdout}\n${result.stderr}`);
  }

  /** Imports credentials given decrypted; n8n encrypts them with the instance's key. */
  importCredentials(credentials: unknown[]): Promise<void> {
    return this.importFile('import:credentials', 'credentials.json', credentials);
  }

  /** Imports workflows (each with a fixed `id`, which `execute` takes). */
  importWorkflows(workflows: unknown[]): Promise<void> {
    return this.importFile('import:workflow', 'workflows.json', workflows);
  }

  /** Runs an imported workflow headlessly, as `n8n execute --id=… --rawOutput`. */
  async execute(workflowId: string): Promise<ExecutionResult> {
    const result = await this.run(['execute', `--id=${workflowId}`, '--rawOutput']);
    const execution = parseExecution(result.stdout);
    // n8n 2.41.1 sometimes segfaults while it shuts down, after it has printed the whole execution (TOOLCHAIN.md:
    // exit 139). The run itself is over by then: report the exit n8n meant, from the execution it printed.
    if (result.signal === 'SIGSEGV' || result.code === 139) {
      result.code = execution.data.resultData.error ? 1 : 0;
    }
    return {
      ...result,
      execution,
      itemsOf: (node) => execution.data.resultData.runData[node]?.[0]?.data?.main[0] ?? [],
    };
  }

  /** The bytes of a binary in an execution's output, from n8n's binary storage in the user folder. */
  binaryBytes(binary: BinaryMeta): Buffer {
    const id = binary.id ?? binary.data;
    const mode = id.split(':')[0] ?? '';
    if (!mode.startsWith('filesystem')) return Buffer.from(binary.data, 'base64');
    return readFileSync(join(this.userFolder, '.n8n/storage', id.slice(mode.length + 1)));
  }

  dispose(): void {
    rmSync(this.userFolder, { recursive: true, force: true });
  }
}
