// A minimal Jupyter client for tests: installs the kernel spec into a temporary prefix, starts
// the kernel exactly as Jupyter would (the spec's argv with a connection file) and speaks the
// wire protocol over ZeroMQ, so tests observe the real messages a front end would get.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";
import * as zmq from "zeromq";
import { createMessage, MessageSigner, type JupyterMessage } from "../../tools/jupyter-kernel/wire.js";

export { REPO_ROOT } from "../helpers/root.js";
import { REPO_ROOT } from "../helpers/root.js";
const INSTALL_SCRIPT = join(REPO_ROOT, "dist/tools/jupyter-kernel/install.js");

/** Installs the kernel spec with the real install script into a fresh prefix; returns the prefix. */
export function installKernelSpec(): string {
  if (!existsSync(INSTALL_SCRIPT)) throw new Error(`${INSTALL_SCRIPT} is missing: run \`npm run build\` before the kernel tests`);
  const prefix = mkdtempSync(join(tmpdir(), "convlab-kernelspec-"));
  const result = spawnSync(process.execPath, [INSTALL_SCRIPT, "--prefix", prefix], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`kernel:install failed: ${result.stderr}`);
  return prefix;
}

export function jupyterPathOf(prefix: string): string {
  return join(prefix, "share", "jupyter");
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ExecuteResult {
  reply: JupyterMessage;
  /** iopub messages of this request between busy and idle, without status and execute_input. */
  outputs: JupyterMessage[];
  executeInput: JupyterMessage | null;
}

/** Messages arriving on one socket, with a way to wait for the first one that matches. */
class Inbox {
  private readonly messages: JupyterMessage[] = [];
  private readonly waiters: { match: (m: JupyterMessage) => boolean; resolve: (m: JupyterMessage) => void }[] = [];

  push(message: JupyterMessage): void {
    const waiterAt = this.waiters.findIndex((waiter) => waiter.match(message));
    if (waiterAt >= 0) this.waiters.splice(waiterAt, 1)[0].resolve(message);
    else this.messages.push(message);
  }

  take(match: (m: JupyterMessage) => boolean, timeoutMs: number, what: string): Promise<JupyterMessage> {
    const queuedAt = this.messages.findIndex(match);
    if (queuedAt >= 0) return Promise.resolve(this.messages.splice(queuedAt, 1)[0]);
    return new Promise((resolveMessage, reject) => {
      const waiter = {
        match,
        resolve: (message: JupyterMessage) => {
          clearTimeout(timer);
          resolveMessage(message);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

export class KernelClient {
  private readonly session = randomUUID();
  private readonly shellInbox = new Inbox();
  private readonly iopubInbox = new Inbox();
  stderr = "";
  /** When each message reached this client (performance.now()), to check that output is live. */
  readonly arrivals = new WeakMap<JupyterMessage, number>();

  private constructor(
    private readonly process: ChildProcess,
    private readonly signer: MessageSigner,
    private readonly shell: zmq.Dealer,
    private readonly iopub: zmq.Subscriber,
    private readonly connectionFile: string,
  ) {
    void this.receive(shell, this.shellInbox);
    void this.receive(iopub, this.iopubInbox);
    process.stderr?.on("data", (chunk) => (this.stderr += String(chunk)));
  }

  /** Starts the "convlab" kernel from the spec installed under `prefix`, with `cwd` as the notebook folder. */
  static async start(prefix: string, cwd: string = REPO_ROOT, attempt = 1): Promise<KernelClient> {
    const specPath = join(jupyterPathOf(prefix), "kernels", "convlab", "kernel.json");
    const spec = JSON.parse(readFileSync(specPath, "utf8")) as { argv: string[] };
    const key = randomUUID();
    const ports = { shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(), control_port: await freePort(), hb_port: await freePort() };
    const connection = { transport: "tcp", ip: "127.0.0.1", key, signature_scheme: "hmac-sha256", ...ports };
    const connectionFile = join(mkdtempSync(join(tmpdir(), "convlab-connection-")), "kernel.json");
    writeFileSync(connectionFile, JSON.stringify(connection));
    const argv = spec.argv.map((arg) => arg.replace("{connection_file}", connectionFile));
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"] });

    const shell = new zmq.Dealer({ routingId: randomUUID() });
    const iopub = new zmq.Subscriber({ receiveHighWaterMark: 0 });
    shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
    iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
    iopub.subscribe();
    const client = new KernelClient(child, new MessageSigner(key), shell, iopub, connectionFile);
    try {
      await client.waitUntilReady();
    } catch (error) {
      await client.shutdown();
      // The ports were free when picked, but another process on this shared machine may bind one before the
      // kernel does; that is the test's race, not the kernel's fault: pick new ports.
      if (attempt < 3 && /Address already in use/.test(String(error))) return KernelClient.start(prefix, cwd, attempt + 1);
      throw error;
    }
    return client;
  }

  /** Repeats kernel_info until its idle status arrives on iopub, so no output is missed later (slow joiner). */
  private async waitUntilReady(): Promise<void> {
    for (let attempt = 0; attempt < 60; attempt++) {
      const request = await this.send("kernel_info_request", {});
      try {
        await this.iopubInbox.take((m) => isIdleFor(m, request), 500, "kernel_info idle");
        await this.shellInbox.take((m) => m.parentHeader.msg_id === request.header.msg_id, 5_000, "kernel_info_reply");
        return;
      } catch {
        if (this.process.exitCode !== null) throw new Error(`kernel exited: ${this.stderr}`);
      }
    }
    throw new Error(`kernel did not answer kernel_info: ${this.stderr}`);
  }

  async send(msgType: string, content: Record<string, unknown>): Promise<JupyterMessage> {
    const message = createMessage(msgType, content, null, this.session, []);
    await this.shell.send(this.signer.encode(message));
    return message;
  }

  async request(msgType: string, content: Record<string, unknown>, timeoutMs = 30_000): Promise<JupyterMessage> {
    const request = await this.send(msgType, content);
    return this.replyTo(request, timeoutMs);
  }

  replyTo(request: JupyterMessage, timeoutMs = 30_000): Promise<JupyterMessage> {
    const id = request.header.msg_id;
    return this.shellInbox.take((m) => m.parentHeader.msg_id === id, timeoutMs, `reply to ${request.header.msg_type}`);
  }

  /** Sends an execute_request without waiting, e.g. to queue several cells like a front end does. */
  submit(code: string, options: Record<string, unknown> = {}): Promise<JupyterMessage> {
    return this.send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...options });
  }

  /** Collects everything a submitted cell produced, up to its idle status, and its reply. */
  async collect(request: JupyterMessage, timeoutMs = 60_000): Promise<ExecuteResult> {
    const id = request.header.msg_id;
    const outputs: JupyterMessage[] = [];
    let executeInput: JupyterMessage | null = null;
    for (;;) {
      const message = await this.iopubInbox.take((m) => m.parentHeader.msg_id === id, timeoutMs, `iopub output of ${id}`);
      if (isIdleFor(message, request)) break;
      if (message.header.msg_type === "status") continue;
      if (message.header.msg_type === "execute_input") executeInput = message;
      else outputs.push(message);
    }
    return { reply: await this.replyTo(request, timeoutMs), outputs, executeInput };
  }

  async execute(code: string, options: Record<string, unknown> = {}): Promise<ExecuteResult> {
    return this.collect(await this.submit(code, options));
  }

  /** iopub messages published after the cell went idle (displays updated from timers, late output). */
  nextIopub(match: (m: JupyterMessage) => boolean, timeoutMs = 5_000): Promise<JupyterMessage> {
    return this.iopubInbox.take(match, timeoutMs, "a later iopub message");
  }

  /** Resolves when the kernel process has exited (crashed, killed, or shut down). */
  exited(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return Promise.resolve();
    return new Promise((resolveExit) => this.process.once("exit", () => resolveExit()));
  }

  /** Interrupts the running cell the way Jupyter does for interrupt_mode "signal". */
  interrupt(): void {
    this.process.kill("SIGINT");
  }

  async shutdown(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolveExit) => this.process.once("exit", resolveExit));
      await this.request("shutdown_request", { restart: false }, 10_000).catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (this.process.exitCode === null) this.process.kill("SIGKILL");
    }
    this.shell.close();
    this.iopub.close();
    rmSync(dirname(this.connectionFile), { recursive: true, force: true });
  }

  private async receive(socket: zmq.Dealer | zmq.Subscriber, inbox: Inbox): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.signer.decode(frames);
        this.arrivals.set(message, performance.now());
        inbox.push(message);
      }
    } catch {
      // The socket was closed by shutdown().
    }
  }
}

function isIdleFor(message: JupyterMessage, request: JupyterMessage): boolean {
  return (
    message.header.msg_type === "status" &&
    message.content.execution_state === "idle" &&
    message.parentHeader.msg_id === request.header.msg_id
  );
}

/**
 * One kernel for a whole test file: started (with a fresh kernel spec) before its tests, shut down and its spec
 * removed after them. `use` receives the started client.
 */
export function useKernel(use: (kernel: KernelClient) => void): void {
  let kernel: KernelClient | undefined;
  let prefix = "";
  beforeAll(async () => {
    prefix = installKernelSpec();
    kernel = await KernelClient.start(prefix);
    use(kernel);
  }, 60_000);
  afterAll(async () => {
    await kernel?.shutdown();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
  });
}
