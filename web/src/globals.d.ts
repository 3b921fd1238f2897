// Names that web/build.mjs defines at bundle time: the content-hashed URLs of the wasm VM and
// the workers, so that every asset can be cached for good.
declare const WASM_URL: string;
declare const SIMULATOR_WORKER_URL: string;
declare const LANGUAGE_WORKER_URL: string;
