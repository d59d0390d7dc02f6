// The WebAssembly API the kernels use, typed once: tsconfig's lib (ES2022) and @types/node 20 carry no
// WebAssembly types. Importing `WebAssembly` from here shadows the untyped global with the same object.

export interface WasmModule { readonly __wasmModule?: never }
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export interface WasmInstance { readonly exports: object }

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

export const WebAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
