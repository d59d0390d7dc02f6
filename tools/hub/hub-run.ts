// A JupyterHub started for a test or the load test: course/jupyterhub_config.py in its test mode (dummy
// authenticator, per-learner homes under a temp folder), on loopback ports picked free, with an admin service
// token; and the hub's REST API as the load test uses it (create learners, start servers, issue their tokens).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pythonEnv, registerKernel } from "../python/venv.js";
import { hubCommand } from "./hub-process.js";

export interface HubOptions {
  root: string;
  /** The notebooks seeded into each learner's ~/convlab. */
  seed: string;
  /** Shared read-only Fashion-MNIST folder (CONVLAB_DATA). */
  data: string;
  cullTimeoutSeconds?: number;
  /** Folder for the hub's state, the learners' homes and hub.log (default: a new temp folder). */
  workDir?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Hub {
  readonly url: string;
  readonly token = randomBytes(24).toString("hex");
  readonly homes: string;
  readonly logPath: string;
  readonly ports: number[];
  process: ChildProcess | null = null;
  private exited: Promise<void> | null = null;

  private constructor(readonly options: HubOptions, readonly workDir: string, ports: number[]) {
    this.ports = ports;
    this.url = `http://127.0.0.1:${ports[0]}`;
    this.homes = join(workDir, "homes");
    this.logPath = join(workDir, "hub.log");
  }

  static async start(options: HubOptions): Promise<Hub> {
    const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), "convlab-hub-"));
    mkdirSync(workDir, { recursive: true });
    chmodSync(workDir, 0o755);
    const ports = [await freePort(), await freePort(), await freePort()];
    const hub = new Hub(options, workDir, ports);
    await hub.launch();
    return hub;
  }

  private async launch(): Promise<void> {
    const { root } = this.options;
    const python = pythonEnv(root, { quiet: true });
    registerKernel(root, python.prefix);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CONVLAB_HUB_AUTH: "dummy",
      CONVLAB_HUB_DUMMY_PASSWORD: randomBytes(12).toString("hex"),
      CONVLAB_HUB_STATE: join(this.workDir, "state"),
      CONVLAB_HUB_HOMES: this.homes,
      CONVLAB_HUB_SEED: this.options.seed,
      CONVLAB_DATA: this.options.data,
      CONVLAB_HUB_PORT: String(this.ports[0]),
      CONVLAB_HUB_HUB_PORT: String(this.ports[1]),
      CONVLAB_HUB_PROXY_API_PORT: String(this.ports[2]),
      CONVLAB_HUB_API_TOKEN: this.token,
      CONVLAB_HUB_CULL_TIMEOUT: String(this.options.cullTimeoutSeconds ?? 3600),
    };
    const { command, args, env: hubEnv } = hubCommand(root, python, env);
    const log = createWriteStream(this.logPath);
    // detached: its own process group, so stop() can end whatever the hub leaves behind, and only that.
    const child = spawn(command, args, { cwd: this.workDir, env: hubEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.process = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`JupyterHub exited (${child.exitCode ?? child.signalCode}) while starting; see ${this.logPath}`);
      }
      try {
        const response = await fetch(`${this.url}/hub/api/`, { headers: this.headers() });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(300);
    }
    await this.stop();
    throw new Error(`JupyterHub did not answer on ${this.url} within 120 s; see ${this.logPath}`);
  }

  headers(token = this.token): Record<string, string> {
    return { Authorization: `token ${token}` };
  }

  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/hub/api${path}`, {
      method,
      headers: { ...this.headers(), "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`hub API ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async createLearner(name: string): Promise<void> {
    await this.api("POST", `/users/${name}`);
  }

  /** Starts the learner's server (a login does this) and waits until the hub says it is ready; returns its pid. */
  async startServer(name: string, timeoutMs = 600_000): Promise<number> {
    await this.api("POST", `/users/${name}/server`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const user = await this.api<{ servers: Record<string, { ready: boolean; pending: string | null; state?: { pid?: number } }> }>(
        "GET", `/users/${name}`);
      const server = user.servers[""];
      if (server?.ready && server.state?.pid) return server.state.pid;
      if (!server) throw new Error(`${name}'s server stopped while starting; see ${this.logPath}`);
      await sleep(500);
    }
    throw new Error(`${name}'s server was not ready within ${timeoutMs / 1000} s`);
  }

  async stopServer(name: string, timeoutMs = 120_000): Promise<void> {
    await this.api("DELETE", `/users/${name}/server`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const user = await this.api<{ servers: Record<string, unknown> }>("GET", `/users/${name}`);
      if (!user.servers[""]) return;
      await sleep(300);
    }
    throw new Error(`${name}'s server did not stop within ${timeoutMs / 1000} s`);
  }

  /** A token of the learner's own (what their browser session gets at login), for their server's API. */
  async learnerToken(name: string): Promise<string> {
    const created = await this.api<{ token: string }>("POST", `/users/${name}/tokens`, { note: "convlab load test", expires_in: 86400 });
    return created.token;
  }

  /** SIGTERM to the hub (it stops the servers, the culler and the proxy), then waits for it to exit. */
  async stop(timeoutMs = 60_000): Promise<void> {
    const child = this.process;
    if (!child || !this.exited) return;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const stopped = await Promise.race([this.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!stopped) {
      // Last resort, and only our own process group: the hub did not stop in time.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await this.exited;
    }
    this.process = null;
  }
}
