import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Multi-page: each entry is an HTML file under apps/web/<page>/index.html and
// lands at dist/<page>/index.html; the server serves dist/ and falls back to
// the page's index.html for client-side routes.
export default defineConfig({
  root: here("."),
  base: "/",
  plugins: [react()],
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        console: here("console/index.html"),
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
