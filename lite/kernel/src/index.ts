// The JupyterLite plugin: registers the "TypeScript (convlab)" kernel, and routes the notebook's interrupt
// button to it (JupyterLite's kernel client only stops waiting for a cell; the cell itself must be told).
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { IKernelClient, IKernelSpecs, type IKernel } from "@jupyterlite/services";
import { ConvlabKernel } from "./kernel.js";

const kernels = new Map<string, ConvlabKernel>();

const plugin: JupyterFrontEndPlugin<void> = {
  id: "@convlab/jupyterlite-kernel:kernel",
  autoStart: true,
  requires: [IKernelSpecs],
  optional: [IKernelClient],
  activate: (app: JupyterFrontEnd, specs: IKernelSpecs, client: IKernelClient | null) => {
    // As JupyterLab does: the application on window, for scripts and for the browser tests that drive the UI.
    (window as unknown as { jupyterapp?: JupyterFrontEnd }).jupyterapp ??= app;
    specs.register({
      spec: {
        name: "convlab-lite",
        display_name: "TypeScript (convlab)",
        language: "typescript",
        argv: [],
        resources: { "logo-32x32": "", "logo-64x64": "" },
      },
      create: async (options: IKernel.IOptions): Promise<IKernel> => {
        const kernel = new ConvlabKernel(options);
        kernels.set(options.id, kernel);
        kernel.disposed.connect(() => { if (kernels.get(options.id) === kernel) kernels.delete(options.id); });
        await kernel.ready;
        return kernel;
      },
    });
    if (client) {
      const interrupt = client.interrupt.bind(client);
      client.interrupt = async (kernelId: string) => {
        kernels.get(kernelId)?.interruptCell();
        return interrupt(kernelId);
      };
    }
  },
};

export default [plugin];
