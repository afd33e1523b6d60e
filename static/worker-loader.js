// Starts the scanning worker: loads wasm-bindgen's no-modules glue (worker.js) and its Wasm. Served
// from the app's own origin, so the Content-Security-Policy needs no blob: workers.
importScripts('./worker.js');
wasm_bindgen('./worker_bg.wasm');
