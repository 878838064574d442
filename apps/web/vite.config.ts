import { fileURLToPath } from "node:url";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// .gz and .br next to each text asset: the server sends them as they are
// (@fastify/static preCompressed), so phones get compressed pages at no CPU cost.
function precompress(): Plugin {
  return {
    name: "cityloop:precompress",
    apply: "build",
    writeBundle(opts) {
      const walk = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(opts.dir!)) {
        if (!/\.(js|mjs|css|html|svg|json)$/.test(file)) continue;
        const data = fs.readFileSync(file);
        const gz = zlib.gzipSync(data, { level: 9 });
        const br = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
        // a tiny file may not shrink: then it goes as it is
        if (gz.length < data.length) fs.writeFileSync(`${file}.gz`, gz);
        if (br.length < data.length) fs.writeFileSync(`${file}.br`, br);
      }
    },
  };
}

// Multi-page: each entry is an HTML file under apps/web/<page>/index.html and
// lands at dist/<page>/index.html; the server serves dist/ and falls back to
// the page's index.html for client-side routes.
export default defineConfig({
  root: here("."),
  base: "/",
  // The citizen pages (src/public) are Preact (`@jsxImportSource preact` in each
  // file) to stay within their JS budget; React's fast refresh must not touch them.
  plugins: [react({ refreshExclude: [/\/node_modules\//, /\/src\/public\//] }), precompress()],
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        console: here("console/index.html"),
        report: here("report/index.html"),
        track: here("track/index.html"),
      },
    },
  },
  server: {
    port: 5173,
    proxy: { "/api": process.env.API_TARGET ?? "http://localhost:8080" },
    // the domain package and the server's schemas live outside apps/web
    fs: { allow: [here("../..")] },
  },
});
